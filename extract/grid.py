"""The one representation every reader produces: a grid of cells, each remembering where
it was printed.

HTML tables (rowspan/colspan), HTML found inside a script, PDF tables (ruled, or rebuilt from
word positions), Office documents (via HTML), Markdown pipe tables and text renderings (one
cell per line, several per line) all become `Grid`s; glued text enters as the grid of the one
reading its identities admit (glued.py). tables.py reads grids into canonical keys.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ROW_END = None  # marks the end of a table row in a cell stream


@dataclass(frozen=True)
class Where:
    """Where a cell was printed in the capture: a table's row and column, or a text line."""

    layout: str  # html, html-in-script, office, pdf, pdf-layout, markdown, text, glued
    table: int | None = None  # 1-based index of the table in the capture
    row: int | None = None  # 1-based
    col: int | None = None  # 1-based, counting printed cells (a spanned cell once)
    line: int | None = None  # 1-based line of a text rendering
    span: tuple | None = None  # (rowspan, colspan) when not 1x1
    printed: str | None = None  # glued text: the whole run of digits the cell was read from

    def describe(self) -> str:
        if self.line is not None:
            return f"line {self.line}" + (f", glued run '{self.printed}'" if self.printed else "")
        parts = [f"table {self.table}" if self.table else None,
                 f"row {self.row}" if self.row else None, f"column {self.col}" if self.col else None]
        return ", ".join(p for p in parts if p) or self.layout


class Text(str):
    """A cell's text as printed, carrying its `Where` (plain string operations drop it)."""

    where: Where | None

    def __new__(cls, text: str, where: Where | None = None):
        obj = super().__new__(cls, text)
        obj.where = where
        return obj


def where_of(text) -> Where | None:
    return getattr(text, "where", None)


@dataclass
class Grid:
    """Rows of cells. `ruled`: the rows are the table's own rows (a row end ends a row of
    values); otherwise they are lines of a text rendering, whose breaks say nothing."""

    layout: str
    rows: list = field(default_factory=list)  # list[list[Text]]
    ruled: bool = True

    def stream(self) -> list:
        """The cells in reading order, ROW_END after each row of a ruled grid."""
        out: list = []
        for row in self.rows:
            out.extend(row)
            if self.ruled:
                out.append(ROW_END)
        return out

    def text(self) -> str:
        return "".join(c for row in self.rows for c in row if c)


def table_grid(rows: list[list[str]], layout: str, table: int, spans: list | None = None) -> Grid:
    """A grid of plain cell texts, each given its table/row/column."""
    grid = Grid(layout)
    for r, row in enumerate(rows, 1):
        grid.rows.append([Text(text, Where(layout, table, r, c, span=(spans[r - 1][c - 1] if spans else None)))
                          for c, text in enumerate(row, 1)])
    return grid


def rows_of(stream: list) -> list[list]:
    """A cell stream cut at ROW_END into rows."""
    rows, row = [], []
    for cell in stream:
        if cell is ROW_END:
            rows.append(row)
            row = []
        else:
            row.append(cell)
    if row:
        rows.append(row)
    return rows
