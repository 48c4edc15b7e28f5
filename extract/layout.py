"""Tables printed without ruling lines, rebuilt from word positions (PDF).

Without rules a cell's extent is unknown, and its text wraps: '1.本机关不掌握相关政' above the
row's numbers and '府信息' below them; merged group labels ('（四）' '无法提' '供') sit beside
several rows. Cells are rebuilt as a reader would: a fragment that starts with a label's
numbering (report_format.yml `layout`) opens a cell, any other continues the cell just above
it in the same column. Each row of numbers takes the cells it overlaps vertically; the result
is one cell stream per table section, as an HTML table would give.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import formats
from .grid import ROW_END, Text, Where
from .values import classify, fold

MARGIN_TOP, MARGIN_BOTTOM = 0.08, 0.88  # fractions of the page height: running heads, footers
PAD = 4  # points: a value's centre may stand this far outside its column heading


@dataclass
class Cell:
    page: int
    x0: float
    x1: float
    top: float
    bottom: float
    line: float  # height of one line of its text
    parts: list = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class ValueRow:
    page: int
    top: float
    bottom: float
    words: list = field(default_factory=list)  # (x centre, text)
    cells: list = field(default_factory=list)


def _drop_page_numbers(words: list[dict], height: float) -> list[dict]:
    """Words in the top or bottom margin that form a page number ('- 3 -', '第3页')."""
    page_number = formats.spec()["layout"]["page_number_re"]
    margin = [w for w in words if w["top"] < MARGIN_TOP * height or w["top"] > MARGIN_BOTTOM * height]
    drop = set()
    for w in margin:
        line = [v for v in margin if abs(v["top"] - w["top"]) < 3]
        if page_number.match(" ".join(v["text"] for v in sorted(line, key=lambda v: v["x0"]))):
            drop.update(id(v) for v in line)
    return [w for w in words if id(w) not in drop]


def _split_numbers(words: list[dict]) -> list[dict]:
    """A label and the number in the next column can run into one word when the gap between
    them is narrow ('2.申请人逾期未按收费' + '0'): split where a numeric tail stands apart."""
    out = []
    for w in words:
        chars = w.get("chars") or []
        m = re.search(r"(?<=\D)[\d.,]+$", w["text"])
        cut = len(w["text"]) - len(m.group(0)) if m else 0
        if m and len(chars) == len(w["text"]) and chars[cut]["x0"] - chars[cut - 1]["x1"] > 1:
            out.append(dict(w, text=w["text"][:cut], x1=chars[cut - 1]["x1"]))
            out.append(dict(w, text=m.group(0), x0=chars[cut]["x0"]))
        else:
            out.append(w)
    return out


def _overlap(a_top, a_bottom, b_top, b_bottom) -> float:
    return min(a_bottom, b_bottom) - max(a_top, b_top)


def rebuild(pages: list[tuple[float, list[dict]]]) -> dict:
    """{section: cell stream} from each page's (height, pdfplumber words); empty when the
    pages hold no table laid out in columns."""
    start = formats.spec()["layout"]["label_start_re"]
    cells: list[Cell] = []
    rows: list[ValueRow] = []
    tail: list[Cell] = []  # cells that reached the foot of the previous page
    for number, (height, words) in enumerate(pages):
        words = sorted(_split_numbers(_drop_page_numbers(words, height)), key=lambda w: (round(w["top"]), w["x0"]))
        page_rows: list[ValueRow] = []
        for w in words:
            text = w["text"].strip()
            if classify(text) != "text":
                row = next((r for r in page_rows if abs(r.top - w["top"]) < 3), None)
                if row is None:
                    row = ValueRow(number, w["top"], w["bottom"])
                    page_rows.append(row)
                row.words.append(((w["x0"] + w["x1"]) / 2, text))
        rows += page_rows
        open_cells: list[Cell] = []
        for w in words:
            text = w["text"].strip()
            if classify(text) == "text":
                _place(text, w, number, height, cells, open_cells, tail, page_rows, start)
        foot = max((w["bottom"] for w in words), default=0)
        # cells at the foot of the page beside a row of numbers may go on overleaf
        tail = [c for c in open_cells if c.bottom > foot - 3 * c.line and not formats.heading(c.text)
                and any(_overlap(r.top, r.bottom, c.top, c.bottom) > 0.25 * c.line for r in page_rows)]
    if sum(len(r.words) >= 2 for r in rows) < 3:
        return {}  # no rows of numbers side by side: a text rendering, one cell per line
    loose = []
    for cell in cells:
        row = next((r for r in sorted(rows, key=lambda r: r.top) if r.page == cell.page
                    and _overlap(r.top, r.bottom, cell.top, cell.bottom) > 0.25 * cell.line), None)
        if row:
            row.cells.append(cell)
        else:
            loose.append(cell)
    items = [(c.page, c.top, [c.text], [], c) for c in loose]
    items += [(r.page, r.top, [c.text for c in sorted(r.cells, key=lambda c: c.x0)], sorted(r.words), None)
              for r in rows]
    return _sections(sorted(items, key=lambda i: (i[0], i[1])))


def _place(text, w, page, height, cells, open_cells, tail, page_rows, start) -> None:
    """Add a label fragment to the cell it continues, or open a new cell."""
    line_height = w["bottom"] - w["top"]
    opens = _opens(text, start)
    above = None if opens else next(
        (c for c in reversed(open_cells)
         if _overlap(c.x0, c.x1, w["x0"], w["x1"]) > 0 and 0 <= w["top"] - c.bottom < 2 * line_height
         and not formats.heading(c.text)), None)
    if above is None and not opens and w["top"] < 0.3 * height \
            and not any(_overlap(c.x0, c.x1, w["x0"], w["x1"]) > 0 for c in open_cells) \
            and not any(_overlap(r.top, r.bottom, w["top"], w["bottom"]) > 0.5 * line_height for r in page_rows):
        # a cell cut by the page break goes on at the head of the next page
        above = max((c for c in tail if _overlap(c.x0, c.x1, w["x0"], w["x1"]) > 0),
                    key=lambda c: c.bottom, default=None)
        if above:
            # its part on this page shares the text, and is placed on no row of its own
            tail.remove(above)
            above = Cell(page, w["x0"], w["x1"], w["top"], w["top"], line_height, above.parts)
            open_cells.append(above)
    if above:
        above.parts.append(text)
        above.x0, above.x1 = min(above.x0, w["x0"]), max(above.x1, w["x1"])
        above.bottom = w["bottom"]
    else:
        cell = Cell(page, w["x0"], w["x1"], w["top"], w["bottom"], line_height, [text])
        cells.append(cell)
        open_cells.append(cell)


def _opens(text: str, start) -> bool:
    """A fragment that begins a cell: a numbered label, a section heading, a table-2 row
    label (规章, 行政强制 …) or a header word (第二十条, 信息内容 …)."""
    folded = fold(text)
    spec = formats.spec()
    return bool(start.match(folded) or formats.heading(text)
                or any(h in folded for h in spec["layout"]["headers"])
                or any(r["label_re"].fullmatch(folded) for rows in spec["active"].values() for r in rows))


def _sections(items: list) -> dict:
    streams: dict[str, list] = {}
    current, columns, header = None, None, []

    def put(section, texts):
        stream = streams.setdefault(section, [])
        row = sum(1 for c in stream if c is ROW_END) + 1
        stream.extend([Text(t, Where("pdf-layout", None, row, j)) for j, t in enumerate(texts, 1)] + [ROW_END])

    def flush():
        # table 3's headings before its first row, left to right: where each stands says
        # which column it names (their heights vary with wrapping and say nothing)
        for c in sorted(header, key=lambda c: c.x0):
            put("applications", [c.text])
        header.clear()

    for _, _, labels, words, cell in items:
        name = formats.heading(labels[0]) if not words else None
        if name:
            flush()
            current = name
            continue
        if not current or current == "end":
            continue
        if current == "applications" and not words:
            columns = _header(columns, cell)
            if "applications" not in streams or header:
                header.append(cell)
                continue
        flush()
        values = _align(words, columns) if current == "applications" and words else [t for _, t in words]
        put(current, labels + values)
    flush()
    return streams


def _header(columns: dict | None, cell) -> dict:
    """Extents (x0, x1) of table 3's column headings (自然人 … 总计), as they are met."""
    columns = dict(columns or {})
    for column in formats.spec()["application_columns"]:
        if fold(cell.text) == column["zh"] and column["key"] not in columns:
            columns[column["key"]] = (cell.x0, cell.x1)
    return columns


def _align(words: list, columns: dict | None) -> list[str]:
    """A row's values in table 3's seven columns. A blank cell prints nothing, so each value
    goes under the column heading it stands beneath, and the other columns are blank. Left
    as printed when a value stands under no heading found, or two under one."""
    order = formats.application_columns()
    if len(words) >= len(order) or not columns:
        return [t for _, t in words]
    cells = [""] * len(order)
    for x, text in words:
        under = [i for i, key in enumerate(order) if key in columns
                 and columns[key][0] - PAD <= x <= columns[key][1] + PAD]
        if len(under) != 1 or cells[under[0]]:
            return [t for _, t in words]
        cells[under[0]] = text
    return cells
