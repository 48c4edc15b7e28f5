"""A PDF page in two columns read column by column (extract/pdf_columns.py): generated
word layouts (two columns, a title band, a table's columns of figures, a ruled table, one
column of text) for the split rule, and Chromium prints of the labelled reports in CSS
columns (font size, gap, a full-width title) read never wrong and whole."""
from __future__ import annotations

import random
from types import SimpleNamespace

import pytest

from extract import extract_bytes
from extract.pdf_columns import split

from .conftest import label
from .layouts import parts, to_html
from .test_corpus import compare
from .world.captures import print_pdf

SECTIONS = ("active", "applications", "review_litigation")
W, H = 612.0, 792.0
SENTENCE = "本机关认真贯彻落实政府信息公开条例要求"


def _word(text, x0, top, size=10.0):
    return {"text": text, "x0": x0, "x1": x0 + size * len(text), "top": top, "bottom": top + size}


def _column(x0, x1, top, bottom, rnd, size=10.0):
    """Lines of a column: sentences filling it, some label + figure rows."""
    words, y = [], top
    while y < bottom:
        if rnd.random() < 0.3:
            words += [_word("1.属于国家秘密", x0, y, size), _word(str(rnd.randint(0, 99)), x1 - 2 * size, y, size)]
        else:
            n = int((x1 - x0) // size)
            words.append(_word((SENTENCE * 4)[:n], x0, y, size))
        y += size * rnd.choice([1.4, 1.5, 1.8])
    return words


def _page(words, edges=()):
    return SimpleNamespace(width=W, height=H, edges=list(edges))


@pytest.mark.parametrize("seed", range(8))
def test_two_columns_split_at_the_gutter(seed):
    rnd = random.Random(seed)
    gap = rnd.choice([12, 20, 30])
    mid = W / 2 + rnd.choice([-20, 0, 20])
    band = rnd.random() < 0.5
    top = 120.0 if band else 60.0
    words = [_word("某某区人民政府2023年政府信息公开工作年度报告", 100, 70)] if band else []
    words += _column(40, mid - gap / 2, top, 700, rnd) + _column(mid + gap / 2, W - 40, top + rnd.choice([0, 3]), 690, rnd)
    found = split(_page(words), words)
    assert found is not None
    start, x = found
    assert mid - gap / 2 <= x <= mid + gap / 2
    assert (70 < start < top) if band else start == 0


@pytest.mark.parametrize("seed", range(6))
def test_a_table_of_figures_is_no_two_columns(seed):
    """Columns of figures beside labels, rows level across the gap (a table without rules)."""
    rnd = random.Random(seed)
    words, y = [], 60.0
    while y < 700:
        words.append(_word("（三）不予公开属于国家秘密" if rnd.random() < 0.5 else "本年新收政府信息公开申请数量", 40, y, 9))
        words += [_word(str(rnd.randint(0, 999)), x, y, 9) for x in (360, 400, 440, 480, 520, 560)]
        y += 14
    assert split(_page(words), words) is None


@pytest.mark.parametrize("seed", range(4))
def test_a_ruled_table_across_the_gap_is_no_two_columns(seed):
    rnd = random.Random(seed)
    words = _column(40, 290, 60, 700, rnd) + _column(320, 572, 60, 700, rnd)
    edges = [{"orientation": "h", "x0": 40, "x1": 572, "top": 400 + k * 20} for k in range(5)]
    assert split(_page(words, edges), words) is None


def test_one_column_of_text_is_not_split():
    rnd = random.Random(1)
    words = _column(40, 572, 60, 700, rnd)
    assert split(_page(words), words) is None


def _two_columns(lab, font: int, gap: int, band: bool) -> str:
    page = to_html(lab).replace('<div id="zoom">', f'<div id="zoom" style="column-count:2;column-gap:{gap}px;'
                                f'font-size:{font}px">')
    if band:  # the title across the page above the columns
        title = parts(lab)["title"]
        page = page.replace(f"<h1>{title}</h1>", "").replace("<body>", f"<body><h1>{title}</h1>")
    return page


@pytest.mark.parametrize("report,font,gap,band", [("nanhu-2023", 11, 24, True), ("pingtan-2019", 10, 16, False),
                                                  ("huaian-2024", 12, 40, True)])
def test_report_in_css_columns_read_whole(report, font, gap, band, tmp_path):
    lab = label(report)
    data = print_pdf(_two_columns(lab, font, gap, band), tmp_path, report)
    got = extract_bytes(data, f"{report}.pdf")
    exact, undetermined, wrong = compare(lab, got, SECTIONS)
    assert not wrong
    assert exact >= 0.95 * (exact + undetermined), (exact, undetermined, got["errors"][:5])
    assert got["report_year"] == lab["report_year"]
