"""The skew and quarter turn of a page image (extract/deskew.py), measured on generated
pages: lines of print and a ruled table, turned by known angles."""
from __future__ import annotations

import random

import pytest
from PIL import Image, ImageDraw, ImageFont

from extract import deskew


def page(seed: int, width: int = 1000, height: int = 1400) -> Image.Image:
    """A report-like page: paragraphs of words, then a ruled table of figures."""
    rnd = random.Random(seed)
    im = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(im)
    font = ImageFont.load_default(size=18)
    y = 60
    for _ in range(14):
        words = " ".join("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rnd.randint(2, 9)))
                         for _ in range(rnd.randint(6, 12)))
        draw.text((60, y), words, fill=0, font=font)
        y += 34
    top, rows, cols = y + 30, 12, 8
    cell_w, cell_h = (width - 120) // cols, 36
    for r in range(rows + 1):
        draw.line([(60, top + r * cell_h), (60 + cols * cell_w, top + r * cell_h)], fill=0, width=1)
    for c in range(cols + 1):
        draw.line([(60 + c * cell_w, top), (60 + c * cell_w, top + rows * cell_h)], fill=0, width=1)
    for r in range(rows):
        for c in range(cols):
            draw.text((68 + c * cell_w, top + r * cell_h + 8), str(rnd.randint(0, 400)), fill=0, font=font)
    return im


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("angle", [-3.0, -1.5, -0.7, 0.6, 1.5, 2.4, 4.0])
def test_skew_measured_within_a_tenth_of_a_degree(seed, angle):
    crooked = page(seed).rotate(angle, expand=True, fillcolor=255, resample=Image.BICUBIC)
    assert deskew.skew_angle(crooked) == pytest.approx(-angle, abs=0.1)
    levelled, turned = deskew.level(crooked)
    assert turned == pytest.approx(-angle, abs=0.1)
    assert deskew.skew_angle(levelled) == 0.0


@pytest.mark.parametrize("seed", range(3))
def test_a_level_page_is_left_as_it_is(seed):
    im = page(seed)
    assert deskew.skew_angle(im) == 0.0
    assert deskew.level(im)[0] is im
    assert not deskew.quarter_turned(im)


def test_a_blank_or_uniform_page_shows_no_skew():
    assert deskew.skew_angle(Image.new("L", (800, 1000), 255)) == 0.0
    noise = Image.effect_noise((600, 600), 120).point(lambda v: 0 if v < 100 else 255)
    assert abs(deskew.skew_angle(noise)) <= deskew.MAX_ANGLE
    assert not deskew.quarter_turned(Image.new("L", (800, 1000), 255))


@pytest.mark.parametrize("seed", range(3))
@pytest.mark.parametrize("quarter", [90, 270])
def test_a_quarter_turned_page_is_recognised(seed, quarter):
    assert deskew.quarter_turned(page(seed).rotate(quarter, expand=True))
    assert not deskew.quarter_turned(page(seed).rotate(180, expand=True))
