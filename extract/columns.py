"""Which printed column of table 3 is which: read from its column headers, checked by R3.

The national format's column headers (自然人, 法人或其他组织 over 商业企业 … 其他, 总计) are
part of the structure a reader aligns to, like the row labels: a report that prints its
columns in another order under correct headers is read by header, never by position.

- The header text (what is printed just before the first row label) is searched for each
  column's name, nearest the row (report_format.yml `application_columns`, fuzzy for the long names).
- Two rows of headers (法人或其他组织 above the five organisation columns, printed after
  自然人/总计 in reading order): the group stands where its five columns stand; otherwise
  the names' printed order is the columns' order.
- A header naming every column proves the order. A header naming some columns proves the
  standard order only when those it names stand in the standard order; else the order is
  unknown and the table's cells are undetermined. No header at all: the standard order is
  assumed.
- R3 (总计 = the sum of the six applicant columns) must agree: when rows show the sum in
  another column than the order's 总计, the order is refuted and the cells are undetermined.
"""
from __future__ import annotations

import re

from rapidfuzz.distance import Levenshtein

from . import formats
from .values import fold

GROUP = re.compile(r"法人或者?其[他它]组织")
HEADER_SPAN = 80  # characters before the first row that may hold the headers (they print in ~40)
MIN_SIMILARITY = 0.75  # a long header name (商业企业 …) with one character misread still names it


def standard() -> tuple:
    return tuple(range(len(formats.application_columns())))


def _names() -> list[str]:
    return [c["zh"] for c in formats.spec()["application_columns"]]


def _find(name: str, text: str) -> int | None:
    """Where `name` is printed in the header text, nearest the first row: exactly, or (4+
    characters) the last window within one edit."""
    at = text.rfind(name)
    if at >= 0 or len(name) < 4:
        return at if at >= 0 else None
    n = len(name)
    for i in range(max(0, len(text) - n), -1, -1):
        if Levenshtein.normalized_similarity(name, text[i:i + n]) >= MIN_SIMILARITY:
            return i
    return None


def header_order(header: str) -> tuple[tuple | None, str]:
    """(printed position → column index, or None when the header does not settle it; how)."""
    text = re.sub(r"\s+", "", fold(header or ""))[-HEADER_SPAN:]
    group = GROUP.search(text)
    text = GROUP.sub(lambda m: "#" * len(m.group(0)), text)  # its 其他 is not the column 其他
    names = _names()
    total, person = names.index("总计"), names.index("自然人")
    found = {i: at for i, name in enumerate(names) if (at := _find(name, text)) is not None}
    if not found:
        return standard(), "assumed: no column header printed"
    orgs = sorted((i for i in found if i not in (total, person)), key=found.get)
    tops = {i: found[i] for i in (person, total) if i in found}
    if group and orgs and min(found[i] for i in orgs) > max([group.start(), *tops.values()]):
        tops[-1] = group.start()  # two header rows: the group stands for its columns
        order = [c for t in sorted(tops, key=tops.get) for c in (orgs if t == -1 else [t])]
    else:
        order = sorted(found, key=found.get)
    if len(order) == len(names):
        return tuple(order), "read from the column headers"
    if order == sorted(order):
        return standard(), "assumed: the headers printed stand in the format's order"
    return None, f"the column headers name {len(order)} of {len(names)} columns out of the format's order"


def refuted(order: tuple, rows: list[list]) -> bool:
    """R3 disagrees with the order: more rows show 总计 (the one column equal to the sum of
    the others) in another column than in the order's 总计 column."""
    at = order.index(len(order) - 1)
    support = against = 0
    for values in rows:
        if len(values) != len(order) or any(v is None for v in values) or not sum(values):
            continue
        sums = {p for p, v in enumerate(values) if abs(2 * v - sum(values)) < 1e-9}
        if sums == {at}:
            support += 1
        elif sums and at not in sums:
            against += 1  # (a row where two columns could be the sum tells nothing)
    return against > support


def arrange(values: list, order: tuple) -> list:
    """The printed cells in the format's column order."""
    out = [None] * len(order)
    for printed, column in enumerate(order):
        out[column] = values[printed]
    return out


def settle(header: str, rows: list[list]) -> tuple[tuple | None, str]:
    """The order table 3's cells are read in (None: undetermined) and why."""
    order, how = header_order(header)
    if order is None:
        return None, how
    if refuted(order, rows):
        return None, f"{how}, but 总计 = the sum stands in another column (R3)"
    return order, how
