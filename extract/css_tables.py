"""Tables drawn without `<table>`: CSS-grid `<div>`s, a flex (or display:table-row) `<div>`
per row, or rows of cells by class name. In reading order such a block is the same sequence
of labels and figures as a `<table>`; read as a cell stream (every cell, a blank one too,
ROW_END after each row), it goes to the same readers (tables.py, align.py), which align it
to the national format's rows and columns — the layout only says where a row ends.

- A grid: an element styled `display:grid`; each child is a cell, placed by its
  `grid-row` / `grid-column` (start, `span n`, start / end), else auto-placed row by row over
  the columns of `grid-template-columns`. Its rows are the grid's rows.
- Rows: an element of at least MIN_ROWS children that are rows (styled display:flex or
  table-row, or classed tr / row), each of at least two cells; a row's children are its cells.
Only blocks whose text holds a report table's words are read (the caller's test); a layout
whose rows cannot be told gives the cells in order, one row, and the readers' alignment does
the rest (a figure placed only where the alignment is unique).
"""
from __future__ import annotations

import re

from .grid import ROW_END, Text, Where

LAYOUT = "html-css"
MIN_ROWS = 3
ROW_STYLE = re.compile(r"display\s*:\s*(?:inline-)?(?:flex|table-row)\b", re.I)
GRID_STYLE = re.compile(r"display\s*:\s*(?:inline-)?grid\b", re.I)
ROW_CLASS = re.compile(r"(?:^|[\s_-])(?:tr|row|table-row)(?:$|[\s_-])", re.I)
TRACKS = re.compile(r"grid-template-columns\s*:\s*([^;]+)", re.I)
MAX_CELLS = 20000  # cells of one block read (a report's three tables have ~400)


def _style(el) -> str:
    return el.get("style") or ""


def _text(el) -> str:
    return re.sub(r"\s+", " ", el.text_content()).strip()


def _cells(el) -> list:
    return [c for c in el if isinstance(c.tag, str)]


def _columns(style: str) -> int | None:
    """The number of column tracks of `grid-template-columns` (repeat(n, …) counted)."""
    m = TRACKS.search(style)
    if not m:
        return None
    value, count = m.group(1), 0
    for rep in re.finditer(r"repeat\(\s*(\d+)\s*,([^()]*(?:\([^()]*\)[^()]*)*)\)", value):
        count += int(rep.group(1)) * len(rep.group(2).split())
    rest = re.sub(r"repeat\([^()]*(?:\([^()]*\)[^()]*)*\)", " ", value)
    rest = re.sub(r"\w+\([^()]*\)", "x", rest)  # minmax(…), fit-content(…): one track each
    count += len(rest.split())
    return count or None


def _line(style: str, prop: str) -> tuple[int | None, int]:
    """(1-based start or None, span) of `grid-row` / `grid-column` in a style."""
    m = re.search(rf"{prop}\s*:\s*([^;]+)", style, re.I)
    if not m:
        return None, 1
    parts = [p.strip() for p in m.group(1).split("/")]
    start = span = None
    for k, part in enumerate(parts[:2]):
        if (s := re.fullmatch(r"span\s+(\d+)", part)):
            span = int(s.group(1))
        elif re.fullmatch(r"-?\d+", part):
            if k == 0:
                start = int(part)
            elif start is not None and int(part) > start:
                span = int(part) - start
    return (start if start and start > 0 else None), (span or 1)


def _free(occupied: set, r: int, c: int, rs: int, cs: int) -> bool:
    return not any((r + dr, c + dc) in occupied for dr in range(rs) for dc in range(cs))


def _auto(occupied: set, cursor: tuple, r0, c0, rs: int, cs: int, width: int) -> tuple[int, int]:
    """Where a cell without a full position goes: the next free place from the cursor, row by
    row over `width` columns (CSS grid auto-placement, sparse)."""
    r, c = (r0, 1) if r0 else cursor
    for _ in range(MAX_CELLS):
        if c0:
            if _free(occupied, r, c0, rs, cs):
                return r, c0
            r += 1
            continue
        if c + cs - 1 <= max(width, cs) and _free(occupied, r, c, rs, cs):
            return r, c
        c += 1
        if c + cs - 1 > max(width, cs):
            r, c = r + 1, 1
    return r, c


def grid_rows(container) -> list[list[tuple]]:
    """(text, rowspan, colspan) per cell, grouped by the grid row each starts in. Without a
    column count, cells not placed in full stay in one row (the readers align it)."""
    width = _columns(_style(container))
    placed, occupied = [], set()
    cursor = (1, 1)
    for cell in _cells(container)[:MAX_CELLS]:
        style = _style(cell)
        r0, rs = _line(style, "grid-row")
        c0, cs = _line(style, "grid-column")
        if r0 is None or c0 is None:
            if width:
                r0, c0 = _auto(occupied, cursor, r0, c0, rs, cs, width)
            else:
                r0 = r0 or 1
                c0 = c0 or 1 + max((c + s - 1 for r, c, _, _, s in placed if r == r0), default=0)
        placed.append((r0, c0, _text(cell), rs, cs))
        occupied.update((r0 + dr, c0 + dc) for dr in range(rs) for dc in range(cs))
        cursor = (r0, c0 + cs)
    rows: dict[int, list] = {}
    for r, c, text, rs, cs in sorted(placed, key=lambda p: (p[0], p[1])):
        rows.setdefault(r, []).append((text, rs, cs))
    return [rows[r] for r in sorted(rows)]


def _is_row(el, cells: int = 2) -> bool:
    """Styled or classed as a row, of at least `cells` cells (a heading row spans one)."""
    return len(_cells(el)) >= cells and bool(ROW_STYLE.search(_style(el)) or ROW_CLASS.search(el.get("class") or ""))


def row_rows(container) -> list[list[tuple]]:
    return [[(_text(c), 1, 1) for c in _cells(row)] for row in _cells(container) if _is_row(row, 1)]


def _shaped(el) -> bool:
    kids = _cells(el)
    return bool(GRID_STYLE.search(_style(el)) and len(kids) >= 2 * MIN_ROWS) or sum(map(_is_row, kids)) >= MIN_ROWS


def blocks(container, wanted) -> list:
    """The CSS tables in the container whose text is `wanted`, in document order: the
    innermost such (a page laid out in flex rows around the report is no table of it)."""
    found = [el for el in container.iter() if isinstance(el.tag, str) and _shaped(el) and wanted(el.text_content())]
    outer = {a for el in found for a in el.iterancestors()}  # proxies of live nodes are one object
    return [el for el in found if el not in outer]


def stream(block, index: int) -> list:
    """The block's cells in reading order, ROW_END after each row, each with its place."""
    rows = grid_rows(block) if GRID_STYLE.search(_style(block)) else row_rows(block)
    out: list = []
    for r, row in enumerate(rows, 1):
        for c, (text, rs, cs) in enumerate(row, 1):
            out.append(Text(text, Where(LAYOUT, index, r, c, span=(rs, cs) if (rs, cs) != (1, 1) else None)))
        out.append(ROW_END)
    return out
