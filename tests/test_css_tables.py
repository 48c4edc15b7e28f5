"""Tables drawn without <table> (extract/css_tables.py): generated variants of the labelled
reports' tables as CSS-grid / flex / display:table-row / classed <div>s, read never wrong
and (where rows can be told) ≥ 95% exact."""
from __future__ import annotations

import html
import random

import pytest

from extract import extract_bytes
from extract.document import load

from .conftest import FILES, label
from .layouts import parts, to_html
from .test_corpus import compare
from .world.captures import _doc
from .world.captures4 import _placed

SECTIONS = ("active", "applications", "review_litigation")
REPORTS = sorted(p.stem for p in (FILES / "labels").iterdir() if label(p.stem)["format"] in ("2021", "2019"))


def _width(placed) -> int:
    return 1 + max(c + cs - 1 for _, c, _, _, cs in placed)


def grid_explicit(rows, rnd) -> str:
    """Every cell placed by grid-row / grid-column (start / span, or start / end), the DOM
    order shuffled: the grid's positions, not the source order, are the reading order."""
    placed = _placed(rows)
    rnd.shuffle(placed)
    cells = []
    for r, c, t, rs, cs in placed:
        col = f"{c + 1} / span {cs}" if rnd.random() < 0.5 else f"{c + 1} / {c + 1 + cs}"
        cells.append(f'<div style="grid-row:{r + 1} / span {rs};grid-column:{col}">{html.escape(t)}</div>')
    return f'<div style="display:grid;grid-template-columns:repeat({_width(placed)}, 1fr)">{"".join(cells)}</div>'


def grid_auto(rows, rnd) -> str:
    """Only spans given: the browser's auto-placement over the template's columns."""
    placed = _placed(rows)
    w = _width(placed)
    template = rnd.choice([f"repeat({w}, 1fr)", "200px " + f"repeat({w - 1}, minmax(40px, 1fr))" if w > 1 else "1fr",
                           " ".join(["1fr"] * w)])
    cells = "".join(f'<span style="grid-column:span {cs};grid-row:span {rs}">{html.escape(t)}</span>'
                    for _, _, t, rs, cs in sorted(placed))
    return f'<section style="display:inline-grid; grid-template-columns: {template}">{cells}</section>'


def _rows_with_blanks(rows):
    placed = _placed(rows)
    height = 1 + max(r + rs - 1 for r, _, _, rs, _ in placed)
    by_row = {r: [] for r in range(height)}
    for r, c, t, rs, cs in placed:
        by_row[r].append((c, t))
        for dr in range(1, rs):
            by_row[r + dr].append((c, ""))
    return [[t for _, t in sorted(by_row[r])] for r in range(height)]


def table_rows(rows, rnd) -> str:
    """display:table / table-row / table-cell <div>s; a rowspanned label, blanks below."""
    out = "".join('<div style="display:table-row">' + "".join(
        f'<div style="display:table-cell">{html.escape(t)}</div>' for t in row) + "</div>" for row in _rows_with_blanks(rows))
    return f'<div style="display:table">{out}</div>'


def classed_rows(rows, rnd) -> str:
    """No style at all: rows and cells by class name (a CMS's own list-table)."""
    row_class = rnd.choice(["tr", "row", "table-row", "tb-row"])
    out = "".join(f'<div class="{row_class}">' + "".join(f'<span class="td">{html.escape(t)}</span>' for t in row)
                  + "</div>" for row in _rows_with_blanks(rows))
    return f'<div class="list">{out}</div>'


def list_rows(rows, rnd) -> str:
    """A <ul> of flex <li> rows."""
    out = "".join('<li style="display: flex">' + "".join(f"<p>{html.escape(t)}</p>" for t in row) + "</li>"
                  for row in _rows_with_blanks(rows))
    return f"<ul>{out}</ul>"


def grid_no_columns(rows, rnd) -> str:
    """A grid whose columns the style does not say (a stylesheet elsewhere): rows unknown."""
    cells = "".join(f'<div class="c">{html.escape(t)}</div>' for _, _, t, _, _ in sorted(_placed(rows)))
    return f'<div style="display:grid">{cells}</div>'


VARIANTS = {"grid-explicit": grid_explicit, "grid-auto": grid_auto, "table-rows": table_rows,
            "classed-rows": classed_rows, "list-rows": list_rows}
SEEDS = range(2)


def _page(render, lab, rnd, around: bool = False) -> bytes:
    page = _doc(lab, [render(t, rnd) for t in parts(lab)["tables"]])
    if around:  # the page itself laid out in flex rows (header, nav, main): no table of the report
        nav = "".join(f'<div style="display:flex"><a href="/{k}">栏目{k}</a><a href="/x{k}">更多</a></div>' for k in range(4))
        page = page.replace('<body><div id="zoom">', f'<body><div class="page">{nav}<div style="display:flex">'
                            '<div class="side">导航</div><div id="zoom">').replace("</div></body>", "</div></div></div></body>")
    return page.encode("utf-8")


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("variant", list(VARIANTS))
def test_css_tables_read_as_tables(variant, seed):
    total = exact_total = 0
    for report in REPORTS:
        lab = label(report)
        rnd = random.Random(f"css/{variant}/{report}/{seed}")
        got = extract_bytes(_page(VARIANTS[variant], lab, rnd, around=rnd.random() < 0.5), f"{report}.html")
        exact, undetermined, wrong = compare(lab, got, SECTIONS)
        assert not wrong, f"{variant}/{report}: {wrong[:3]}"
        assert got["layout"] == "html-css"
        total += exact + undetermined
        exact_total += exact
    assert exact_total / total >= 0.95, f"{variant}: {exact_total}/{total}"


@pytest.mark.parametrize("report", REPORTS)
def test_grid_of_unknown_rows_never_wrong(report):
    lab = label(report)
    got = extract_bytes(_page(grid_no_columns, lab, random.Random(report)), f"{report}.html")
    assert not compare(lab, got, SECTIONS)[2]


def test_page_with_tables_and_flex_layout_keeps_its_tables():
    """A report with <table>s inside a page laid out with flex rows reads its <table>s."""
    lab = label(REPORTS[0])
    page = to_html(lab).replace('<div id="zoom">', '<div style="display:flex"><a>甲</a><a>乙</a></div>' * 3
                                + '<div id="zoom">')
    doc = load(page.encode("utf-8"), "x.html")
    assert doc.layout == "html" and len(doc.tables) == 3


def test_flex_navigation_is_no_table():
    page = ("<html><body>" + '<div style="display:flex"><a>首页</a><a>政务公开</a></div>' * 5
            + "<p>本机关2023年政府信息公开工作年度报告见附件。</p></body></html>")
    doc = load(page.encode("utf-8"), "x.html")
    assert doc.tables == [] and doc.layout == "html"
