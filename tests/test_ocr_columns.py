"""OCR figures placed under their columns only where their boxes prove it
(extract/ocr_columns.py), on generated tables of boxes: rows of a label and seven figures
at jittered positions, some figures missing (OCR missed them, or the cell is blank), some
moved between two columns."""
from __future__ import annotations

import random

import pytest

from extract import ocr_columns
from extract.ocr_lines import Box

COLUMNS = [300 + 90 * j for j in range(7)]  # figure centres, px


def table(seed: int, rows: int = 12):
    """(boxes, the figures of each row by column (None: not printed or not read))."""
    rnd = random.Random(seed)
    boxes, truth = [], []
    for r in range(rows):
        top = 100 + 30 * r
        boxes.append(Box(top, top + 20, 40, 200, f"第{r}行", 0.99))
        figures = [str(rnd.choice([0, 0, rnd.randint(1, 999)])) for _ in COLUMNS]
        if r > 2 and rnd.random() < 0.6:  # the first three rows stay full (they prove the columns)
            for j in rnd.sample(range(7), rnd.randint(1, 3)):
                figures[j] = None
        for x, text in zip(COLUMNS, figures):
            if text is not None:
                half = 4 * len(text) + rnd.uniform(0, 3)
                dx = rnd.uniform(-12, 12)
                boxes.append(Box(top + rnd.uniform(-2, 2), top + 20, x + dx - half, x + dx + half, text, 0.95))
        truth.append(figures)
    rnd.shuffle(boxes)
    return boxes, truth


@pytest.mark.parametrize("seed", range(20))
def test_each_figure_stands_under_its_column_and_missing_ones_are_blank(seed):
    boxes, truth = table(seed)
    got = [text for text, _ in ocr_columns.lines(boxes)]
    assert len(got) == len(truth)
    for line, figures in zip(got, truth):
        assert line.split()[1:] == [f if f is not None else "—" for f in figures]


@pytest.mark.parametrize("seed", range(10))
def test_a_figure_between_two_columns_is_not_placed(seed):
    boxes, truth = table(seed)
    row = next(r for r, f in enumerate(truth) if r > 2 and None in f)
    top = 100 + 30 * row
    boxes.append(Box(top, top + 20, COLUMNS[3] + 38, COLUMNS[3] + 52, "7", 0.9))  # midway between 4 and 5
    got = [text for text, _ in ocr_columns.lines(boxes)]
    assert got[row] == f"第{row}行 {ocr_columns.NOT_PLACED}"
    assert all(ocr_columns.NOT_PLACED not in line for r, line in enumerate(got) if r != row)


def test_without_three_full_lines_nothing_is_moved():
    boxes = [Box(100, 120, 40, 200, "第0行", 0.99)] + [Box(100, 120, x - 5, x + 5, "1", 0.9) for x in COLUMNS]
    boxes += [Box(130, 150, 40, 200, "第1行", 0.99)] + [Box(130, 150, x - 5, x + 5, "2", 0.9) for x in COLUMNS]
    boxes += [Box(160, 180, 40, 200, "第2行", 0.99)] + [Box(160, 180, x - 5, x + 5, "3", 0.9) for x in COLUMNS[:5]]
    assert [t for t, _ in ocr_columns.lines(boxes)] == ["第0行 1 1 1 1 1 1 1", "第1行 2 2 2 2 2 2 2", "第2行 3 3 3 3 3"]
