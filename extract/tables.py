"""Read tables 2, 3 and 4 from a stream of cells into canonical keys.

An HTML table and a text rendering give the same stream: the cells in reading order, each
printed once (a spanned cell is not repeated), with ROW_END after each HTML row. Rows are
found by their labels (report_format.yml), so a local variant that adds or drops a header
row still reads; values follow their label in column order.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import columns as column_order, formats, labels as label_match, orientation
from .values import Cell, classify, fold, parse_cell

from .grid import ROW_END  # noqa: F401  (re-exported: the end of a row in a cell stream)


@dataclass
class TableResult:
    cells: dict = field(default_factory=dict)  # key -> Cell (tables 2) or nested dicts
    errors: list = field(default_factory=list)


def _rows(stream):
    """Split a stream into (label parts, value cells) in reading order.

    A row starts with one or more label cells and takes the value cells that follow; the
    callers cut each run of values to the row's width.
    """
    labels, values = [], []
    for cell in stream:
        if cell is ROW_END:
            if values:
                yield labels, values
                labels, values = [], []
            continue
        kind = classify(cell)
        if kind == "text":
            if values:
                yield labels, values
                labels, values = [], []
            labels.append(cell)
        elif labels or values or kind == "number":
            values.append(cell)
    if values:
        yield labels, values


def _blank(cell: str) -> bool:
    return not (cell or "").strip()


def _fit(values: list[str], width: int):
    """The row's `width` value cells, or None when they cannot be told apart.

    Text renderings print empty placeholder cells for spanned labels before or after a
    row's values; extra blank cells at either end are dropped.
    """
    if len(values) == width:
        return values
    if len(values) > width:
        if all(_blank(v) for v in values[width:]):
            return values[:width]
        if all(_blank(v) for v in values[:-width]):
            return values[-width:]
    return None


def _percent(cell) -> bool:
    return parse_cell(cell).unit == "%"


def _counts(values: list[str], width: int) -> list[str]:
    """A row with more cells than the format's columns: a column of percentages (占比,
    同比增减) is no column of counts of the format, and is left out."""
    if len(values) > width and any(_percent(v) for v in values):
        return [v for v in values if not _percent(v)]
    return values


def _placeholders(values: list[str], width: int) -> bool:
    """A run of blank cells that is not a row's width is layout, not data."""
    return len(values) != width and all(_blank(v) for v in values)


def read_active(stream, fmt: str) -> TableResult:
    result = TableResult()
    rows = formats.active_rows(fmt)
    for labels, values in _rows(stream):
        label = fold(labels[-1]) if labels else ""
        row = next((r for r in rows if r["label_re"].fullmatch(label)), None)
        how = "pattern"
        if row is None and labels:
            found = label_match.fuzzy(labels[-1], [r.get("printed") or r["label"] for r in rows])
            if found is None:
                continue
            row, how = rows[found[0]], found[1]
        if row is None:
            continue
        width = len(row["keys"])
        if _placeholders(values, width):
            continue
        fitted = _fit(values, width)
        if fitted is None:
            result.errors.append(
                f"table 2 row {labels[-1]!r}: {len(values)} cells where {width} were expected")
            for key in row["keys"]:
                result.cells.setdefault(key, Cell(raw=""))
            continue
        for key, raw in zip(row["keys"], fitted):
            if key in result.cells and result.cells[key].raw:
                continue  # first reading wins (a repeated label later is a note, not data)
            result.cells[key] = parse_cell(
                raw, unit=row.get("unit"), decimal=row.get("decimal", False),
                keep_unit=row.get("keep_unit", False))
            result.cells[key].match = how
    return result


def _application_key(labels: list[str], group: str | None, rows: list[dict], groups: list[dict]):
    """(row key, the group in force after the label cells, how the label was matched)."""
    key, how, at = None, "pattern", -1
    for index, part in enumerate(labels):
        text = fold(part)
        for g in groups:
            m = g["label_re"].search(text)
            if m:
                group, text, key = g["key"], text[m.end():], None
                break
        top = [(m.end(), r["key"]) for r in rows if "group" not in r and (m := r["label_re"].search(text))]
        if top:  # several labels in one cell (a glued header): the one nearest the values
            group, key, at = None, max(top)[1], index
            continue
        if group and text:
            sub = [r for r in rows if r.get("group") == group and r["label_re"].search(text)]
            if sub:
                key, at = sub[0]["key"], index
    if key is None and group:
        only = [r for r in rows if r.get("group") == group and r["label"] == "^$"]
        if only and labels and any(g["label_re"].search(fold(labels[-1])) for g in groups):
            key = only[0]["key"]
    if key is None:
        # The group label was lost or lands beside another row (a merged cell without
        # rules, a page break): a sub-row label that names exactly one row is enough.
        for part in reversed(labels):
            hits = [r for r in rows if "group" in r and r["label"] != "^$" and r["label_re"].search(fold(part))]
            if len(hits) == 1:
                key, group = hits[0]["key"], hits[0]["group"]
                break
    if key is not None and 0 <= at < len(labels) - 1 \
            and not any(g["label_re"].search(fold(labels[-1])) for g in groups):
        # the key came from a cell before the row's own label (a header word such as 总计):
        # a misprinted label nearest the values names the row instead, if it names one
        found = label_match.fuzzy(labels[-1], [r["printed"] for r in rows])
        if found:
            row = rows[found[0]]
            return row["key"], row.get("group"), found[1]
        printed = next(r["printed"] for r in rows if r["key"] == key)
        if printed in {c["zh"] for c in formats.spec()["application_columns"]}:
            return None, group, how  # a column's name (总计) in the header, not this row's label
    if key is None:
        # A misprinted label (a typo, a dropped character): the one printed label within a
        # small edit distance, with a clear margin over the next; ambiguous matches nothing.
        for part in reversed(labels):
            found = label_match.fuzzy(part, [r["printed"] for r in rows])
            if found:
                row = rows[found[0]]
                return row["key"], row.get("group"), found[1]
    if key and labels:
        printed = next(r["printed"] for r in rows if r["key"] == key)
        if label_match.normalise(labels[-1]).endswith(label_match.normalise(printed)):
            how = "exact"
    return key, group, how


def read_applications(stream, fmt: str) -> TableResult:
    result = TableResult()
    rows = formats.application_rows(fmt)
    groups = formats.spec()["application_groups"]
    columns = formats.application_columns()
    group, header, printed = None, None, {}
    for labels, values in _rows(orientation.upright(list(stream), fmt)):
        key, group, how = _application_key(labels, group, rows, groups)
        if header is None and key is not None:
            header = " ".join(labels[:-1])  # the column headers are printed before the first row
        if _placeholders(values, len(columns)):
            continue
        if key is None:
            if any(classify(v) == "number" for v in values):
                result.errors.append(f"table 3: values under an unknown label {' '.join(labels)!r}")
            continue
        if key in result.cells or key in printed:
            continue
        fitted = _fit(_counts(values, len(columns)), len(columns))
        if fitted is None:
            result.errors.append(
                f"table 3 row {key}: {len(values)} cells where {len(columns)} were expected; "
                "cells left undetermined")
            result.cells[key] = {c: Cell(raw="") for c in columns}
            continue
        printed[key] = ([parse_cell(raw) for raw in fitted], how)
    order, why = column_order.settle(header or "", [[c.value for c in cells] for cells, _ in printed.values()])
    if order is None and printed:
        result.errors.append(f"table 3: the column order is not proven ({why}); cells left undetermined")
    for key, (cells, how) in printed.items():
        if order is None:
            result.cells[key] = {c: Cell(raw="", match=f"undetermined: {why}") for c in columns}
            continue
        result.cells[key] = dict(zip(columns, column_order.arrange(cells, order)))
        for cell in result.cells[key].values():
            cell.match = how if order == column_order.standard() else f"{how}; column {why}"
    for row in rows:
        key = row["key"]
        if key in result.cells:
            continue
        by = [r["key"] for r in rows if key in r.get("replaces", []) and r["key"] in result.cells]
        if by:  # （六）其他处理 printed as one row in a 2021 table: its sub-rows are null
            result.cells[key] = {c: Cell(raw="", match=f"not printed: {by[0]} stands for it") for c in columns}
        elif row.get("replaces") and any(k in result.cells for k in row["replaces"]):
            continue  # the sub-rows are printed
        elif row.get("replaces") and fmt != "2019":
            continue
        else:
            result.errors.append(f"table 3 row {key} not found")
    return result


def read_review(stream) -> TableResult:
    """Table 4: fifteen values in the printed order of blocks and outcomes."""
    result = TableResult()
    blocks, outcomes = formats.review_blocks(), formats.review_outcomes()
    width = len(blocks) * len(outcomes)
    # Header rows padded with blank cells (a spreadsheet's used range) hold no number.
    values = [v for _, vals in _rows(stream) if any(classify(v) == "number" for v in vals) for v in vals]
    fitted = _fit(values, width)
    if fitted is None:
        numbers = [v for v in values if classify(v) != "text"]
        result.errors.append(f"table 4: {len(numbers)} cells where {width} were expected")
        fitted = None
    for i, block in enumerate(blocks):
        result.cells[block] = {}
        for j, outcome in enumerate(outcomes):
            raw = fitted[i * len(outcomes) + j] if fitted else ""
            result.cells[block][outcome] = parse_cell(raw)
    return result


def _legacy_row(indicator: str, unit: str | None, values: list[str]) -> dict:
    value = parse_cell(values[0], decimal=True) if values else Cell(raw="")
    return {"indicator": indicator, "unit": unit or None, "value": value.value,
            "raw": " | ".join([indicator, unit or ""] + values)}


def read_legacy(streams: list) -> list[dict]:
    """A pre-2019 统计表 in tables (统计指标 / 单位 / 统计数, sometimes more columns): one row
    per indicator with its unit and first value, the raw cells kept."""
    out = []
    for stream in streams:
        text = fold("".join(c for c in stream if c))
        if not formats.legacy()["header_re"].search(text):
            continue
        row: list = []
        for cell in stream + [ROW_END]:
            if cell is not ROW_END:
                row.append(cell or "")
                continue
            if len(row) >= 3 and classify(row[0]) == "text" and classify(row[2]) != "text":
                out.append(_legacy_row(row[0], row[1], row[2:]))
            row = []
    return out


def read_legacy_cells(cells: list[str]) -> list[dict]:
    """The same table in a text rendering, from its header on: one cell or several per line.
    An indicator is a label; a unit word right after it is its unit; the values follow."""
    spec = formats.legacy()
    units = set(spec["units"])
    out, row = [], None
    for cell in cells:
        kind, text = classify(cell), fold(cell)
        if kind == "text":
            if spec["header_word_re"].fullmatch(text):
                continue
            if row and row[1] is None and not row[2] and text in units:
                row[1] = cell.strip()
                continue
            words = cell.split()
            if len(words) > 1 and fold(words[-1]) in units:  # '主动公开文件数 条' on one line
                if row and row[2]:
                    out.append(_legacy_row(*row))
                row = [" ".join(words[:-1]), words[-1], []]
                continue
            if len(text) > 40:
                break  # a sentence: the table has ended
            if row and not row[2] and row[1] is None and fold(row[0]).endswith(":"):
                row[0] += cell.strip()  # 其中： + 1.政府网站公开数
                continue
            if row and row[2]:
                out.append(_legacy_row(*row))
            row = [cell.strip(), None, []]
        elif row is not None:
            row[2].append(cell.strip())
    if row and row[2]:
        out.append(_legacy_row(*row))
    return out
