"""The crawl's bookkeeping in the archive: runs per portal, errors, remembered report
columns, and the known reports a re-run revalidates."""
from __future__ import annotations

from datetime import datetime, timezone

from .clock import now


def known_columns(db, portal: str, full_every_days: float) -> list[str]:
    """Columns where reports were listed, unless a full discovery is due."""
    last_full = db.execute(
        "select max(finished_at) from crawl_runs where portal = ? and discovery = 'full' "
        "and status in ('ok', 'ok_with_errors')", [portal]).fetchone()[0]
    if not last_full or (datetime.now(timezone.utc) - datetime.fromisoformat(last_full)).total_seconds() \
            > full_every_days * 86400:
        return []
    return [r["url"] for r in db.query("select url from report_columns where portal = ? order by url", [portal])]


def remember_column(db, portal: str, url: str, run: str, search_body: str | None = None,
                    search: bool = False) -> None:
    """A column where reports were listed; `search`: reached through the portal's search form
    (route 'search'), asked with `search_body` by POST when it has one."""
    row = {"portal": portal, "url": url, "last_seen": now(), "run": run}
    if search:
        row.update(route="search", post_body=search_body)
    with db.atomic():
        db["report_columns"].upsert(row, pk=("portal", "url"))


def column_bodies(db, portal: str) -> dict[str, str]:
    """The POST bodies of the columns reached through a search form."""
    return {r["url"]: r["post_body"] for r in db.query(
        "select url, post_body from report_columns where portal = ? and post_body is not null", [portal])}


def forget_column(db, portal: str, url: str) -> None:
    with db.atomic():
        db["report_columns"].delete_where("portal = ? and url = ?", [portal, url])


def mark_column(db, portal: str, url: str, route: str) -> None:
    """How the column's list must be read on re-crawls: 'browser' or 'static'."""
    with db.atomic():
        if db.execute("select 1 from report_columns where portal = ? and url = ?", [portal, url]).fetchone():
            db.execute("update report_columns set route = ? where portal = ? and url = ?", [route, portal, url])


def column_routes(db, portal: str) -> dict[str, str]:
    return {r["url"]: r["route"] for r in db.query("select url, route from report_columns where portal = ?",
                                                   [portal])}


def remember_sources(db, report_url: str, sources: list[str]) -> None:
    """The answers a rendered report's text came from, replacing those of an earlier render."""
    with db.atomic():
        db.execute("delete from report_sources where report_url = ?", [report_url])
        rows = [{"report_url": report_url, "source_url": url, "position": i}
                for i, url in enumerate(dict.fromkeys(sources))]
        if rows:
            db["report_sources"].insert_all(rows, pk=("report_url", "source_url"), replace=True)


def report_sources(db, report_url: str) -> list[str]:
    return [r["source_url"] for r in db.query(
        "select source_url from report_sources where report_url = ? order by position", [report_url])]


def close_running(db, run: str, status: str, finished_at: str) -> None:
    with db.atomic():
        db.execute("update crawl_runs set status = ?, finished_at = ? where run = ? and status = 'running'",
                   [status, finished_at, run])


def known_reports(db, portal: str) -> list[dict]:
    """The portal's current reports with the validators of their last capture; a report
    still waiting for its attachments has none (its page must be read again)."""
    return list(db.query(
        "select r.url, r.title, r.status, coalesce(c.rendered, 0) as rendered, "
        "case when r.status = 'current' then c.etag end as etag, "
        "case when r.status = 'current' then c.last_modified end as last_modified from reports r "
        "left join captures c on c.id = r.capture_id where r.portal = ? and r.status in ('current', 'pending')",
        [portal]))


def found_years(db, run: str, portal: str) -> set[int]:
    """The years of the portal's reports found (new, changed or unchanged) in this run."""
    return {r[0] for r in db.execute(
        "select distinct report_year from reports where last_run = ? and portal = ? and status != 'removed' "
        "and report_year is not null", [run, portal]).fetchall()}


def report_count(db, portal: str) -> int:
    return db["reports"].count_where("portal = ?", [portal])


def record_error(db, run: str | None, portal: str | None, url: str | None, stage: str, message: str) -> int:
    table = db["errors"]
    with db.atomic():
        table.insert({"run": run, "portal": portal, "url": url,
                      "stage": stage, "message": message[:2000], "at": now()})
    return table.last_rowid


def update_error_message(db, rowid: int, message: str) -> None:
    """An error recorded once and counted on (the gate's refusals): its message rewritten."""
    with db.atomic():
        db.execute("update errors set message = ? where rowid = ?", [message[:2000], rowid])


def save_run(db, row: dict) -> None:
    """The crawl_runs row of (run, portal): each save of a job replaces the one before."""
    with db.atomic():
        db["crawl_runs"].insert(row, replace=True)


def running_counters(db, run: str) -> dict[str, dict]:
    """The counters earlier legs of a job saved, per portal."""
    return {r["portal"]: r for r in db["crawl_runs"].rows_where("run = ?", [run])}


def report_counts(db, run: str, portal: str) -> dict:
    """What a job did to a portal's reports, read from the archive (so a killed leg counts)."""
    one = lambda sql: db.execute(sql, [run, portal]).fetchone()[0] or 0  # noqa: E731
    changed = lambda kind: one(  # noqa: E731
        "select count(distinct c.report_id) from changes c join reports r on r.id = c.report_id "
        f"where c.run = ? and r.portal = ? and c.kind = '{kind}'")
    found = one("select count(*) from reports where last_run = ? and portal = ?")
    new = one("select count(*) from reports where first_run = ? and portal = ?")
    counts = {"reports_found": found, "reports_new": new, "reports_changed": changed("changed"),
              "reports_removed": changed("removed"), "reports_moved": changed("moved"),
              "errors": one("select count(*) from errors where run = ? and portal = ?")}
    counts["reports_unchanged"] = max(0, found - new - counts["reports_changed"] - counts["reports_moved"])
    return counts


def last_validated_capture(db, url: str, not_run: str | None = None) -> dict | None:
    """The latest fetched (not rendered) 200 capture of `url` that carries a validator
    (ETag / Last-Modified): what a conditional request for it can name; `not_run`: one of
    another run than this."""
    return next(iter(db.query(
        "select * from captures where url = ? and status = 200 and rendered = 0 "
        "and (etag is not null or last_modified is not null) and run is not ? order by id desc limit 1",
        [url, not_run])), None)
