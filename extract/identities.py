"""The identities R1–R4 of report_format.yml, evaluated on any mapping of cells: checks.py
judges an extracted report with them, glued.py accepts a reading of glued digits with them."""
from __future__ import annotations

from . import formats


def names(table: str) -> list[str]:
    return [n for n, i in formats.identities().items() if i["table"] == table]


def sides(name: str, fmt: str, printed: set | None = None) -> tuple[list[str], list[str]]:
    """The keys summed on each side of identity `name`. `results` expands to the result rows
    of the format; a row that `replaces` others (（六）其他处理 as one row) stands for them
    when it is printed (`printed` holds the row keys present), else they stand for it."""
    identity = formats.identities()[name]
    lhs, rhs = list(identity["lhs"]), identity["rhs"]
    if rhs == "results":
        results = {r["key"] for r in formats.application_rows(fmt) if r.get("result")}
        rhs = [k for k in rows_of(fmt, printed) if k in results]
    return lhs, list(rhs)


def scopes(name: str, fmt: str, printed: set | None = None) -> list[str]:
    """What the identity is checked for, one by one: each column, or each row/block."""
    identity = formats.identities()[name]
    if identity["table"] == "applications":
        if identity["each"] == "column":
            return formats.application_columns()
        return rows_of(fmt, printed)
    return formats.review_blocks()


def rows_of(fmt: str, printed: set | None = None) -> list[str]:
    """The table-3 rows a report of this format has: a row that `replaces` others only when
    printed (always in 2019), the rows it replaces only when it is not."""
    rows = formats.application_rows(fmt)
    printed = printed or set()
    out = []
    for row in rows:
        if row.get("replaces"):
            if row["key"] in printed or fmt == "2019":
                out.append(row["key"])
        elif not any(row["key"] in r.get("replaces", []) and (r["key"] in printed or fmt == "2019")
                     for r in rows):
            out.append(row["key"])
    return out


def holds(lhs: list, rhs: list, values: dict) -> bool | None:
    """sum(lhs) == sum(rhs) over `values`; None when a needed value is missing."""
    if any(values.get(k) is None for k in lhs + rhs):
        return None
    return abs(sum(values[k] for k in lhs) - sum(values[k] for k in rhs)) < 1e-9


def over(lhs: list, rhs: list, order: list):
    """`holds` compiled for values given as a list in `order` (the glued decoder tries
    thousands of readings): a function of the list, blanks (None) adding nothing."""
    left, right = [order.index(k) for k in lhs], [order.index(k) for k in rhs]

    def check(values) -> bool:
        return abs(sum(values[i] or 0 for i in left) - sum(values[i] or 0 for i in right)) < 1e-9
    return check
