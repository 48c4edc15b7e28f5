"""A tall image (a 长图) read by OCR strip by strip (extract/ocr_lines.py): the geometry.

Hypothesis generates printed lines (heights and gaps of a readable scale) on images of any
height, "reads" each strip as an OCR engine does — every box that touches the strip,
cut at its edges — and requires each printed box back exactly once, whole, in reading order.
Then the line joining: a row's label and its figures share one line even when cells spanning
several rows stand beside them at other heights. No OCR engine here (test_ocr_long_images.py
reads real screenshots)."""
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from extract import ocr_lines
from extract.ocr_lines import Box

from .test_glued_property import examples


@st.composite
def pages(draw):
    """(height, boxes): printed lines of boxes, top to bottom, at a readable scale."""
    boxes, y = [], draw(st.integers(0, 200))
    for i in range(draw(st.integers(1, 120))):
        h = draw(st.integers(12, min(ocr_lines.OVERLAP, 120)))
        left = 0.0
        for j in range(draw(st.integers(1, 4))):
            w = draw(st.integers(10, 300))
            boxes.append(Box(float(y), float(y + h), left, left + w, f"{i}.{j}", 0.99))
            left += w + draw(st.integers(5, 50))
        y += h + draw(st.integers(0, 400))
    return y + draw(st.integers(0, 3000)), boxes


def read_by_strips(height, boxes, strip, misses=frozenset()):
    """What an engine reading each strip gives: every box touching it, cut at its edges,
    except the (strip, box) pairs in `misses` (the detector is not the same at every offset)."""
    windows = ocr_lines.strips(height, strip=strip)
    per_strip = []
    for i, (top, bottom) in enumerate(windows):
        seen = [b._replace(top=max(b.top, top), bottom=min(b.bottom, bottom))
                for j, b in enumerate(boxes) if b.bottom > top and b.top < bottom and (i, j) not in misses]
        per_strip.append(seen)
    return windows, ocr_lines.join_strips(per_strip, windows)


@settings(max_examples=examples(25))
@given(pages(), st.sampled_from([ocr_lines.STRIP, 800, 2000]))
def test_every_box_back_once_and_whole(page, strip):
    height, boxes = page
    windows, got = read_by_strips(height, boxes, strip)
    assert windows[0][0] == 0 and windows[-1][1] == height
    for (_, bottom), (top, _) in zip(windows, windows[1:]):
        assert bottom - top == ocr_lines.OVERLAP  # consecutive strips overlap
    assert all(bottom - top <= strip for top, bottom in windows)
    assert sorted(got) == sorted(boxes)


@settings(max_examples=examples(25))
@given(pages(), st.sampled_from([ocr_lines.STRIP, 800]), st.integers(0, 2**32))
def test_a_box_one_strip_missed_is_taken_from_the_other(page, strip, seed):
    """Strips miss boxes at random: a box comes back once and whole when another strip held
    it whole, away from its inner edges; never a cut part, never twice."""
    height, boxes = page
    windows = ocr_lines.strips(height, strip=strip)
    rnd = random.Random(seed)
    misses = {(i, j) for i in range(len(windows)) for j in range(len(boxes)) if rnd.random() < 0.2}
    _, got = read_by_strips(height, boxes, strip, frozenset(misses))
    assert len(got) == len(set(got)) and set(got) <= set(boxes)
    zones, edge = ocr_lines.owned(windows), ocr_lines.EDGE
    for j, b in enumerate(boxes):
        held = [i for i, ((top, bottom), (lo, hi)) in enumerate(zip(windows, zones)) if (i, j) not in misses and (
            lo <= (b.top + b.bottom) / 2 < hi
            or (top <= b.top and b.bottom <= bottom and (i == 0 or b.top >= top + edge)
                and (i == len(windows) - 1 or b.bottom <= bottom - edge)))]
        assert (b in got) == bool(held), (b, held)


def test_a_short_image_is_one_strip():
    assert ocr_lines.strips(1000) == [(0, 1000)]
    assert ocr_lines.strips(2500) == [(0, 1000), (760, 1760), (1520, 2500)]


def _row(y, h, label, figures, x=200.0):
    out = [Box(y, y + h, x, x + 200, label, 0.95)]
    out += [Box(y + 1, y + h - 1, 600 + 50 * i, 616 + 50 * i, f, 1.0) for i, f in enumerate(figures)]
    return out


def test_a_cell_spanning_rows_does_not_part_a_label_from_its_figures():
    """三、本年度办理结果 and （四）无法提供 span rows, printed at their middle (as a browser
    centres them): each row's label still shares its line with its figures."""
    boxes = _row(1146, 23, "1.本机关不掌握相关政府信息", "6000006")
    boxes += [Box(1161, 1189, 129, 210, "(四) 无法", 0.9), Box(1171, 1196, 8, 110, "三、本年度办", 0.9),
              Box(1183, 1214, 117, 163, "提供", 0.9)]
    boxes += _row(1175, 24, "2.没有现成信息需要另行制作", "0000000")
    boxes += [Box(1195, 1221, 7, 64, "理结果", 0.9)] + _row(1205, 23, "3.补正后申请内容仍不明确", "0000000")
    got = [text for text, _ in ocr_lines.lines(boxes)]
    assert got[0] == "1.本机关不掌握相关政府信息 6 0 0 0 0 0 6"
    assert got[1].endswith("2.没有现成信息需要另行制作 0 0 0 0 0 0 0")
    assert got[2] == "理结果 3.补正后申请内容仍不明确 0 0 0 0 0 0 0"


def test_a_wrapped_label_keeps_its_figures_on_its_first_line():
    """A label wrapped over two lines, the figures printed at the cell's middle."""
    boxes = [Box(1378, 1401, 218, 620, "1.申请人无正当理由逾期不补正、行政机关不再处理其政", 0.9)]
    boxes += [Box(1390, 1410, 624 + 40 * i, 640 + 40 * i, "0", 1.0) for i in range(7)]
    boxes += [Box(1402, 1426, 218, 337, "府信息公开申请", 0.9)]
    got = [text for text, _ in ocr_lines.lines(boxes)]
    assert got == ["1.申请人无正当理由逾期不补正、行政机关不再处理其政 0 0 0 0 0 0 0", "府信息公开申请"]
