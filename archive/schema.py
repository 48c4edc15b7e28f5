"""The archive database's schema: every table, the named migrations, the views.

Table and column names are the public interface for SQL users; metadata.yml documents them
(a test checks it covers every table and column here). The tables are declared once in
TABLES; `ensure_schema` creates what is missing and adds new columns (nothing is dropped or
rewritten). Changes that transform data are named migrations (sqlite-utils `Migrations`),
recorded in `_sqlite_migrations` when applied.
"""
from __future__ import annotations

import functools

import sqlite_utils
from sqlite_utils.migrations import Migrations

from extract import formats

from .organs import assign_all, deadline_sql
from .search import full_text
from .views import active_key_rows, ensure_views

MIGRATIONS = Migrations("gov_report_archive")


def open_archive(path) -> sqlite_utils.Database:
    """The archive at `path` (created if missing), its schema brought up to date."""
    db = sqlite_utils.Database(path)
    db.execute("PRAGMA journal_mode=WAL")
    # WAL with NORMAL: no fsync per commit (a crawl commits per capture); still never corrupt,
    # a power cut may only lose the last commits, which the next crawl fetches again.
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute("PRAGMA busy_timeout=10000")
    ensure_schema(db)
    return db


# Where each stored cell came from (extract/model.py provenance): the layout it was read
# from, the place in the capture (table/row/column, or text line), how its row label matched.
PROVENANCE = {"layout": str, "location": str, "label_match": str}

# Key totals of table 3 in the wide view: (view column, row keys summed, in the total column).
SUMMARY_TOTALS = [
    ("new_received", ["new_received"]), ("carried_over", ["carried_over"]),
    ("granted", ["granted"]), ("partially_granted", ["partially_granted"]),
    ("denied", "denied"), ("unable", "unable"), ("rejected", "rejected"), ("other", "other"),
    ("total_handled", ["total_handled"]), ("carried_forward", ["carried_forward"]),
]


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
        "browser_renders": int, "bytes": int, "errors": int, "note": str, "discovery": str,
        "route": str},
        pk="id", foreign_keys=[("portal", "portals", "id")], indexes=[(["run", "portal"], True)]),
    "report_columns": dict(columns={
        "portal": str, "url": str, "last_seen": str, "run": str, "route": str, "post_body": str},
        pk=("portal", "url"), foreign_keys=[("portal", "portals", "id")]),
    "report_sources": dict(columns={
        "report_url": str, "source_url": str, "position": int},
        pk=("report_url", "source_url")),
    "report_aliases": dict(columns={
        "url": str, "report_id": int, "portal": str, "content_digest": str, "first_run": str, "last_run": str},
        pk="url", indexes=[(["report_id"], False)]),
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
        "figures_from": str, "extracted_at": str, "first_run": str, "last_run": str,
        "pending_attachments": str, "organ_id": str, "year_source": str, "layout": str},
        pk="id", foreign_keys=[("portal", "portals", "id"), ("capture_id", "captures", "id")],
        indexes=[(["url"], True), (["organ", "report_year"], False),
                 # the facets of reports and report_summary: counted from the index, not the rows
                 (["report_year"], False), (["region"], False), (["level"], False), (["format"], False),
                 (["check_status"], False),
                 # the canned queries: new_reports, new_failures, failing_checks, coverage
                 (["fetched_at"], False), (["check_status", "extracted_at"], False),
                 (["check_status", "organ", "report_year"], False), (["organ_id", "report_year", "portal"], False),
                 # a crawl's counts per portal (archive/runs.py), read every few seconds
                 (["last_run", "portal"], False), (["first_run", "portal"], False),
                 # ingest.another_portals_report: the same bytes archived by another portal
                 (["content_digest"], False)]),
    # report_summary's totals, one row per report, written with its cells (store.py): the view
    # would otherwise aggregate every cell of the archive for one page of rows.
    "report_totals": dict(columns={
        "report_id": int, **{name: int for name, _ in SUMMARY_TOTALS},
        "review_total": int, "lawsuits_total": int, "fees_10k_yuan": float},
        pk="report_id", foreign_keys=[("report_id", "reports", "id")]),
    # One wide row per report (_report_summary): kept by triggers, never written directly.
    "report_summary": dict(columns={
        "report_id": int, "organ": str, "organ_id": str, "organ_kind": str, "region": str, "level": str,
        "report_year": int, "format": str, "published": str, "deadline": str, "days_late": int,
        **{name: int for name, _ in SUMMARY_TOTALS}, "review_total": int, "lawsuits_total": int,
        "fees_10k_yuan": float, "check_status": str, "status": str, "source_url": str, "archived_copy": str,
        "title": str, "portal": str},
        pk="report_id", indexes=[
            # facets, and the canned queries' filters and orders
            # covering totals_by_year and requests_ranking: read from the index alone
            (["report_year", "new_received", "organ_id", "total_handled", "granted", "denied", "review_total",
              "lawsuits_total", "region"], False),
            (["region", "report_year", "days_late"], False),
            (["level"], False), (["format"], False), (["check_status"], False), (["organ_id", "report_year"], False)]),
    # One organ across years (archive/organs.py, rules in archive/organs.yml).
    "organs": dict(columns={
        "id": str, "name": str, "region": str, "level": str, "kind": str, "names": str}, pk="id"),
    "organ_names": dict(columns={
        "name": str, "region": str, "organ_id": str, "rule": str}, pk=("name", "region")),
    "applications": dict(columns={
        "report_id": int, "row_key": str, "column_key": str, "value": int, "raw": str, "position": int,
        **PROVENANCE},
        pk=("report_id", "row_key", "column_key"), foreign_keys=[("report_id", "reports", "id")]),
    "active_disclosure": dict(columns={
        "report_id": int, "key": str, "value": int, "unit": str, "raw": str, **PROVENANCE},
        pk=("report_id", "key"), foreign_keys=[("report_id", "reports", "id")]),
    "review_litigation": dict(columns={
        "report_id": int, "block": str, "outcome": str, "value": int, "raw": str, **PROVENANCE},
        pk=("report_id", "block", "outcome"), foreign_keys=[("report_id", "reports", "id")]),
    "checks": dict(columns={
        "report_id": int, "rule": str, "scope": str, "status": str, "detail": str},
        pk=("report_id", "rule", "scope"), foreign_keys=[("report_id", "reports", "id")],
        # carryover_mismatches reads R5 results in this order
        indexes=[(["status"], False), (["rule", "status", "report_id", "scope"], False)]),
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
        pk="id", foreign_keys=[("report_id", "reports", "id")], indexes=[(["run"], False), (["report_id"], False)]),
    "attachments": dict(columns={
        "id": int, "report_id": int, "url": str, "final_url": str, "label": str, "capture_id": int,
        "content_type": str, "length": int, "fetched_at": str, "used_for_figures": int, "errors": str,
        "text": str},
        pk="id", foreign_keys=[("report_id", "reports", "id"), ("capture_id", "captures", "id")],
        indexes=[(["report_id", "url"], True)]),
    # A report's whole text (page and files, PDF line breaks inside words dropped), written
    # with its search entry (store.index_report); the view report_text adds the organ and year.
    "report_full_text": dict(columns={"report_id": int, "full_text": str}, pk="report_id",
                             foreign_keys=[("report_id", "reports", "id")]),
    # Labels of table 2's keys (extract/report_format.yml active_labels), both formats.
    "active_disclosure_keys": dict(columns={
        "key": str, "format": str, "position": int, "label_zh": str, "label_en": str, "unit": str},
        pk=("key", "format")),
    "errors": dict(columns={
        "id": int, "run": str, "portal": str, "url": str, "stage": str, "message": str, "at": str},
        pk="id", indexes=[(["run", "portal"], False)]),
}


def ensure_schema(db: sqlite_utils.Database) -> None:
    MIGRATIONS.apply(db)
    _sync_tables(db)
    _reference_tables(db)
    _report_summary(db)
    ensure_views(db)


@MIGRATIONS()
def m001_tables(db: sqlite_utils.Database) -> None:
    """The tables of the first archive (2026-11)."""
    _sync_tables(db)


@MIGRATIONS()
def m002_report_runs_and_pending(db: sqlite_utils.Database) -> None:
    """reports.first_run / last_run (a job's counts read from the archive) and
    pending_attachments (a report waiting for the files its figures are in)."""
    _sync_tables(db)


@MIGRATIONS()
def m003_organs(db: sqlite_utils.Database) -> None:
    """reports.organ_id: one organ across years (archive/organs.py)."""
    _sync_tables(db)
    assign_all(db)


@MIGRATIONS()
def m004_cell_positions(db: sqlite_utils.Database) -> None:
    """applications.position: the printed order of table 3's cells (row, then column)."""
    _sync_tables(db)
    _reference_tables(db)
    db.execute("""update applications set position =
        (select position from application_rows where row_key = applications.row_key) * 10 +
        (select position from application_columns where column_key = applications.column_key)""")


@MIGRATIONS()
def m005_report_totals(db: sqlite_utils.Database) -> None:
    """report_totals filled for the reports archived before it existed."""
    _sync_tables(db)
    db.execute(totals_sql())


@MIGRATIONS()
def m006_cell_provenance(db: sqlite_utils.Database) -> None:
    """Provenance of every cell (layout, location, label_match) and reports.year_source /
    layout; filled by the next extraction (make reextract)."""
    _sync_tables(db)


@MIGRATIONS()
def m007_report_summary_table(db: sqlite_utils.Database) -> None:
    """report_summary becomes a table kept current by triggers (it was a view), so that its
    page, facets and the canned queries over it stay fast on a large archive."""
    _sync_tables(db)
    _report_summary(db)


@MIGRATIONS()
def m008_levels_blanks_units(db: sqlite_utils.Database) -> None:
    """Stored data made consistent (issue 21): an organ's level is its own government's
    (reports.level, organs.level); a pre-2019 report's totals come from the figures its text
    states (平潭 2018: 未收到 = 0, not blank); table 2's money in 万元 (raw kept); report_full_text filled;
    reports.layout is the layout the figures were read from (an attachment's, for a PDF)."""
    _sync_tables(db)
    _reference_tables(db)
    assign_all(db)
    db.execute(totals_sql())
    db.execute("update active_disclosure set value = round(value / 10000.0, 8), unit = '万元' where unit = '元'")
    for report_id, body in db.execute("select id, body_text from reports").fetchall():
        attached = [t for (t,) in db.execute("select text from attachments where report_id = ? "
                                             "and text is not null order by id", [report_id])]
        db.execute("insert or replace into report_full_text (report_id, full_text) values (?, ?)",
                   [report_id, full_text(body, attached)])
    db.execute("""update reports set layout = coalesce((select a.layout from applications a
                    where a.report_id = reports.id and a.layout is not null limit 1), layout)
                  where figures_from is not null and figures_from != final_url""")


@MIGRATIONS()
def m009_discovery_routes(db: sqlite_utils.Database) -> None:
    """report_columns.route (a column whose list only the browser reads in full) and
    report_sources (the answers a rendered report's text came from)."""
    _sync_tables(db)


@MIGRATIONS()
def m010_search_routes_and_aliases(db: sqlite_utils.Database) -> None:
    """report_columns.post_body (a column reached through the portal's search form by POST,
    route 'search', is asked again with this form body on re-crawls) and report_aliases (the
    other URLs a report is published under: revalidated on re-crawls, never read again unchanged)."""
    _sync_tables(db)


def cell_position(row_key: str, column_key: str) -> int | None:
    """Printed order of a table-3 cell: its row's place, then its column's."""
    return _cell_positions().get((row_key, column_key))


@functools.lru_cache(maxsize=1)
def _cell_positions() -> dict[tuple[str, str], int]:
    spec = formats.spec()
    return {(r["key"], c["key"]): i * 10 + j for i, r in enumerate(spec["application_rows"])
            for j, c in enumerate(spec["application_columns"])}


def _sync_tables(db: sqlite_utils.Database) -> None:
    """Create the tables of TABLES that are missing; add their new columns to old ones."""
    for name in set(TABLES) & set(db.view_names()):  # once a view (report_summary), now a table
        db.execute(f"drop view [{name}]")
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
            for columns, unique in spec.get("indexes", []):
                table.create_index(columns, unique=unique, if_not_exists=True)
    if not db.table("reports_fts").exists():
        # Chinese search: bigram-tokenised copies of title, organ and body (archive/search.py);
        # rowid = reports.id.
        db.execute("create virtual table reports_fts using fts5(title, organ, body_text, "
                   "tokenize='unicode61')")


def _sum_of(keys: list[str]) -> str:
    """SQL for the sum of some table-3 totals; null unless every one is present."""
    quoted = ", ".join(f"'{k}'" for k in keys)
    cond = f"a.row_key in ({quoted})"
    return (f"case when count(case when {cond} and a.value is not null then 1 end) = {len(keys)} "
            f"then sum(case when {cond} then a.value end) end")


@functools.lru_cache(maxsize=2)
def totals_sql(one_report: bool = False) -> str:
    """SQL writing report_totals: for the report :report_id, or for every report."""
    rows = formats.spec()["application_rows"]
    columns = []
    for name, keys in SUMMARY_TOTALS:
        if isinstance(keys, str):  # a group: 2021 sub-rows, or the 2019 one-row total
            group = [r["key"] for r in rows if r.get("group") == keys]
            parts2021 = [k for k in group if not next(r for r in rows if r["key"] == k).get("replaces")]
            expr = _sum_of(parts2021)
            if "other_total" in group:
                expr = f"coalesce(max(case when a.row_key = 'other_total' then a.value end), {expr})"
        else:
            expr = _sum_of(keys)
        columns.append(f"{expr} as {name}")
    names = [name for name, _ in SUMMARY_TOTALS]
    scope = "= :report_id" if one_report else "is not null"
    return f"""insert or replace into report_totals (report_id, {', '.join(names)}, review_total, lawsuits_total, fees_10k_yuan)
select r.id, {', '.join(_with_headline(n) for n in names)},
  coalesce(t4.review_total, h.review_cases), coalesce(t4.lawsuits_total, h.suits), fees.value
from reports r
left join (select a.report_id, {', '.join(columns)}
           from applications a where a.column_key = 'total' and a.report_id {scope} group by a.report_id) t3 on t3.report_id = r.id
left join (select report_id,
             max(case when block = 'review' and outcome = 'total' then value end) as review_total,
             max(case when block = 'suit_direct' and outcome = 'total' then value end)
               + max(case when block = 'suit_after_review' and outcome = 'total' then value end) as lawsuits_total
           from review_litigation where report_id {scope} group by report_id) t4 on t4.report_id = r.id
left join active_disclosure fees on fees.report_id = r.id and fees.key = 'fees_10k_yuan'
left join (select report_id, {', '.join(f"max(case when key = '{k}' then value end) as {k}" for k in _HEADLINE_KEYS)}
           from headline_figures where report_id {scope} group by report_id) h on h.report_id = r.id
where r.id {scope}"""


# A pre-2019 report has no table 3; the figures its text states stand in for the totals
# (`2018年未收到有关政府信息公开申请` is 0 requests, not a blank): report_totals column ← key.
HEADLINE_TOTALS = {"new_received": "applications_received"}
_HEADLINE_KEYS = ("applications_received", "review_cases", "suits")


def _with_headline(name: str) -> str:
    key = HEADLINE_TOTALS.get(name)
    return f"coalesce(t3.{name}, h.{key})" if key else f"t3.{name}"


def summary_select(where: str) -> str:
    """The rows of report_summary, for the reports `where` selects (SQL on r = reports)."""
    names = [name for name, _ in SUMMARY_TOTALS]
    deadline = deadline_sql()
    return f"""select r.id as report_id, r.organ, r.organ_id, o.kind as organ_kind, r.region, r.level, r.report_year,
  r.format, r.published, {deadline} as deadline,
  case when r.published is null or r.report_year is null then null
       else max(0, cast(julianday(r.published) - julianday({deadline}) as integer)) end as days_late,
  {', '.join('t.' + n for n in names)},
  t.review_total, t.lawsuits_total, t.fees_10k_yuan,
  r.check_status, r.status, r.final_url as source_url, '/-/archived/' || r.capture_id as archived_copy,
  r.title, r.portal
from reports r
left join organs o on o.id = r.organ_id
left join report_totals t on t.report_id = r.id
where {where}"""


# What report_summary's rows are computed from: a trigger on each keeps them current.
_SUMMARY_REPORT_COLUMNS = ("organ", "organ_id", "region", "level", "report_year", "format", "published",
                           "check_status", "status", "final_url", "capture_id", "title", "portal")
# (table, event, the reports whose rows it changes; None: the report's row goes)
_SUMMARY_SOURCES = [
    ("reports", "insert", "r.id = new.id"),
    ("reports", f"update of {', '.join(_SUMMARY_REPORT_COLUMNS)}", "r.id = new.id"),
    ("reports", "delete", None),
    ("report_totals", "insert", "r.id = new.report_id"),
    ("report_totals", "update", "r.id = new.report_id"),
    ("report_totals", "delete", "r.id = old.report_id"),
    ("organs", "insert", "r.organ_id = new.id"),
    ("organs", "update of kind", "r.organ_id = new.id"),
    ("organs", "delete", "r.organ_id = old.id"),
]


def _summary_triggers() -> dict[str, str]:
    out = {}
    for table, event, where in _SUMMARY_SOURCES:
        body = (f"insert or replace into report_summary {summary_select(where)};" if where
                else "delete from report_summary where report_id = old.id;")
        name = f"report_summary_on_{table}_{event.split()[0]}"
        out[name] = f"create trigger {name} after {event} on {table} begin\n{body}\nend"
    return out


def _report_summary(db: sqlite_utils.Database) -> None:
    """report_summary: one wide row per report with the key totals, a table kept current by
    triggers on the rows it is computed from (as a view, every page of a large archive would
    compute it for every report: its count, its facets, its sorts). It is filled again when
    the rules it is computed with change (the triggers' SQL) or it is out of step."""
    wanted = _summary_triggers()
    have = {r[0]: r[1] for r in db.execute(
        "select name, sql from sqlite_master where type = 'trigger' and name like 'report_summary_on_%'")}
    if have != wanted:
        for name in have:
            db.execute(f"drop trigger [{name}]")
        for sql in wanted.values():
            db.execute(sql)
    counts = db.execute("select (select count(*) from reports), (select count(*) from report_summary)").fetchone()
    if have != wanted or counts[0] != counts[1]:
        refill_report_summary(db)


def refill_report_summary(db: sqlite_utils.Database) -> None:
    with db.atomic():
        db.execute("delete from report_summary")
        db.execute(f"insert into report_summary {summary_select('1 = 1')}")


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
    db["active_disclosure_keys"].upsert_all(active_key_rows(), pk=("key", "format"))


