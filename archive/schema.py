"""The archive database: its schema, and loading extracted reports into it (sqlite-utils).

Table and column names are the public interface for SQL users; metadata.yml documents
them. Derived rows (cells, checks) of a report are replaced when it is extracted again;
captures and crawl history are only ever added to.
"""
from __future__ import annotations

import json
from datetime import datetime, timezone

import sqlite_utils

from publish.search import index_text

from . import formats

SCHEMA_VERSION = 1


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def open_archive(path) -> sqlite_utils.Database:
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA foreign_keys=ON")
    ensure_schema(db)
    return db


# Every table: columns, primary key, foreign keys, indexes. A column added here later is
# added to older archives by ensure_schema (nothing is dropped or rewritten).
TABLES = {
    "portals": dict(columns={
        "id": str, "name": str, "url": str, "region": str, "level": str, "family": str,
        "allowed_hosts": str, "first_crawled": str, "last_crawled": str}, pk="id"),
    "crawl_runs": dict(columns={
        "id": int, "run": str, "portal": str, "seeds": str, "started_at": str,
        "finished_at": str, "status": str, "pages": int, "reports_found": int,
        "reports_new": int, "reports_changed": int, "reports_removed": int,
        "reports_moved": int, "reports_unchanged": int, "captures_new": int,
        "browser_renders": int, "bytes": int, "errors": int, "note": str, "discovery": str},
        pk="id", foreign_keys=[("portal", "portals", "id")], indexes=[(["run", "portal"], True)]),
    "report_columns": dict(columns={
        "portal": str, "url": str, "last_seen": str, "run": str},
        pk=("portal", "url"), foreign_keys=[("portal", "portals", "id")]),
    "captures": dict(columns={
        "id": int, "url": str, "status": int, "content_type": str, "digest": str, "length": int,
        "fetched_at": str, "rendered": int, "etag": str, "last_modified": str, "warc_file": str,
        "warc_offset": int, "warc_length": int, "warc_record_id": str, "run": str},
        pk="id", indexes=[(["url", "digest"], True), (["digest"], False)]),
    "reports": dict(columns={
        "id": int, "portal": str, "region": str, "level": str, "organ": str, "title": str,
        "report_year": int, "format": str,
        "published": str, "index_number": str, "publisher": str, "url": str, "final_url": str,
        "fetched_at": str, "capture_id": int, "content_digest": str, "status": str,
        "last_checked_at": str, "check_status": str, "errors": str, "body_text": str,
        "figures_from": str, "extracted_at": str},
        pk="id", foreign_keys=[("portal", "portals", "id"), ("capture_id", "captures", "id")],
        indexes=[(["url"], True), (["organ", "report_year"], False)]),
    "applications": dict(columns={
        "report_id": int, "row_key": str, "column_key": str, "value": int, "raw": str},
        pk=("report_id", "row_key", "column_key"), foreign_keys=[("report_id", "reports", "id")]),
    "active_disclosure": dict(columns={
        "report_id": int, "key": str, "value": int, "unit": str, "raw": str},
        pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")]),
    "review_litigation": dict(columns={
        "report_id": int, "block": str, "outcome": str, "value": int, "raw": str},
        pk=("report_id", "block", "outcome"), foreign_keys=[("report_id", "reports", "id")]),
    "checks": dict(columns={
        "report_id": int, "rule": str, "scope": str, "status": str, "detail": str},
        pk=("report_id", "rule", "scope"), foreign_keys=[("report_id", "reports", "id")]),
    "legacy_indicators": dict(columns={
        "report_id": int, "position": int, "indicator": str, "unit": str, "value": int, "raw": str},
        pk=("report_id", "position"), foreign_keys=[("report_id", "reports", "id")]),
    "headline_figures": dict(columns={
        "report_id": int, "key": str, "value": int},
        pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")]),
    "changes": dict(columns={
        "id": int, "report_id": int, "kind": str, "detected_at": str, "run": str,
        "old_url": str, "new_url": str, "old_capture_id": int, "new_capture_id": int,
        "cells_changed": int, "diff": str, "note": str},
        pk="id", foreign_keys=[("report_id", "reports", "id")]),
    "attachments": dict(columns={
        "id": int, "report_id": int, "url": str, "final_url": str, "label": str, "capture_id": int,
        "content_type": str, "length": int, "fetched_at": str, "used_for_figures": int, "errors": str},
        pk="id", foreign_keys=[("report_id", "reports", "id"), ("capture_id", "captures", "id")],
        indexes=[(["report_id", "url"], True)]),
    "errors": dict(columns={
        "id": int, "run": str, "portal": str, "url": str, "stage": str, "message": str, "at": str},
        pk="id"),
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        table = db.table(name)
        if not table.exists():
            table.create(spec["columns"], pk=spec["pk"], foreign_keys=spec.get("foreign_keys"))
            for columns, unique in spec.get("indexes", []):
                table.create_index(columns, unique=unique)
        else:
            for column, kind in spec["columns"].items():
                if column not in table.columns_dict:
                    table.add_column(column, kind)
    if not db.table("reports_fts").exists():
        # Chinese search: bigram-tokenised copies of title, organ and body (publish/search.py);
        # rowid = reports.id.
        db.execute("create virtual table reports_fts using fts5(title, organ, body_text, "
                   "tokenize='unicode61')")
    _reference_tables(db)
    _views(db)


# Key totals of table 3 in the wide view: (view column, row keys summed, in the total column).
SUMMARY_TOTALS = [
    ("new_received", ["new_received"]), ("carried_over", ["carried_over"]),
    ("granted", ["granted"]), ("partially_granted", ["partially_granted"]),
    ("denied", "denied"), ("unable", "unable"), ("rejected", "rejected"), ("other", "other"),
    ("total_handled", ["total_handled"]), ("carried_forward", ["carried_forward"]),
]


def _sum_of(keys: list[str]) -> str:
    """SQL for the sum of some table-3 totals; null unless every one is present."""
    quoted = ", ".join(f"'{k}'" for k in keys)
    cond = f"a.row_key in ({quoted})"
    return (f"case when count(case when {cond} and a.value is not null then 1 end) = {len(keys)} "
            f"then sum(case when {cond} then a.value end) end")


def _views(db: sqlite_utils.Database) -> None:
    """report_summary: one wide row per report with the key totals (rebuilt from the format data)."""
    rows = formats.spec()["application_rows"]
    columns = []
    for name, keys in SUMMARY_TOTALS:
        if isinstance(keys, str):  # a group: 2021 sub-rows, or the 2019 one-row total
            group = [r["key"] for r in rows if r.get("group") == keys]
            parts2021 = [k for k in group if "2019" not in next(r for r in rows if r["key"] == k).get("formats", [])]
            expr = _sum_of(parts2021)
            if "other_total" in group:
                expr = f"coalesce(max(case when a.row_key = 'other_total' then a.value end), {expr})"
        else:
            expr = _sum_of(keys)
        columns.append(f"{expr} as {name}")
    db.execute("drop view if exists report_summary")
    db.execute(f"""create view report_summary as
select r.id as report_id, r.organ, p.region, p.level, r.report_year, r.format, r.published,
  t3.new_received, t3.carried_over, t3.granted, t3.partially_granted, t3.denied, t3.unable,
  t3.rejected, t3.other, t3.total_handled, t3.carried_forward,
  t4.review_total, t4.lawsuits_total, fees.value as fees_10k_yuan,
  r.check_status, r.status, r.final_url as source_url, '/-/archived/' || r.capture_id as archived_copy,
  r.title, r.portal
from reports r
left join portals p on p.id = r.portal
left join (select a.report_id, {', '.join(columns)}
           from applications a where a.column_key = 'total' group by a.report_id) t3 on t3.report_id = r.id
left join (select report_id,
             max(case when block = 'review' and outcome = 'total' then value end) as review_total,
             max(case when block = 'suit_direct' and outcome = 'total' then value end)
               + max(case when block = 'suit_after_review' and outcome = 'total' then value end) as lawsuits_total
           from review_litigation group by report_id) t4 on t4.report_id = r.id
left join active_disclosure fees on fees.report_id = r.id and fees.key = 'fees_10k_yuan'""")


def _reference_tables(db: sqlite_utils.Database) -> None:
    """Labels of the canonical keys, so SQL users can join a key to its printed label."""
    spec = formats.spec()
    rows = [{"row_key": r["key"], "position": i, "label_zh": r["zh"], "label_en": r["en"],
             "group_key": r.get("group"), "is_result": int(bool(r.get("result"))),
             "formats": ",".join(r.get("formats", ["2021", "2019"]))}
            for i, r in enumerate(spec["application_rows"])]
    db["application_rows"].upsert_all(rows, pk="row_key")
    cols = [{"column_key": c["key"], "position": i, "label_zh": c["zh"], "label_en": c["en"]}
            for i, c in enumerate(spec["application_columns"])]
    db["application_columns"].upsert_all(cols, pk="column_key")


def save_portal(db, portal: dict) -> None:
    row = {k: portal.get(k) for k in ("id", "name", "url", "region", "level", "family")}
    row["allowed_hosts"] = json.dumps(portal.get("allowed_hosts") or [], ensure_ascii=False)
    row["last_crawled"] = now()
    existing = db["portals"].get(row["id"]) if _has(db["portals"], row["id"]) else None
    row["first_crawled"] = existing["first_crawled"] if existing else row["last_crawled"]
    db["portals"].upsert(row, pk="id")


def _has(table, pk) -> bool:
    return table.count_where("id = ?", [pk]) > 0


def save_report(db, result: dict, *, url: str, final_url: str | None = None,
                portal: str | None = None, fetched_at: str | None = None,
                capture_id: int | None = None, digest: str | None = None,
                list_title: str | None = None) -> tuple[int, bool]:
    """Insert or refresh one report and replace its derived rows. Returns (id, is_new)."""
    found = list(db["reports"].rows_where("url = ?", [url], select="id"))
    place = db["portals"].get(portal) if portal and db["portals"].count_where("id = ?", [portal]) else {}
    row = {
        "portal": portal, "region": place.get("region"), "level": place.get("level"),
        "organ": result.get("agency"),
        "title": result.get("title") or list_title, "report_year": result.get("report_year"),
        "format": result.get("format"), "published": result.get("published"),
        "index_number": result.get("index_number"), "publisher": result.get("publisher"),
        "url": url, "final_url": final_url or url, "fetched_at": fetched_at,
        "capture_id": capture_id, "content_digest": digest,
        "check_status": result.get("check_status"),
        "errors": json.dumps(result.get("errors") or [], ensure_ascii=False),
        "body_text": result.get("body_text"), "extracted_at": now(),
        "status": "current", "last_checked_at": fetched_at, "figures_from": final_url or url,
    }
    with db.conn:
        if found:
            report_id = found[0]["id"]
            db["reports"].update(report_id, row)
        else:
            report_id = db["reports"].insert(row).last_pk
        _replace_derived(db, report_id, result)
        index_report(db, report_id, row)
    return report_id, not found


def index_report(db, report_id: int, row: dict) -> None:
    db.execute("delete from reports_fts where rowid = ?", [report_id])
    db.execute("insert into reports_fts (rowid, title, organ, body_text) values (?, ?, ?, ?)",
               [report_id, index_text(row.get("title") or ""), index_text(row.get("organ") or ""),
                index_text(row.get("body_text") or "")])


def _replace_derived(db, report_id: int, result: dict) -> None:
    for name in DERIVED:
        db[name].delete_where("report_id = ?", [report_id])
    db["legacy_indicators"].insert_all(
        {"report_id": report_id, "position": i, **row} for i, row in enumerate(result.get("legacy_indicators") or []))
    db["headline_figures"].insert_all(
        {"report_id": report_id, "key": key, "value": value}
        for key, value in (result.get("headline") or {}).items() if value is not None)
    raw = result.get("raw") or {}
    db["applications"].insert_all(
        {"report_id": report_id, "row_key": row, "column_key": col, "value": value,
         "raw": raw.get("applications", {}).get(row, {}).get(col)}
        for row, cols in (result.get("applications") or {}).items() for col, value in cols.items())
    active = result.get("active") or {}
    db["active_disclosure"].insert_all(
        {"report_id": report_id, "key": key, "value": value,
         "unit": "万元" if key == "fees_10k_yuan" else (active.get("procurement_amount_unit")
                                                      if key == "procurement_amount" else None),
         "raw": raw.get("active", {}).get(key)}
        for key, value in active.items() if not key.endswith("_unit"))
    db["review_litigation"].insert_all(
        {"report_id": report_id, "block": block, "outcome": outcome, "value": value,
         "raw": raw.get("review_litigation", {}).get(block, {}).get(outcome)}
        for block, outs in (result.get("review_litigation") or {}).items()
        for outcome, value in outs.items())
    db["checks"].insert_all(
        {"report_id": report_id, "rule": c["rule"], "scope": c["scope"], "status": c["status"],
         "detail": c["detail"]} for c in result.get("checks") or [])


def replace_figures(db, report_id: int, result: dict, source_url: str) -> None:
    """Take a report's figures from another document of it (an attachment)."""
    with db.conn:
        db["reports"].update(report_id, {
            "format": result.get("format"), "check_status": result.get("check_status"),
            "errors": json.dumps(result.get("errors") or [], ensure_ascii=False),
            "figures_from": source_url, "extracted_at": now()})
        _replace_derived(db, report_id, result)


def has_figures(db, report_id: int) -> bool:
    return db["applications"].count_where("report_id = ? and value is not null", [report_id]) > 0


DERIVED = ("applications", "active_disclosure", "review_litigation", "checks", "legacy_indicators",
           "headline_figures")


def report_cells(db, report_id: int) -> dict:
    """Every stored cell of a report as {'table.row.column': value}."""
    cells = {}
    for r in db["applications"].rows_where("report_id = ?", [report_id]):
        cells[f"applications.{r['row_key']}.{r['column_key']}"] = r["value"]
    for r in db["active_disclosure"].rows_where("report_id = ?", [report_id]):
        cells[f"active_disclosure.{r['key']}"] = r["value"]
    for r in db["review_litigation"].rows_where("report_id = ?", [report_id]):
        cells[f"review_litigation.{r['block']}.{r['outcome']}"] = r["value"]
    return cells


def diff_cells(old: dict, new: dict) -> list[dict]:
    return [{"cell": key, "old": old.get(key), "new": new.get(key)}
            for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def record_change(db, report_id: int, kind: str, *, run: str | None = None,
                  old_url=None, new_url=None, old_capture_id=None, new_capture_id=None,
                  diff: list | None = None, note: str | None = None) -> None:
    db["changes"].insert({
        "report_id": report_id, "kind": kind, "detected_at": now(), "run": run,
        "old_url": old_url, "new_url": new_url, "old_capture_id": old_capture_id,
        "new_capture_id": new_capture_id, "cells_changed": len(diff) if diff is not None else None,
        "diff": json.dumps(diff, ensure_ascii=False) if diff is not None else None, "note": note})


def cross_year_checks(db) -> int:
    """R5 across the archive: for each organ, this year's carried_over against last year's
    carried_forward, per column; stored on the later report. Returns the number of results."""
    columns = [c["column_key"] for c in db.query("select column_key from application_columns order by position")]
    db.execute("delete from checks where rule = 'R5'")
    pairs = db.query("""select cur.id as cur_id, prev.id as prev_id, prev.report_year as prev_year
        from reports cur join reports prev on prev.organ = cur.organ and prev.report_year = cur.report_year - 1
        where cur.format in ('2021', '2019') and prev.format in ('2021', '2019')""")
    rows = []
    for pair in pairs:
        now_cells = {r["column_key"]: r["value"] for r in db["applications"].rows_where(
            "report_id = ? and row_key = 'carried_over'", [pair["cur_id"]])}
        before = {r["column_key"]: r["value"] for r in db["applications"].rows_where(
            "report_id = ? and row_key = 'carried_forward'", [pair["prev_id"]])}
        for col in columns:
            a, b = now_cells.get(col), before.get(col)
            status = "not_assessable" if a is None or b is None else ("pass" if a == b else "fail")
            rows.append({"report_id": pair["cur_id"], "rule": "R5", "scope": f"applications.{col}",
                         "status": status,
                         "detail": f"carried_over={a} vs {pair['prev_year']} report {pair['prev_id']} carried_forward={b}"})
    db["checks"].insert_all(rows, replace=True)
    for report in {r["report_id"] for r in rows}:
        refresh_check_status(db, report)
    return len(rows)


def refresh_check_status(db, report_id: int) -> None:
    from .checks import status_of

    results = list(db["checks"].rows_where("report_id = ?", [report_id]))
    db["reports"].update(report_id, {"check_status": status_of(results)})
