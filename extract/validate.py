"""A strict check of an extracted report before it is saved (openstates-style).

Only keys of report_format.yml, only numbers or null as values, a plausible year: a record
that fails is not loaded, and the reason is recorded as an error.
"""
from __future__ import annotations

from datetime import date

from . import formats

FORMATS = {"2021", "2019", "pre2019", "unknown"}
CHECK_STATUSES = {"pass", "fail", "not_assessable"}


class InvalidReport(ValueError):
    pass


def _number_or_null(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def validate(report):
    """The report (a typed Report or its JSON dict), unchanged, if it passes; else InvalidReport."""
    result = report.as_dict() if hasattr(report, "as_dict") else report
    problems = []
    fmt = result.get("format")
    if fmt not in FORMATS:
        problems.append(f"format {fmt!r} is not one of {sorted(FORMATS)}")
    year = result.get("report_year")
    if year is not None and not (2007 <= year <= date.today().year):
        problems.append(f"report_year {year} is outside 2007–{date.today().year}")
    published = result.get("published")
    if published is not None and (len(published) != 10 or published[4] != "-"):
        problems.append(f"published {published!r} is not YYYY-MM-DD")
    if fmt in ("2021", "2019"):
        active_keys = {k for r in formats.active_rows(fmt) for k in r["keys"]} | {"procurement_amount_unit"}
        row_keys = {r["key"] for r in formats.application_rows(fmt)}
        columns = set(formats.application_columns())
        for key, value in (result.get("active") or {}).items():
            if key not in active_keys:
                problems.append(f"active: unknown key {key}")
            elif not key.endswith("_unit") and not _number_or_null(value):
                problems.append(f"active.{key}: {value!r} is not a number or null")
        for row, cols in (result.get("applications") or {}).items():
            if row not in row_keys:
                problems.append(f"applications: unknown row {row}")
            for col, value in cols.items():
                if col not in columns or not _number_or_null(value):
                    problems.append(f"applications.{row}.{col}: {value!r}")
        blocks, outcomes = set(formats.review_blocks()), set(formats.review_outcomes())
        for block, outs in (result.get("review_litigation") or {}).items():
            for outcome, value in outs.items():
                if block not in blocks or outcome not in outcomes or not _number_or_null(value):
                    problems.append(f"review_litigation.{block}.{outcome}: {value!r}")
    for row in result.get("legacy_indicators") or []:
        if set(row) != {"indicator", "unit", "value", "raw"} or not _number_or_null(row.get("value")):
            problems.append(f"legacy_indicators: {row!r}")
    for key, value in (result.get("headline") or {}).items():
        if not _number_or_null(value):
            problems.append(f"headline.{key}: {value!r}")
    for check in result.get("checks") or []:
        if check.get("status") not in CHECK_STATUSES:
            problems.append(f"check {check.get('rule')}: status {check.get('status')!r}")
    if problems:
        raise InvalidReport("; ".join(problems[:10]))
    return report
