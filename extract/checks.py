"""Cross-checks (勾稽关系) R1–R4 and R6 of REPORT-FORMAT.md, as defined in report_format.yml.

Each result names the cells it used. A missing cell makes a check `not_assessable`; it is
never read as 0.
"""
from __future__ import annotations

from . import formats, identities

PASS, FAIL, NOT_ASSESSABLE = "pass", "fail", "not_assessable"


def _result(rule, scope, cells: dict, lhs: list, rhs: list):
    """Compare sum(lhs) with sum(rhs), where lhs/rhs name entries of `cells`."""
    used = {name: cells.get(name) for name in lhs + rhs}
    missing = [name for name, v in used.items() if v is None]
    text = " + ".join(f"{n}={used[n]}" for n in lhs) + " vs " + " + ".join(f"{n}={used[n]}" for n in rhs)
    if missing:
        return {"rule": rule, "scope": scope, "status": NOT_ASSESSABLE,
                "detail": f"missing {', '.join(missing)}; {text}", "cells": used}
    left, right = sum(used[n] for n in lhs), sum(used[n] for n in rhs)
    status = PASS if identities.holds(lhs, rhs, used) else FAIL
    return {"rule": rule, "scope": scope, "status": status,
            "detail": f"{text}: {left:g} {'=' if status == PASS else '≠'} {right:g}", "cells": used}


def _values(report) -> dict:
    """{'section.row.column': value} of a report (a typed Report, or its JSON dict)."""
    if hasattr(report, "cells"):
        return {path: cell.value for path, cell in report.cells()}
    out = {}
    for section in ("active", "applications", "review_litigation"):
        for key, value in (report.get(section) or {}).items():
            if isinstance(value, dict):
                out.update({f"{section}.{key}.{c}": v for c, v in value.items()})
            elif not key.endswith("_unit"):
                out[f"{section}.{key}"] = value
    return out


def run(report) -> list[dict]:
    """All checks for one extracted report."""
    fmt = report.get("format")
    values = _values(report)
    out = []
    for table in ("applications", "review_litigation"):
        printed = {p.split(".")[1] for p in values if p.startswith(table + ".")}
        if not printed or (table == "applications" and fmt not in ("2021", "2019")):
            continue
        for name in identities.names(table):
            lhs, rhs = identities.sides(name, fmt, printed)
            each = formats.identities()[name]["each"]
            for scope in identities.scopes(name, fmt, printed):
                if each == "column":
                    cells = {row: values.get(f"{table}.{row}.{scope}") for row in lhs + rhs}
                else:
                    cells = {col: values.get(f"{table}.{scope}.{col}") for col in lhs + rhs}
                out.append(_result(name, f"{table}.{scope}", cells, lhs, rhs))
    out.extend(_r6(values))
    return out


def _r6(values: dict) -> list[dict]:
    """Every count cell is a non-negative integer (fees and amounts may be decimal)."""
    rule = formats.spec()["counts"]["R6"]
    bad, seen = [], 0
    for name, value in values.items():
        key = name.split(".")[1]
        if value is None or (name.startswith("active.") and key in rule["decimal"]):
            continue
        seen += 1
        if not isinstance(value, int) or (value < 0 and key not in rule["signed"]):
            bad.append(f"{name}={value}")
    if not seen:
        return [{"rule": "R6", "scope": "all counts", "status": NOT_ASSESSABLE,
                 "detail": "no count cells", "cells": {}}]
    return [{"rule": "R6", "scope": "all counts", "status": FAIL if bad else PASS,
             "detail": (f"{len(bad)} of {seen} cells are not non-negative integers: " + ", ".join(bad))
             if bad else f"{seen} count cells, all non-negative integers", "cells": {}}]


def status_of(checks: list[dict]) -> str:
    """ok / has_failures / incomplete for a report."""
    statuses = {c["status"] for c in checks}
    if FAIL in statuses:
        return "has_failures"
    if not checks or NOT_ASSESSABLE in statuses:
        return "incomplete"
    return "ok"
