"""Cross-checks (勾稽关系) R1–R4 and R6 of REPORT-FORMAT.md, as defined in report_format.yml.

Each result names the cells it used. A missing cell makes a check `not_assessable`; it is
never read as 0.
"""
from __future__ import annotations

from . import formats

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
    status = PASS if abs(left - right) < 1e-9 else FAIL
    return {"rule": rule, "scope": scope, "status": status,
            "detail": f"{text}: {left:g} {'=' if status == PASS else '≠'} {right:g}", "cells": used}


def run(report: dict) -> list[dict]:
    """All checks for one extracted report (the JSON shape of extract.report)."""
    fmt = report.get("format")
    apps = report.get("applications") or {}
    out = []
    if apps and fmt in ("2021", "2019"):
        rows = formats.application_rows(fmt)
        columns = formats.application_columns()
        results = [r["key"] for r in rows if r.get("result")]
        r1 = formats.spec()["checks"]["R1"]
        for col in columns:
            cells = {row: (apps.get(row) or {}).get(col) for row in [r["key"] for r in rows]}
            out.append(_result("R1", f"applications.{col}", cells, r1["lhs"], r1["rhs"]))
            out.append(_result("R2", f"applications.{col}", cells, ["total_handled"], results))
        applicants = columns[:-1]
        for row in [r["key"] for r in rows]:
            cells = dict(apps.get(row) or {})
            out.append(_result("R3", f"applications.{row}", cells, ["total"], applicants))
    review = report.get("review_litigation") or {}
    for block in formats.review_blocks() if review else []:
        cells = dict(review.get(block) or {})
        out.append(_result("R4", f"review_litigation.{block}", cells, ["total"],
                           ["upheld", "corrected", "other", "pending"]))
    out.extend(_r6(report))
    return out


def _r6(report: dict) -> list[dict]:
    """Every count cell is a non-negative integer (fees and amounts may be decimal)."""
    bad, seen = [], 0
    decimal_keys = {"fees_10k_yuan", "procurement_amount"}
    counts = [(f"active.{k}", v) for k, v in (report.get("active") or {}).items()
              if k not in decimal_keys and not k.endswith("_unit")]
    counts += [(f"applications.{r}.{c}", v) for r, cols in (report.get("applications") or {}).items()
               for c, v in cols.items()]
    counts += [(f"review_litigation.{b}.{o}", v) for b, outs in (report.get("review_litigation") or {}).items()
               for o, v in outs.items()]
    for name, value in counts:
        if value is None:
            continue
        seen += 1
        # 本年增/减 (2019 `_change` keys) may be negative.
        if not isinstance(value, int) or (value < 0 and not name.endswith("_change")):
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
