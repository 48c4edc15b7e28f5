"""How cells read on every table and query page — the one place for it:

- a `report_id` cell links to the report's page (/DB/reports/ID): every result that is a report;
- `status` removed is marked 已删除; numbers are written out (75394400, never 7.53944e+07);
  a blank (null) cell is blank, never 0;
- keys of the national format show their printed label first;
- a change's `diff` and a check's `in_words` read as sentences, untruncated;
- `/-/archived/N` links to the archived copy.
Everything rendered here is escaped.
"""
from __future__ import annotations

import functools
import json
import re
from html import escape
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup

from . import report_page, site


CHANGE_KINDS = {"changed": "修改 changed", "removed": "删除 removed", "moved": "换址 moved",
                "superseded": "更正替代 superseded"}


def report_path(database: str, report_id) -> str:
    return f"/{database}/reports/{int(report_id)}"


def report_row_location(database: str, path: str) -> str | None:
    """A row page of a table with one row per report (report_summary, report_totals) is that
    report: its page is the report page, so the link Datasette gives the row's key leads there."""
    m = re.fullmatch(rf"/{re.escape(quote(database))}/(report_summary|report_totals)/(\d+)", path)
    return report_path(database, m.group(2)) if m else None


def diff_in_words(diff) -> str | None:
    """A change's cell diff (JSON list of cell, old, new) as 表三 行 · 列：6 → 4；…"""
    try:
        cells = json.loads(diff) if isinstance(diff, str) else diff
    except ValueError:
        return None
    if not isinstance(cells, list):
        return None
    labels = report_page.short_labels()
    words = []
    for d in cells:
        if not isinstance(d, dict) or "cell" not in d:
            return None
        old = "空" if d.get("old") is None else report_page.number(d["old"])
        new = "空" if d.get("new") is None else report_page.number(d["new"])
        words.append(f"{report_page._cell_label(str(d['cell']), labels)}：{old} → {new}")
    return "；".join(words)


def register_functions(conn, database: str) -> None:
    conn.create_function("check_in_words", 4, report_page.check_words, deterministic=True)
    conn.create_function("diff_in_words", 1, diff_in_words, deterministic=True)
    conn.create_function("report_path", 1, lambda rid: report_path(database, rid) if rid is not None else None,
                         deterministic=True)


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if not site.is_archive(datasette, database):
        return None
    if value is None:
        return None  # Datasette shows a blank cell
    if column == "report_id" and isinstance(value, dict):  # a foreign key Datasette expanded
        value = value.get("value")
    if column == "report_id" and isinstance(value, int):
        return Markup(f'<a class="report-link" href="{escape(report_path(database, value))}">报告 {value}</a>')
    if isinstance(value, float):
        return report_page.number(value)
    if type(value) is not str:
        return None
    if column == "kind" and value in CHANGE_KINDS and table in (None, "changes"):
        return Markup(f'<span class="tag kind-{value}">{CHANGE_KINDS[value]}</span>')
    if column == "status" and value == "removed":
        return Markup('<span class="tag removed">已删除 removed</span>')
    if column == "diff":
        words = diff_in_words(value)
        return Markup(f'<span class="diff-words">{escape(words)}</span>') if words is not None else None
    if column == "in_words":
        return Markup(f'<span class="rule-words">{escape(value)}</span>')  # never cut: the numbers are at its end
    if value.startswith("/-/archived/") and value[12:].isdigit():
        return Markup(f'<a href="{escape(value)}">存档副本 archived</a>')
    label = _key_labels().get((table, column), {}).get(value)
    if label:  # a key of the national format: its printed label first
        return Markup(f'{escape(label)} <small class="key">{escape(value)}</small>')
    return None


@functools.lru_cache(maxsize=1)
def _key_labels() -> dict:
    """(table, column) -> {key: Chinese label as printed} for the figure tables."""
    from extract import formats

    spec = formats.spec()
    rows = {r["key"]: r["zh"] for r in spec["application_rows"]}
    cols = {c["key"]: c["zh"] for c in spec["application_columns"]}
    active = {}
    for fmt_rows in spec["active"].values():
        for row in fmt_rows:
            for key in row["keys"]:
                active[key] = f"{report_page._label(row['label'])} · {report_page._active_head(key)}"
    return {("applications", "row_key"): rows, ("applications", "column_key"): cols,
            ("review_litigation", "block"): {b["key"]: b["zh"] for b in spec["review_blocks"]},
            ("review_litigation", "outcome"): {o["key"]: o["zh"] for o in spec["review_outcomes"]},
            ("active_disclosure", "key"): active}
