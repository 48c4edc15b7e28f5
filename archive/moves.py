"""A report found at a new URL: one row, which now says where the report is, and its history
kept (archive/ingest.py calls these; every write is one transaction).

Two ways a report moves:
- **its URL now redirects** (HTTP 301/302/307/308, an immediate meta refresh) to another URL of
  the portal: `follow_redirect`, decided when the redirected answer is stored. The row's `url`
  and `final_url` become the new URL (its capture the new URL's); the old URL is kept as the
  report's alias (`report_aliases`), a `moved` change names both and both captures, and the
  redirect itself is a capture of the old URL (status 301…). The bytes are read again only
  when they changed. A link to a URL that redirects to an archived report's URL is that report.
- **its URL is gone** (404/410, a not-found page) and its content reappears at a new URL in
  the same run: `record_moves`, decided when the run ends.
"""
from __future__ import annotations

from dataclasses import replace

from . import store
from .records import ReportPage


def _report_at(db, url: str) -> dict | None:
    return next(iter(db["reports"].rows_where("url = ?", [url])), None) if url else None


def redirected(page: ReportPage) -> bool:
    """Whether the page's URL sent it on to another URL (how: `page.redirected_by`)."""
    return bool(page.redirected_by) and bool(page.final_url) and page.final_url != page.url


def redirect_target(db, page: ReportPage) -> dict | None:
    """The archived report whose own URL the page's URL redirects to, if any."""
    return _report_at(db, page.final_url) if redirected(page) else None


def report_of_url(db, url: str) -> dict | None:
    """The report archived at `url`, or the one `url` is another URL of (an alias: a copy,
    or the URL a report moved from)."""
    row = _report_at(db, url)
    if row is None and url:
        alias = next(iter(db["report_aliases"].rows_where("url = ?", [url])), None)
        if alias is not None:
            row = next(iter(db["reports"].rows_where("id = ?", [alias["report_id"]])), None)
    return row


def follow_redirect(db, known: dict | None, page: ReportPage, digest: str | None, *,
                    run: str | None = None) -> tuple[dict | None, ReportPage, dict | None]:
    """A page whose URL redirected: (the archived report it is, or None for a new one; the
    page as that report's — its `url` the report's own; the known report whose move waits
    for the page to be read). `known`: the report archived at the page's URL; `digest`: the
    page's bytes' (None for a 304). Unchanged bytes move the report at once; other bytes
    only once read as this report (`settle`): an old URL that now leads to a list or to
    another report moves nothing there."""
    if not redirected(page):
        return known, page, None
    new_url, by = page.final_url, page.redirected_by
    target = _report_at(db, new_url)
    if target is not None and target["portal"] not in (None, page.portal):
        target = None  # another portal's report: the overlap of the seeds decides (ingest.py)
    at_target = replace(page, url=new_url)
    if known is None:
        if target is None:
            return None, page, None  # a new report, listed under the URL that redirects
        with db.atomic():  # a link that leads to an archived report: another URL of it
            _alias(db, page.url, target, digest, run)
        return target, at_target, None
    if target is None:
        if known["final_url"] == new_url:
            return known, page, None  # it always redirected there: nothing moved
        if digest is not None and digest != known["content_digest"]:
            return None, at_target, known  # moved if what it shows now is still this report
        with db.atomic():
            _move(db, known, page, by, run)
        return _report_at(db, new_url), at_target, None
    if target["first_run"] == run and same_report(db, known["id"], target["id"]):
        # read at its new URL earlier in this run (a list linked it): one report, the old id kept
        merge_moved(db, known["id"], target["id"], run=run, note=_moved_note(known["url"], by, new_url))
        with db.atomic():
            _alias(db, known["url"], known, known["content_digest"], run, first_run=known["first_run"])
        return _report_at(db, new_url), at_target, None
    _gone_to(db, known, page, f"it leads to report {target['id']} ({new_url})", run)
    return target, at_target, None


def settle(db, known: dict, page: ReportPage, result: dict, holds_report: bool, *,
           run: str | None = None) -> dict | None:
    """A known report whose URL redirected to other bytes, now read (`result`;
    `holds_report`: it has table figures or files of its own). The same organ and year, and
    figures unless the known report had none either — the report, edited on its way — moves
    there (the caller stores the edit as a change) and its row is returned. Anything else (a
    list, another report) means the report is gone from its URL: removed, and None."""
    same = (result.get("agency"), result.get("report_year")) == (known["organ"], known["report_year"])
    if same and (holds_report or not store.has_figures(db, known["id"])):
        with db.atomic():
            _move(db, known, page, page.redirected_by, run)
        return _report_at(db, page.final_url)
    what = "another report" if holds_report else "no report"
    _gone_to(db, known, page, f"it shows {what} ({page.final_url})", run)
    return None


def _gone_to(db, known: dict, page: ReportPage, where: str, run: str | None) -> None:
    """Its URL now leads to another report: its own is gone from there."""
    with db.atomic():
        db["reports"].update(known["id"], {"status": "removed", "last_checked_at": page.fetched_at})
        store.record_change(db, known["id"], "removed", run=run, old_url=known["final_url"], new_url=page.final_url,
                            old_capture_id=known["capture_id"], new_capture_id=page.capture_id,
                            note=f"{known['url']} answers {page.redirected_by}: {where}")


def _moved_note(old_url: str, by: str, new_url: str) -> str:
    return f"{old_url} answers {by} → {new_url}: the report moved"


def _move(db, known: dict, page: ReportPage, by: str, run: str | None) -> None:
    """The row at its new URL (its capture the new URL's when one was fetched); the old URL
    its alias; a `moved` change with both URLs and captures."""
    new_url = page.final_url
    moved = {"url": new_url, "final_url": new_url, "last_checked_at": page.fetched_at, "last_run": run}
    if page.status == 200 and page.capture_id is not None:
        moved.update(capture_id=page.capture_id, fetched_at=page.fetched_at)
    db.execute("delete from report_aliases where url = ?", [new_url])  # now the report's own URL
    db["reports"].update(known["id"], moved)
    _alias(db, known["url"], known, known["content_digest"], run, first_run=known["first_run"])
    store.record_change(db, known["id"], "moved", run=run, old_url=known["final_url"], new_url=new_url,
                        old_capture_id=known["capture_id"], new_capture_id=page.capture_id,
                        note=_moved_note(known["url"], by, new_url))


def _alias(db, url: str, report: dict, digest: str | None, run: str | None, first_run: str | None = None) -> None:
    """`url` remembered as another URL of `report` (revalidated like any known URL)."""
    row = next(iter(db["report_aliases"].rows_where("url = ?", [url])), None)
    if row is not None:
        db["report_aliases"].update(url, {"report_id": report["id"], "last_run": run,
                                          "content_digest": digest or row["content_digest"]})
    else:
        db["report_aliases"].insert({"url": url, "report_id": report["id"], "portal": report["portal"],
                                     "content_digest": digest or report["content_digest"],
                                     "first_run": first_run or run, "last_run": run})


def same_report(db, old_id: int, new_id: int) -> bool:
    """Whether a new report is a removed one at a new URL: same bytes, or same organ, year,
    title and cells."""
    old, new = db["reports"].get(old_id), db["reports"].get(new_id)
    if old["content_digest"] == new["content_digest"]:
        return True
    identity = ("organ", "report_year", "title")
    return all(old[k] == new[k] for k in identity) and \
        store.report_cells(db, old_id) == store.report_cells(db, new_id) != {}


def record_moves(db, removed: dict[int, str], new: dict[int, str], *, run: str | None = None) -> dict[int, str]:
    """At the end of a run: a report removed in it ({id: portal}) whose figures reappear in
    a report new in it, on the same portal, has moved. Returns the new reports that are not
    moves (a new report already merged into a moved one during the run is left out)."""
    exists = lambda i: db["reports"].count_where("id = ?", [i]) > 0  # noqa: E731
    new = {i: p for i, p in new.items() if exists(i)}
    for old_id, portal in removed.items():
        if not exists(old_id):
            continue
        for new_id in [i for i, p in new.items() if p == portal]:
            if same_report(db, old_id, new_id):
                merge_moved(db, old_id, new_id, run=run)
                del new[new_id]
                break
    return new


def merge_moved(db, old_id: int, new_id: int, *, run: str | None = None,
                note: str = "same report at a new URL") -> None:
    """Keep the old report's id (and history); it now lives at the new URL."""
    old, new = db["reports"].get(old_id), db["reports"].get(new_id)
    with db.atomic():
        for table in store.DERIVED:
            db[table].delete_where("report_id = ?", [new_id])
        db.execute("delete from reports_fts where rowid = ?", [new_id])
        db.execute("delete from changes where report_id = ?", [new_id])
        db.execute("update attachments set report_id = ? where report_id = ? and url not in "
                   "(select url from attachments where report_id = ?)", [old_id, new_id, old_id])
        db.execute("delete from attachments where report_id = ?", [new_id])
        db["reports"].delete(new_id)
        moved = {k: new[k] for k in ("url", "final_url", "fetched_at", "capture_id",
                                     "content_digest", "last_checked_at", "last_run")}
        db["reports"].update(old_id, dict(moved, status="current"))
        db.execute("delete from changes where report_id = ? and kind = 'removed' and run is ?", [old_id, run])
        store.record_change(db, old_id, "moved", run=run, old_url=old["final_url"],
                            new_url=new["final_url"], old_capture_id=old["capture_id"],
                            new_capture_id=new["capture_id"], note=note)
