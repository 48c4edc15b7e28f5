"""Which way round table 3 is printed: proven by its printed headers, never assumed.

The national format prints one row per outcome (本年新收 … 结转下年度) and one column per
applicant (自然人 … 总计). A landscape table rotated to fit a portrait page prints it the
other way: a header row of the format's row labels, then one row per applicant column. The
reader aligns to the format, not the layout: when the headers are on the other axis the
stream is turned back, cell for cell, and read as usual (the column order is then proven by
the applicant names printed down the side, and R3 still checks every row).

Turned only when both axes prove it: at least TURN_SHARE of the rows' labels name an
applicant column and at least TURN_SHARE of the header cells name a row of the format, with
every row holding exactly one value per header cell. Anything less is read as printed.
"""
from __future__ import annotations

from . import formats, labels as label_match
from .grid import ROW_END, rows_of
from .values import classify, fold

TURN_SHARE = 0.75


def _names_column(text: str, names: list[str]) -> bool:
    norm = fold(text)
    return any(norm.endswith(n) for n in names) or label_match.fuzzy(text, names) is not None


def _names_row(text: str, rows: list[dict]) -> bool:
    norm = fold(text)
    return any(r["label_re"].search(norm) for r in rows if r["label"] != "^$") \
        or label_match.fuzzy(text, [r["printed"] for r in rows]) is not None


def _split(row: list, width: int) -> tuple[list, list]:
    """(leading label cells, value cells) of one printed row; blank cells past `width`
    dropped (a blank inside the width is a cell not reported)."""
    at = next((i for i, c in enumerate(row) if classify(c) != "text"), len(row))
    values = list(row[at:])
    while len(values) > width and not (values[-1] or "").strip():
        values.pop()
    return list(row[:at]), values


def upright(stream: list, fmt: str) -> list:
    """Table 3's cell stream with the format's rows as rows: as printed, or turned back
    when its headers prove it was printed transposed."""
    printed = rows_of(stream)
    first = next((i for i, r in enumerate(printed) if any(classify(c) == "number" for c in r)), None)
    if not first:
        return stream
    rows = formats.application_rows(fmt)
    head = printed[first - 1]
    start = next((i for i, c in enumerate(head) if _names_row(c, rows)), None)
    if start is None:
        return stream
    cols = head[start:]
    width = len(cols)
    body = [_split(r, width) for r in printed[first:]]
    if len(body) < 2 or width < 2 or any(not lab or len(vals) != width for lab, vals in body):
        return stream
    names = [c["zh"] for c in formats.spec()["application_columns"]]
    sides = sum(_names_column(lab[-1], names) for lab, _ in body)
    tops = sum(_names_row(c, rows) for c in cols)
    if sides < TURN_SHARE * len(body) or tops < TURN_SHARE * width:
        return stream
    turned = list(printed[:first - 1]) + [[" ".join(lab) for lab, _ in body]]
    turned += [[cols[k]] + [vals[k] for _, vals in body] for k in range(width)]
    return [c for row in turned for c in row + [ROW_END]]
