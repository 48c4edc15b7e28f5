"""The geometry of OCR: a tall image cut into overlapping strips, the boxes each strip gives
put back in the image's coordinates without the overlap's duplicates, and boxes joined into
printed lines. Pure: no OCR engine here (ocr.py runs it).

A strip is read at the image's own scale: the engine shrinks anything whose long side is over
its limit (rapidocr's `max_side_len`, 2000 px), and a 长图 of 1000 × 4200 px shrunk to
476 × 2000 leaves its digits unreadable (0 read as n, u). (An image wider than 2000 px is
still shrunk to that width: its print is large.) Strips overlap by more than a
printed line is tall, and each box belongs to the one strip whose share of the overlap holds
its centre: a line cut by a strip's edge is whole in the strip that owns it, and its cut part
in the other strip has its centre on the owner's side too (so it is dropped). A box the owner
missed is taken from the other strip when it is whole there and nothing kept stands in its
place (the detector finds a lone label at one offset and not at another: measured).
"""
from __future__ import annotations

from typing import NamedTuple

STRIP = 1000  # px: a strip's height (the detector finds a table's lone digits better in strips
# of about the width of a page than in one 2000 px image: measured on Chromium screenshots)
OVERLAP = 240  # px: more than any printed line is tall at a readable scale


class Box(NamedTuple):
    top: float
    bottom: float
    left: float
    right: float
    text: str
    score: float


def strips(height: int, strip: int = STRIP, overlap: int = OVERLAP) -> list[tuple[int, int]]:
    """(top, bottom) of each horizontal strip of an image, top to bottom, consecutive strips
    overlapping by `overlap` px; one strip when the image is no taller than `strip`."""
    if height <= strip:
        return [(0, height)]
    out, top = [], 0
    while True:
        bottom = min(top + strip, height)
        out.append((top, bottom))
        if bottom >= height:
            return out
        top = bottom - overlap


def owned(windows: list[tuple[int, int]]) -> list[tuple[float, float]]:
    """The part of the image each strip answers for: from the middle of its overlap with the
    strip above to the middle of its overlap with the strip below."""
    out = []
    for i, (top, bottom) in enumerate(windows):
        lo = (top + windows[i - 1][1]) / 2 if i else float("-inf")
        hi = (windows[i + 1][0] + bottom) / 2 if i + 1 < len(windows) else float("inf")
        out.append((lo, hi))
    return out


def box_of(points, text: str, score: float, dy: float = 0.0) -> Box:
    ys, xs = [p[1] for p in points], [p[0] for p in points]
    return Box(float(min(ys)) + dy, float(max(ys)) + dy, float(min(xs)), float(max(xs)), text, float(score))


EDGE = 8  # px: a box this near a strip's inner edge may be a line cut by it


def _same_place(a: Box, b: Box) -> bool:
    """Two boxes are one printed text: they overlap by half the smaller one's area."""
    w = min(a.right, b.right) - max(a.left, b.left)
    h = min(a.bottom, b.bottom) - max(a.top, b.top)
    smaller = min((a.right - a.left) * (a.bottom - a.top), (b.right - b.left) * (b.bottom - b.top))
    return w > 0 and h > 0 and w * h >= 0.5 * max(smaller, 1e-9)


def join_strips(per_strip: list[list[Box]], windows: list[tuple[int, int]]) -> list[Box]:
    """The boxes of every strip (already in image coordinates), each kept from the strip that
    owns its centre; a box the owner missed (the detector is not the same at every offset) is
    taken from the strip that also holds it whole — away from its inner edges — unless a box
    already kept stands in its place."""
    zones = owned(windows)
    kept = [b for boxes, (lo, hi) in zip(per_strip, zones) for b in boxes if lo <= (b.top + b.bottom) / 2 < hi]
    last = len(windows) - 1
    for i, (boxes, (top, bottom), (lo, hi)) in enumerate(zip(per_strip, windows, zones)):
        for b in boxes:
            if lo <= (b.top + b.bottom) / 2 < hi:
                continue
            if (i and b.top < top + EDGE) or (i < last and b.bottom > bottom - EDGE):
                continue  # perhaps cut by the edge: the neighbour holds it whole
            if not any(_same_place(b, k) for k in kept if k.top < b.bottom and k.bottom > b.top):
                kept.append(b)
    return kept


def _band(row: list[Box]) -> tuple[float, float]:
    """A line's height: the median top and bottom of its boxes (a cell spanning rows, or a
    label wrapped over two lines, does not stretch it)."""
    tops, bottoms = sorted(b.top for b in row), sorted(b.bottom for b in row)
    return tops[len(row) // 2], bottoms[len(row) // 2]


def rows(boxes: list[Box]) -> list[list[Box]]:
    """The boxes of each printed line, top to bottom, each line's boxes left to right: a box
    (taken by the height of its centre) joins the line above when its centre is within the
    line's height or the line's centre within the box's. A row's label and its figures share
    a line even when a cell spanning several rows (三、本年度办理结果, （四）无法提供) stands
    beside them at another height."""
    out: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: (b.top + b.bottom, b.left)):
        if out:
            top, bottom = _band(out[-1])
            centre = (box.top + box.bottom) / 2
            if top <= centre <= bottom or box.top <= (top + bottom) / 2 <= box.bottom:
                out[-1].append(box)
                continue
        out.append([box])
    for row in out:
        row.sort(key=lambda b: b.left)
    return out


def lines(boxes: list[Box]) -> list[tuple[str, float]]:
    """(text, confidence) for each printed line (`rows`), its boxes left to right; the line's
    confidence is its least confident box's."""
    return [(" ".join(b.text for b in row), min(b.score for b in row)) for row in rows(boxes)]
