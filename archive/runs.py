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


def remember_column(db, portal: str, url: str, run: str) -> None:
    with db.atomic():
        db["report_columns"].upsert({"portal": portal, "url": url, "last_seen": now(), "run": run},
                                    pk=("portal", "url"))


def forget_column(db, portal: str, url: str) -> None:
    with db.atomic():
        db["report_columns"].delete_where("portal = ? and url = ?", [portal, url])


def known_reports(db, portal: str) -> list[dict]:
    """The portal's current reports with the validators of their last capture."""
    return list(db.query(
        "select r.url, r.title, c.etag, c.last_modified from reports r "
        "left join captures c on c.id = r.capture_id where r.portal = ? and r.status = 'current'",
        [portal]))


def report_count(db, portal: str) -> int:
    return db["reports"].count_where("portal = ?", [portal])


def record_error(db, run: str | None, portal: str | None, url: str | None, stage: str, message: str) -> None:
    with db.atomic():
        db["errors"].insert({"run": run, "portal": portal, "url": url,
                             "stage": stage, "message": message[:2000], "at": now()})


def record_run(db, row: dict) -> None:
    """One crawl_runs row (run, portal): a resumed job's later leg replaces its earlier one."""
    with db.atomic():
        db["crawl_runs"].insert(row)


def last_validated_capture(db, url: str) -> dict | None:
    """The latest fetched (not rendered) 200 capture of `url` that carries a validator
    (ETag / Last-Modified): what a conditional request for it can name."""
    return next(iter(db.query(
        "select * from captures where url = ? and status = 200 and rendered = 0 "
        "and (etag is not null or last_modified is not null) order by id desc limit 1", [url])), None)
