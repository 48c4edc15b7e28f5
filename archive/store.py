"""Writing reports and their history into the archive (sqlite-utils).

Derived rows (cells, checks) of a report are replaced when it is extracted again; captures
and crawl history are only ever added to. Callers outside archive/ go through ingest.py.
"""
from __future__ import annotations

import json
import re

from . import organs
from .bounded_text import bounded, bounded_full_text
from .clock import now
from .schema import cell_position, totals_sql
from .search import full_text, index_text
from .views import normalised_active

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
                list_title: str | None = None, run: str | None = None) -> tuple[int, bool]:
    """Insert or refresh one report and replace its derived rows. Returns (id, is_new)."""
    result = result.as_dict() if hasattr(result, "as_dict") else result  # a typed extract Report
    # Plain SQL here: sqlite-utils' table helpers look the schema up on every call, and a
    # crawl or a re-extraction writes reports by the thousand.
    found = db.execute("select id from reports where url = ?", [url]).fetchall()
    place = db.execute("select region, level from portals where id = ?", [portal]).fetchone() if portal else None
    place = {"region": place[0], "level": place[1]} if place else {}
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
        "last_run": run, "year_source": result.get("year_source"), "layout": result.get("layout"),
    }
    whole_body = row["body_text"]
    cut = bounded(row)  # no cell past the site's string limit; names as read
    if cut:
        row["errors"] = json.dumps((result.get("errors") or []) + cut, ensure_ascii=False)
    row["organ_id"] = organs.assign(db, row["organ"], row["region"], row["level"])
    if row["organ"]:  # the level of the organ's own government, not always the portal's
        row["level"] = organs.level_of(organs.canonical(row["organ"], row["region"]), row["region"], row["level"])
    with db.atomic():
        if found:
            report_id = found[0][0]
            db.execute(f"update reports set {', '.join(f'[{k}] = ?' for k in row)} where id = ?",
                       [*row.values(), report_id])
        else:
            row = dict(row, first_run=run)
            report_id = db.execute(f"insert into reports ({', '.join(f'[{k}]' for k in row)}) "
                                   f"values ({', '.join('?' for _ in row)})", list(row.values())).lastrowid
        _replace_derived(db, report_id, result, fresh=not found)
        index_report(db, report_id, dict(row, body_text=whole_body), fresh=not found)  # searched whole
    return report_id, not found


def index_report(db, report_id: int, row: dict | None = None, fresh: bool = False) -> None:
    """The report's search entry and whole text (report_full_text): title, organ, and its
    body with the text of its attachments (a PDF attachment is often the report itself)."""
    row = row or db["reports"].get(report_id)
    attached = [a["text"] for a in db.query(
        "select text from attachments where report_id = ? and text is not null order by id", [report_id])]
    body = bounded_full_text(full_text(row.get("body_text"), attached))
    if not fresh:  # a new report has no entry yet
        db.execute("delete from reports_fts where rowid = ?", [report_id])
    db.execute("insert into reports_fts (rowid, title, organ, body_text) values (?, ?, ?, ?)",
               [report_id, index_text(row.get("title") or ""), index_text(row.get("organ") or ""),
                index_text(body)])
    db.execute("insert or replace into report_full_text (report_id, full_text) values (?, ?)", [report_id, body])


_PROVENANCE = ("layout", "location", "label_match")


def _provenance_values(prov: dict, path: str) -> tuple:
    found = prov.get(path) or {}
    return tuple(found.get(key) for key in _PROVENANCE)


def _provenance(prov: dict, path: str) -> dict:
    return dict(zip(_PROVENANCE, _provenance_values(prov, path)))


def _replace_derived(db, report_id: int, result, fresh: bool = False) -> None:
    result = result.as_dict() if hasattr(result, "as_dict") else result  # a typed extract Report
    prov = result.get("provenance") or {}
    for name in () if fresh else DERIVED:  # a new report has no rows yet
        db.execute(f"delete from [{name}] where report_id = ?", [report_id])
    _insert(db, "legacy_indicators", [
        {"report_id": report_id, "position": i, **row} for i, row in enumerate(result.get("legacy_indicators") or [])])
    _insert(db, "headline_figures", [
        {"report_id": report_id, "key": key, "value": value}
        for key, value in (result.get("headline") or {}).items() if value is not None])
    raw = result.get("raw") or {}
    # table 3's ~200 cells as tuples: the bulk of a report's rows
    raw_cells, cells = raw.get("applications") or {}, []
    for row, cols in (result.get("applications") or {}).items():
        raw_row = raw_cells.get(row) or {}
        for col, value in cols.items():
            cells.append((report_id, row, col, value, raw_row.get(col), cell_position(row, col),
                          *_provenance_values(prov, f"applications.{row}.{col}")))
    if cells:
        db.conn.executemany("insert into applications (report_id, row_key, column_key, value, raw, position, "
                            "layout, location, label_match) values (?, ?, ?, ?, ?, ?, ?, ?, ?)", cells)
    _insert(db, "active_disclosure", [  # money in 万元 (views.normalised_active), the cell as printed in raw
        {"report_id": report_id, "key": key, "value": value, "unit": unit,
         "raw": raw.get("active", {}).get(key), **_provenance(prov, f"active.{key}")}
        for key, (value, unit) in normalised_active(result).items()])
    _insert(db, "review_litigation", [
        {"report_id": report_id, "block": block, "outcome": outcome, "value": value,
         "raw": raw.get("review_litigation", {}).get(block, {}).get(outcome),
         **_provenance(prov, f"review_litigation.{block}.{outcome}")}
        for block, outs in (result.get("review_litigation") or {}).items()
        for outcome, value in outs.items()])
    db.execute(totals_sql(one_report=True), {"report_id": report_id})
    _insert(db, "checks", [
        {"report_id": report_id, "rule": c["rule"], "scope": c["scope"], "status": c["status"],
         "detail": c["detail"]} for c in result.get("checks") or []])


def _insert(db, table: str, rows: list[dict]) -> None:
    """Rows into one table with one executemany: sqlite-utils' insert_all spends ~50 µs on
    each row, and a report has some 200 derived rows."""
    if not rows:
        return
    columns = list(dict.fromkeys(key for row in rows for key in row))
    values = [[_plain(row.get(c)) for c in columns] for row in rows]
    db.conn.executemany(f"insert into [{table}] ({', '.join(f'[{c}]' for c in columns)}) "
                        f"values ({', '.join('?' for _ in columns)})", values)


def _plain(value):
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (dict, list, tuple)) else value


def replace_figures(db, report_id: int, result: dict, source_url: str) -> None:
    """Take a report's figures from another document of it (an attachment)."""
    result = result.as_dict() if hasattr(result, "as_dict") else result
    with db.atomic():
        db["reports"].update(report_id, {  # layout: where the figures were read (the file's)
            "format": result.get("format"), "check_status": result.get("check_status"),
            "layout": result.get("layout"),
            "errors": json.dumps(result.get("errors") or [], ensure_ascii=False),
            "figures_from": source_url, "extracted_at": now()})
        _replace_derived(db, report_id, result)


def has_figures(db, report_id: int) -> bool:
    return db["applications"].count_where("report_id = ? and value is not null", [report_id]) > 0


# Rows made from a report's documents; report_full_text is written again by index_report,
# which follows every replacement.
DERIVED = ("applications", "active_disclosure", "review_litigation", "checks", "legacy_indicators",
           "headline_figures", "report_totals", "report_full_text")


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


_CROSS_YEAR_BY_REPORT = ("select report_id, group_concat(rule || ':' || status || ':' || scope) from "
                         "(select * from checks where rule in ('R5', 'R8') order by report_id, rule, scope) "
                         "group by report_id")

# R5: this year's 上年结转 = last year's 结转下年度, per column of table 3 (2019 and 2021 formats).
_R5 = """insert or replace into checks (report_id, rule, scope, status, detail)
    select cur.id, 'R5', 'applications.' || col.column_key,
      case when a.value is null or p.value is null then 'not_assessable'
           when a.value = p.value then 'pass' else 'fail' end,
      'carried_over=' || coalesce(a.value, 'None') || ' vs ' || prev.report_year || ' report ' || prev.id
        || ' carried_forward=' || coalesce(p.value, 'None')
    from reports cur
    join reports prev on prev.organ_id = cur.organ_id and prev.report_year = cur.report_year - 1
    cross join application_columns col
    left join applications a on a.report_id = cur.id and a.row_key = 'carried_over' and a.column_key = col.column_key
    left join applications p on p.report_id = prev.id and p.row_key = 'carried_forward' and p.column_key = col.column_key
    where cur.format in ('2021', '2019') and prev.format in ('2021', '2019')"""

# R8: table 2's 现行有效 this year = last year's 现行有效 + this year's 本年制发 − 本年废止, for
# 规章 and 行政规范性文件 (the 2021 format, both years); a blank cell makes it not assessable.
_R8 = """insert or replace into checks (report_id, rule, scope, status, detail)
    select cur.id, 'R8', 'active.' || kind.prefix || '_in_force',
      case when f.value is null or i.value is null or r.value is null or p.value is null then 'not_assessable'
           when f.value = p.value + i.value - r.value then 'pass' else 'fail' end,
      kind.prefix || '_in_force=' || coalesce(f.value, 'None') || ' vs ' || prev.report_year || ' report ' || prev.id
        || ' in_force=' || coalesce(p.value, 'None') || ' + issued=' || coalesce(i.value, 'None')
        || ' - repealed=' || coalesce(r.value, 'None')
    from reports cur
    join reports prev on prev.organ_id = cur.organ_id and prev.report_year = cur.report_year - 1
    cross join (select 'regulations' as prefix union all select 'normative') kind
    left join active_disclosure f on f.report_id = cur.id and f.key = kind.prefix || '_in_force'
    left join active_disclosure i on i.report_id = cur.id and i.key = kind.prefix || '_issued'
    left join active_disclosure r on r.report_id = cur.id and r.key = kind.prefix || '_repealed'
    left join active_disclosure p on p.report_id = prev.id and p.key = kind.prefix || '_in_force'
    where cur.format = '2021' and prev.format = '2021'"""


def cross_year_checks(db) -> int:
    """R5 and R8 across the archive, for each organ (organ_id) and pair of consecutive years:
    R5 this year's carried_over against last year's carried_forward, per column; R8 this
    year's 现行有效 against last year's + 本年制发 − 本年废止 (2021 format). Stored on the later
    report; no row where last year's report is missing. Returns the number of R5 results.
    Runs after every crawl, in SQL over the whole archive."""
    organs.assign_all(db)  # one organ across name variants (archive/organs.yml)
    with db.atomic():
        before = dict(db.execute(_CROSS_YEAR_BY_REPORT).fetchall())
        db.execute("delete from checks where rule in ('R5', 'R8')")
        db.execute(_R5)
        db.execute(_R8)
        after = dict(db.execute(_CROSS_YEAR_BY_REPORT).fetchall())
        for report in {r for r in set(before) | set(after) if before.get(r) != after.get(r)}:
            refresh_check_status(db, report)
    return db.execute("select count(*) from checks where rule = 'R5'").fetchone()[0]


def refresh_check_status(db, report_id: int) -> None:
    from extract.checks import status_of

    results = [{"status": s} for (s,) in db.execute("select status from checks where report_id = ?", [report_id])]
    db.execute("update reports set check_status = ?2 where id = ?1 and check_status is not ?2",
               [report_id, status_of(results)])
