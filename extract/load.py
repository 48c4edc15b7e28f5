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


def ensure_schema(db: sqlite_utils.Database) -> None:
    t = db.table
    if not t("portals").exists():
        t("portals").create({
            "id": str, "name": str, "url": str, "region": str, "level": str,
            "family": str, "allowed_hosts": str, "first_crawled": str, "last_crawled": str,
        }, pk="id")
    if not t("crawl_runs").exists():
        t("crawl_runs").create({
            "id": int, "run": str, "portal": str, "seeds": str, "started_at": str,
            "finished_at": str, "status": str, "pages": int, "reports_found": int,
            "reports_new": int, "reports_updated": int, "reports_unchanged": int,
            "captures_new": int, "browser_renders": int, "bytes": int, "errors": int,
            "note": str,
        }, pk="id", foreign_keys=[("portal", "portals", "id")])
        t("crawl_runs").create_index(["run", "portal"], unique=True)
    if not t("captures").exists():
        t("captures").create({
            "id": int, "url": str, "status": int, "content_type": str, "digest": str,
            "length": int, "fetched_at": str, "rendered": int, "warc_file": str,
            "warc_offset": int, "warc_length": int, "warc_record_id": str, "run": str,
        }, pk="id")
        t("captures").create_index(["url", "digest"], unique=True)
        t("captures").create_index(["digest"])
    if not t("reports").exists():
        t("reports").create({
            "id": int, "portal": str, "organ": str, "title": str, "report_year": int,
            "format": str, "published": str, "index_number": str, "publisher": str,
            "url": str, "final_url": str, "fetched_at": str, "capture_id": int,
            "content_digest": str, "check_status": str, "errors": str, "body_text": str,
            "extracted_at": str,
        }, pk="id", foreign_keys=[("portal", "portals", "id"), ("capture_id", "captures", "id")])
        t("reports").create_index(["url"], unique=True)
        t("reports").create_index(["organ", "report_year"])
    for name, cols, pk in (
        ("applications", {"report_id": int, "row_key": str, "column_key": str, "value": int, "raw": str},
         ("report_id", "row_key", "column_key")),
        ("active_disclosure", {"report_id": int, "key": str, "value": int, "unit": str, "raw": str},
         ("report_id", "key")),
        ("review_litigation", {"report_id": int, "block": str, "outcome": str, "value": int, "raw": str},
         ("report_id", "block", "outcome")),
        ("checks", {"report_id": int, "rule": str, "scope": str, "status": str, "detail": str},
         ("report_id", "rule", "scope")),
    ):
        if not t(name).exists():
            t(name).create(cols, pk=pk, foreign_keys=[("report_id", "reports", "id")])
    if not t("reports_fts").exists():
        # Chinese search: bigram-tokenised copies of title, organ and body (publish/search.py);
        # rowid = reports.id.
        db.execute("create virtual table reports_fts using fts5(title, organ, body_text, "
                   "tokenize='unicode61')")
    if not t("errors").exists():
        t("errors").create({"id": int, "run": str, "portal": str, "url": str, "stage": str,
                            "message": str, "at": str}, pk="id")
    _reference_tables(db)


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
    row = {
        "portal": portal, "organ": result.get("agency"),
        "title": result.get("title") or list_title, "report_year": result.get("report_year"),
        "format": result.get("format"), "published": result.get("published"),
        "index_number": result.get("index_number"), "publisher": result.get("publisher"),
        "url": url, "final_url": final_url or url, "fetched_at": fetched_at,
        "capture_id": capture_id, "content_digest": digest,
        "check_status": result.get("check_status"),
        "errors": json.dumps(result.get("errors") or [], ensure_ascii=False),
        "body_text": result.get("body_text"), "extracted_at": now(),
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
    for name in ("applications", "active_disclosure", "review_litigation", "checks"):
        db[name].delete_where("report_id = ?", [report_id])
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
