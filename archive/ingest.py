"""The one way bytes become archive rows: extract → validate → save, with history.

Extraction happens in a bounded worker process (extract/bounded.py); a caller that runs the
workers itself (the crawl, reextract) hands the result in (`extracted=`), so the database
writes stay on the caller's one thread. A document refused by a limit, or whose worker died,
is a `failed` outcome (stage `extract`) and nothing is written for it.

Used by the crawl pipeline, `python -m archive.reextract` and any loader. Each call writes
one report with its cells, checks and history in one transaction, so a crash leaves the
report either as it was or as it is now, never half-written.

- `ingest_report`: a report page. Unchanged bytes (or a 304) only refresh `last_checked_at`;
  a known report whose own text or cells changed gets a `changes` row (`changed`, with the
  cells that changed); a change of the page around it (a counter, the navigation) is kept as
  a new capture and is not a change.
- `ingest_attachment`: a file linked from a report page; its figures are the report's when
  the page had none. A page without figures whose files are still to be fetched is stored
  as `pending` (with `pending_attachments`) until they are read: the next leg of the job or
  the next run fetches them again, so a report is never left silently without figures.
- `mark_removed`: a report gone from its URL; a report found again at a new one, or whose
  URL now redirects to a new one, has moved (archive/moves.py: `record_moves`, `follow_redirect`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from extract.bounded import extract_bounded, unreadable
from extract.validate import InvalidReport, validate

from . import store
from .clock import now
from .corrections import is_superseded
# (record_moves and merge_moved are used by the crawl and the loader as ingest's)
from .moves import follow_redirect, merge_moved, record_moves, redirect_target, report_of_url, same_report, settle
from .records import AttachmentFile, ReportGone, ReportPage
from .views import normalised_active
from .warc import payload_digest


@dataclass
class Outcome:
    """What one ingest did: `kind` is new, changed, unchanged, invalid, failed or skipped."""

    kind: str
    report_id: int | None = None
    stage: str | None = None  # the stage that refused it (or found a stored document unreadable)
    message: str | None = None
    removed: int | None = None  # a known report found gone from its URL meanwhile (it redirects elsewhere)


def read_report(body: bytes, url: str, content_type: str, extracted: dict | None = None) -> dict:
    """Extracted and validated figures (raises InvalidReport, or ExtractionFailed when the
    document was refused by a limit or its worker died). Extraction runs in a bounded worker
    (extract/bounded.py) unless the caller hands in its result already."""
    if extracted is None:
        extracted = extract_bounded(body, url, content_type)
    if extracted.get("refused"):
        raise ExtractionFailed(extracted["refused"])
    return validate(extracted)


class ExtractionFailed(Exception):
    """The document was not read: over a limit, or its worker died."""


def _extract(body: bytes, url: str, content_type: str,
             extracted: dict | None = None) -> tuple[dict | None, Outcome | None]:
    try:
        return read_report(body, url, content_type, extracted), None
    except InvalidReport as exc:
        return None, Outcome("invalid", stage="validate", message=str(exc))
    except Exception as exc:  # one bad document must not end a crawl or a re-extraction
        message = str(exc) if isinstance(exc, ExtractionFailed) else f"{type(exc).__name__}: {exc}"
        return None, Outcome("failed", stage="extract", message=message)


def needs_extraction(db, page: ReportPage) -> bool:
    """Whether ingest_report will read this page (not a 304, not the bytes it has already,
    not another portal's report)."""
    if page.status == 304:
        return False
    digest = payload_digest(page.body)
    if another_portals_report(db, page.portal, page.url, digest):
        return False
    if unchanged_alias(db, page.url, digest):
        return False
    known = redirect_target(db, page) or find_report(db, page.url)  # (as ingest_report decides)
    return not (known and known["content_digest"] == digest)


def unchanged_alias(db, url: str, digest: str | None) -> dict | None:
    """The alias row of `url` when it is another URL of an archived report (merge_duplicates)
    still showing the bytes it showed then (or answering 304: digest None)."""
    row = next(iter(db["report_aliases"].rows_where("url = ?", [url])), None) if url else None
    if row is None or (digest is not None and row["content_digest"] != digest):
        return None
    # (a report removed from its own URL is read again here: found again, it has moved)
    return row if db["reports"].count_where("id = ? and status = 'current'", [row["report_id"]]) else None


def another_portals_report(db, portal: str | None, url: str, digest: str | None) -> dict | None:
    """The report another portal archived at this URL, or with these very bytes elsewhere.
    A report belongs to the portal it was first found on: seeds that overlap (two entries
    covering one site, a copy of a report on another portal) never move it or archive it twice."""
    if not portal:
        return None
    row = db.execute("select id, portal, url from reports where (url = ? or content_digest = ?) "
                     "and portal is not null and portal != ? limit 1", [url, digest, portal]).fetchone()
    return {"id": row[0], "portal": row[1], "url": row[2]} if row else None


def attachment_needs_extraction(db, item: AttachmentFile) -> bool:
    """Whether ingest_attachment will read this file (its report is archived for this portal;
    the file's text is searched with the report's, its figures used if the page had none)."""
    report = report_of_url(db, item.report_url) if item.status == 200 else None
    return report is not None and (not item.portal or report["portal"] in (None, item.portal))


def find_report(db, url: str) -> dict | None:
    return next(iter(db["reports"].rows_where("url = ?", [url])), None)


def ingest_report(db, page: ReportPage, *, run: str | None = None, extracted: dict | None = None) -> Outcome:
    """Store one fetched report page; `extracted` is its extraction when the caller (the
    crawl, extracting in worker processes) has it already."""
    digest = payload_digest(page.body) if page.status != 304 else None
    owner = another_portals_report(db, page.portal, page.url, digest)
    if owner:
        return Outcome("skipped", owner["id"], stage="overlap",
                       message=f"report {owner['id']} of portal {owner['portal']} ({owner['url']}): "
                               f"kept as that portal's (the seeds overlap)")
    # a URL that now redirects: the report moved there (its old URL kept as an alias), or the
    # link leads to an archived report (archive/moves.py)
    known, page, moving = follow_redirect(db, find_report(db, page.url), page, digest, run=run)
    alias = None if known else unchanged_alias(db, page.url, digest)
    if alias:  # another URL of a report, unchanged: that report is what it shows
        with db.atomic():
            db["report_aliases"].update(alias["url"], {"last_run": run})
        return Outcome("unchanged", alias["report_id"])
    if page.status == 304 or (known and known["content_digest"] == digest):
        if known:
            with db.atomic():
                db["reports"].update(known["id"], {
                    "last_checked_at": page.fetched_at, "last_run": run, "status": _status_seen_again(db, known)})
        return Outcome("unchanged", known["id"] if known else None)
    result, failure = _extract(page.body, page.final_url, page.content_type, extracted)
    if failure:
        return failure
    if moving is not None:  # its URL redirected to other bytes: moved if they are still this report
        holds_report = has_table_figures(result) or bool(page.attachments)
        known = settle(db, moving, page, result, holds_report, run=run)
        if known is None and not holds_report:  # (a list, a notice: no report is stored from it)
            return Outcome("skipped", None, removed=moving["id"])  # (the why: its `removed` change)
    outcome = _save_report_page(db, page, known, result, digest, run)
    if moving is not None and known is None:
        outcome.removed = moving["id"]
    problem = unreadable(result)
    if problem:  # kept (the capture is evidence), and the reason is recorded
        outcome.stage, outcome.message = "extract", problem
    return outcome


def _save_report_page(db, page: ReportPage, known: dict | None, result: dict, digest: str, run) -> Outcome:
    with db.atomic():
        before = store.report_cells(db, known["id"]) if known else None
        if known and _same_text(known, result, page.list_title) and before == cells_of(result):
            # Only the page around the report changed: keep the new capture, no change.
            db["reports"].update(known["id"], {
                "capture_id": page.capture_id, "last_checked_at": page.fetched_at, "last_run": run,
                "content_digest": digest, "status": _status_seen_again(db, known)})
            return Outcome("unchanged", known["id"])
        report_id, new = store.save_report(
            db, result, url=page.url, final_url=page.final_url, portal=page.portal,
            fetched_at=page.fetched_at, capture_id=page.capture_id, digest=digest,
            list_title=page.list_title, run=run)
        _await_attachments(db, report_id, result, page.attachments)
        if new:
            return Outcome("new", report_id)
        diff = store.diff_cells(before, store.report_cells(db, report_id))
        store.record_change(db, report_id, "changed", run=run, old_url=known["final_url"],
                            new_url=page.final_url, old_capture_id=known["capture_id"],
                            new_capture_id=page.capture_id, diff=diff,
                            note=_change_note(known, result, diff))
    return Outcome("changed", report_id)


def _status_seen_again(db, known: dict) -> str:
    """A known report seen again unchanged: current (pending while its files are to be
    read); one its corrected report superseded stays removed (archive/corrections.py)."""
    if known["status"] == "removed" and is_superseded(db, known["id"]):
        return "removed"
    return "pending" if known["status"] == "pending" else "current"


def _await_attachments(db, report_id: int, result: dict, attachments: list[str]) -> None:
    """A page without figures whose files are still to be read is `pending` until they are."""
    if has_table_figures(result) or not attachments:
        db["reports"].update(report_id, {"pending_attachments": None})
        return
    done = {r["url"] for r in db["attachments"].rows_where("report_id = ?", [report_id], select="url")}
    waiting = [url for url in attachments if url not in done]
    if waiting:
        db["reports"].update(report_id, {"status": "pending",
                                         "pending_attachments": json.dumps(waiting, ensure_ascii=False)})


def _same_text(known: dict, result: dict, list_title: str | None) -> bool:
    title = result.get("title") or list_title
    return known["body_text"] == result.get("body_text") and (known["title"] or "") == (title or "")


def _change_note(known: dict, result: dict, diff: list) -> str:
    if diff:
        return f"{len(diff)} cells changed"
    if (known["title"] or "") != (result.get("title") or known["title"] or ""):
        return f"title changed: {known['title']} → {result.get('title')}"
    return f"text changed, cells did not: {text_diff(known['body_text'] or '', result.get('body_text') or '')}"


DIFF_MAX_CHARS = 20_000  # of the changed middle of either text (≤ 50 MB, < 1 s): a longer one is not diffed


def text_diff(old: str, new: str, context: int = 12, limit: int = 240) -> str:
    """A short, readable diff of two texts: each changed stretch with a little context,
    e.g. «…共收到申请[18→19]件，其中…». Linear in the common prefix and suffix, and
    bit-parallel on what lies between (rapidfuzz), up to DIFF_MAX_CHARS; beyond that the
    note says the change was too long to diff."""
    from rapidfuzz.distance import Levenshtein

    start = 0
    shortest = min(len(old), len(new))
    while start < shortest and old[start] == new[start]:
        start += 1
    end = 0
    while end < shortest - start and old[-1 - end] == new[-1 - end]:
        end += 1
    old_mid, new_mid = old[start:len(old) - end], new[start:len(new) - end]
    if max(len(old_mid), len(new_mid)) > DIFF_MAX_CHARS:
        return (f"too long to diff: {len(old_mid)} characters replaced by {len(new_mid)} "
                f"(over DIFF_MAX_CHARS, {DIFF_MAX_CHARS}) after «…{old[max(0, start - context):start]}»")
    parts = []
    for op in _merged(Levenshtein.opcodes(old_mid, new_mid)):
        if op.tag == "equal":
            continue
        i1, i2, j1, j2 = op.src_start + start, op.src_end + start, op.dest_start + start, op.dest_end + start
        parts.append(f"«…{old[max(0, i1 - context):i1]}[{old[i1:i2]}→{new[j1:j2]}]{old[i2:i2 + context]}…»")
        if sum(map(len, parts)) > limit:
            break
    out = " ".join(parts)
    return out if len(out) <= limit else out[:limit - 1] + "…"


def _merged(opcodes):
    """Adjacent changes as one (a replace next to an insert reads as one stretch)."""
    pending = None
    for op in opcodes:
        if op.tag == "equal":
            if pending:
                yield pending
                pending = None
            yield op
        elif pending is None:
            pending = op
        else:
            pending = type(op)("replace", pending.src_start, op.src_end, pending.dest_start, op.dest_end)
    if pending:
        yield pending


def ingest_attachment(db, item: AttachmentFile, extracted: dict | None = None) -> Outcome:
    """Keep the file's record; read the report's figures from it if the page had none
    (`extracted`: its extraction, when the caller has it already)."""
    report = report_of_url(db, item.report_url)  # (its report may have moved since the page was fetched)
    if report is None or (item.portal and report["portal"] not in (None, item.portal)):
        return Outcome("skipped", message="report not archived (for this portal)")
    row = {"report_id": report["id"], "url": item.url, "final_url": item.final_url, "label": item.label,
           "capture_id": item.capture_id, "content_type": item.content_type, "length": len(item.body),
           "fetched_at": item.fetched_at, "used_for_figures": 0, "errors": None}
    result = None
    if item.status == 200:  # its text is searched with the report's; its figures used if the page had none
        result, failure = _extract(item.body, item.final_url, item.content_type, extracted)
        if failure:
            row["errors"] = failure.message
        elif result["errors"]:
            row["errors"] = json.dumps(result["errors"], ensure_ascii=False)
        row["text"] = (result or {}).get("body_text")
    with db.atomic():
        if result is not None and has_table_figures(result) and not store.has_figures(db, report["id"]):
            store.replace_figures(db, report["id"], result, item.final_url)
            row["used_for_figures"] = 1
        db["attachments"].insert(row, ignore=True)  # one row per report and file URL
        store.index_report(db, report["id"])
        waiting = [u for u in json.loads(report["pending_attachments"] or "[]") if u != item.url]
        if row["used_for_figures"] or not waiting:
            db["reports"].update(report["id"], {
                "pending_attachments": None,
                "status": "current" if report["status"] == "pending" else report["status"]})
        else:
            db["reports"].update(report["id"], {"pending_attachments": json.dumps(waiting, ensure_ascii=False)})
    return Outcome("new" if row["used_for_figures"] else "unchanged", report["id"])


def reingest_report(db, report: dict, body: bytes, content_type: str,
                    attachment: tuple[dict, bytes, str] | None = None,
                    extracted: tuple[dict, dict | None] | None = None) -> None:
    """Extract an archived report again from its captured bytes (and the attachment its
    figures came from): derived rows replaced, captures and history untouched.
    `extracted`: (the page's, the attachment's) extraction when the caller has them."""
    page_done, attachment_done = extracted or (None, None)
    result = read_report(body, report["final_url"], content_type, page_done)
    a_result = None
    if attachment is not None:
        row, a_body, a_type = attachment
        a_result = read_report(a_body, row["final_url"], a_type, attachment_done)
    with db.atomic():
        store.save_report(db, result, url=report["url"], final_url=report["final_url"],
                          portal=report["portal"], fetched_at=report["fetched_at"],
                          capture_id=report["capture_id"], digest=report["content_digest"],
                          list_title=report["title"])
        db["reports"].update(report["id"], {"status": report["status"],
                                            "last_checked_at": report["last_checked_at"]})
        if a_result is not None and has_table_figures(a_result):
            store.replace_figures(db, report["id"], a_result, attachment[0]["final_url"])
        if a_result is not None:
            db["attachments"].update(attachment[0]["id"], {"text": a_result.get("body_text")})
            store.index_report(db, report["id"])


def has_table_figures(result: dict) -> bool:
    return any(v is not None for cols in (result.get("applications") or {}).values() for v in cols.values())


def mark_removed(db, item: ReportGone, *, run: str | None = None) -> int | None:
    """A current report whose URL no longer shows it: status removed, a `removed` change."""
    known = find_report(db, item.url)
    if known is None or known["status"] != "current" or \
            (item.portal and known["portal"] not in (None, item.portal)):  # another portal's report
        return None
    with db.atomic():
        db["reports"].update(known["id"], {"status": "removed", "last_checked_at": now()})
        store.record_change(db, known["id"], "removed", run=run, old_url=known["final_url"],
                            new_url=item.final_url, old_capture_id=known["capture_id"],
                            new_capture_id=item.capture_id, note=item.reason)
    return known["id"]


def merge_duplicates(db, new: dict[int, str]) -> list[int]:
    """At the end of a run (after the moves): a report new in it that is another report of
    the same portal still current — the same bytes, or the same organ, year, title and cells
    (same_report) — is that report under another URL (a case-insensitive host, a tracking
    query such as ?from=list, a second column, a reprint note): its row is removed, the
    earlier one stays. Identity is the content within a portal; decided when the run is
    over, so it does not depend on which URL was fetched first. Returns the ids removed."""
    removed = []
    for new_id, portal in sorted(new.items()):
        row = db.execute("select content_digest, organ, report_year from reports where id = ?", [new_id]).fetchone()
        if row is None:
            continue
        others = [r[0] for r in db.execute(
            "select id from reports where portal = ? and id < ? and status = 'current' "
            "and (content_digest = ? or (organ = ? and report_year = ?)) order by id",
            [portal, new_id, row[0], row[1], row[2]]).fetchall() if r[0] not in removed]
        twin = next((o for o in others if same_report(db, o, new_id)), None)
        if twin is None:
            continue
        dup = db["reports"].get(new_id)
        with db.atomic():
            # its URL is remembered as the twin's: a re-crawl revalidates it and reads it again
            # only when it changed
            db["report_aliases"].insert({"url": dup["url"], "report_id": twin, "portal": portal,
                                         "content_digest": dup["content_digest"], "first_run": dup["first_run"],
                                         "last_run": dup["last_run"]}, replace=True)
            for table in store.DERIVED:
                db[table].delete_where("report_id = ?", [new_id])
            db.execute("delete from reports_fts where rowid = ?", [new_id])
            db.execute("delete from changes where report_id = ?", [new_id])
            db.execute("delete from attachments where report_id = ?", [new_id])
            db["reports"].delete(new_id)
        removed.append(new_id)
    return removed


def cells_of(result: dict) -> dict:
    """An extraction's cells in the shape of store.report_cells."""
    cells = {}
    for row, cols in (result.get("applications") or {}).items():
        cells.update({f"applications.{row}.{col}": v for col, v in cols.items()})
    cells.update({f"active_disclosure.{k}": v for k, (v, _) in normalised_active(result).items()})
    for block, outs in (result.get("review_litigation") or {}).items():
        cells.update({f"review_litigation.{block}.{o}": v for o, v in outs.items()})
    return cells
