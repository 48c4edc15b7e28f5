"""A PDF's text layer against what its pages show (extract/shown.py), on generated pages:
a table of seeded figures printed by Chromium, its fonts' /ToUnicode maps then rewritten —
the digits permuted (an anti-copy font), or two digits sent to one (no map can undo it)."""
from __future__ import annotations

import random
import re
import zlib

import pytest

from extract import shown
from extract.pdf import load_pdf

from .world import captures4 as c4
from .world.captures import print_pdf


def figures_page(seed: int) -> str:
    rnd = random.Random(seed)
    rows = "".join("<tr><td>第%d行</td>%s</tr>" % (r, "".join(f"<td>{rnd.choice([0, 0, rnd.randint(1, 9), rnd.randint(10, 9999)])}</td>"
                                                              for _ in range(7))) for r in range(1, 16))
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><h1>{2020 + seed}年报告</h1>'
            f'<p>本年度共收到申请1234567890件。</p><table border="1">{rows}</table></body></html>')


def digits(data: bytes, maps=None) -> str:
    return re.sub(r"[^0-9]", "", load_pdf(data, "t.pdf", maps).body_text)


def collapse(data: bytes) -> bytes:
    """The fonts' /ToUnicode maps with the glyphs of 1 and 2 both said to be 1."""
    objs, trailer = c4._objects(data)
    for n in {int(n) for body in objs.values() for n in re.findall(rb"/ToUnicode (\d+) 0 R", body)}:
        _, cmap = c4._stream_of(objs[n])
        pairs = [(c, w, 0x31 if u == 0x32 else u) for c, w, u in c4._cmap_pairs(cmap)]
        new = zlib.compress(c4._cmap(pairs, b""))
        objs[n] = b"<</Filter /FlateDecode\n/Length %d>> stream\n" % len(new) + new + b"\nendstream"
    return c4._write(objs, trailer)


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("shown")
    return {seed: print_pdf(figures_page(seed), folder, f"figures-{seed}") for seed in range(2)}


@pytest.mark.parametrize("seed", range(2))
def test_an_honest_text_layer_is_vouched_for(printed, seed):
    assert shown.verdict(printed[seed], 10).kind == "honest"


@pytest.mark.parametrize("seed", range(2))
def test_permuted_digits_are_read_as_the_page_shows_them(printed, seed):
    lying = c4.pdf_fonts(printed[seed], "permute", random.Random(f"shown/{seed}"))
    assert digits(lying) != digits(printed[seed])  # the text layer lies
    found = shown.verdict(lying, 10)
    assert found.kind == "remap", found.detail
    assert digits(lying, found.maps) == digits(printed[seed])


@pytest.mark.parametrize("seed", range(2))
def test_two_glyphs_said_to_be_one_digit_cannot_be_vouched_for(printed, seed):
    found = shown.verdict(collapse(printed[seed]), 10)
    assert found.kind == "unproven", found.detail


def test_a_digit_map_needs_every_printed_digit_seen_and_one_to_one():
    pairs = [("12", "34"), ("21", "43"), ("1", "3")]
    assert shown._font_map(pairs, {"1", "2"}) == {"1": "3", "2": "4"}
    assert shown._font_map(pairs, {"1", "2", "5"}) is None  # 5 is printed, never seen
    assert shown._font_map([("12", "33"), ("1", "3"), ("2", "3")], {"1", "2"}) is None  # not one to one
    assert shown._font_map([("12", "34"), ("12", "56"), ("12", "78")], {"1", "2"}) is None  # no map fits

