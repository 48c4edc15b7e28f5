"""A figure read by OCR goes into a column only where its box proves the column.

A table's lines that print a figure in every column (the run's fullest lines, at least
MIN_ANCHORS of them) say where each column stands: the median centre of their j-th figures,
its window a third of the gap to the nearer neighbour each side (windows never meet). Every
line of the run then puts each figure under the one column whose window holds its centre,
and prints — (not reported) in the columns it does not fill (the OCR missed the figure, or
the cell is blank), so the reader cannot slide a figure into the next column (a row's sum
holds whichever column a figure stands in: R3 would not catch it). A figure under no window,
two figures under one, text among the figures: the line's figures are not placed — the line
is given as its label and NOT_PLACED, and its row stays undetermined. Pure: boxes in,
text out (ocr_lines.py makes the rows).
"""
from __future__ import annotations

from . import ocr_lines
from .values import classify

MIN_ANCHORS = 3  # full lines needed before a run's columns are taken as proven
MIN_FIGURES = 3  # a line with fewer figures is not a table row of many columns
NOT_PLACED = "（未能对齐）"  # what stands for a line's figures that could not be placed


def _figures(row) -> list:
    return [b for b in row if classify(b.text) == "number"]


def _runs(rows: list[list]) -> list[list[int]]:
    """Indexes of consecutive lines that each print a figure (a line without one ends a run)."""
    out, current = [], []
    for i, row in enumerate(rows):
        if _figures(row):
            current.append(i)
        elif current:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _windows(full: list[list]) -> list[tuple[float, float]] | None:
    """Each column's window: its full lines' median figure centre ± a third of the gap to
    the nearer neighbouring column (windows never meet); None when columns are not apart."""
    centres = [sorted((row[j].left + row[j].right) / 2 for row in full) for j in range(len(full[0]))]
    medians = [c[len(c) // 2] if len(c) % 2 else (c[len(c) // 2 - 1] + c[len(c) // 2]) / 2 for c in centres]
    gaps = [b - a for a, b in zip(medians, medians[1:])]
    if not gaps or min(gaps) <= 0:
        return None
    near = [min(gaps[max(j - 1, 0)], gaps[min(j, len(gaps) - 1)]) for j in range(len(medians))]
    return [(m - g / 3, m + g / 3) for m, g in zip(medians, near)]


def _placed(row, windows) -> str | None:
    """The line's text with its figures under their columns (— where none), or None."""
    labels = [b for b in row if classify(b.text) != "number"]
    figures = _figures(row)
    if any(b.left > min(f.left for f in figures) for b in labels):
        return None  # text among the figures: not a row of this table
    cells: list = [None] * len(windows)
    for f in figures:
        centre = (f.left + f.right) / 2
        under = [j for j, (lo, hi) in enumerate(windows) if lo <= centre <= hi]
        if len(under) != 1 or cells[under[0]] is not None:
            return None
        cells[under[0]] = f.text
    return " ".join([b.text for b in labels] + [c if c is not None else "—" for c in cells])


def guard(rows: list[list]) -> list[tuple[str, float]]:
    """(text, confidence) of each line, a table run's figures placed under their columns."""
    texts = [" ".join(b.text for b in row) for row in rows]
    for run in _runs(rows):
        counts = [len(_figures(rows[i])) for i in run]
        width = max(counts)
        full = [rows[i] for i, n in zip(run, counts) if n == width]
        if width < MIN_FIGURES or len(full) < MIN_ANCHORS:
            continue
        windows = _windows([_figures(r) for r in full])
        for i in run:
            placed = _placed(rows[i], windows) if windows else None
            if placed is None:
                labels = " ".join(b.text for b in rows[i] if classify(b.text) != "number")
                placed = f"{labels} {NOT_PLACED}".strip()
            texts[i] = placed
    return [(t, min(b.score for b in row)) for t, row in zip(texts, rows)]


def lines(boxes: list) -> list[tuple[str, float]]:
    """(text, confidence) for each printed line of OCR boxes, top to bottom."""
    return guard(ocr_lines.rows(boxes))
