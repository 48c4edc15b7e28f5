"""python -m archive.reextract [ARCHIVE_DB] — extract every archived report again from its
WARC capture, without the network: derived rows (cells, checks) are replaced, captures and
history are untouched. Run it after an extractor fix so the fix reaches the whole archive.

Documents are extracted in bounded worker processes, one per core (extract/bounded.py);
progress goes to stderr (a bar on a terminal, plain lines in a log), and each failure is
printed with its cause and recorded in `errors` (stage `reextract`)."""
from __future__ import annotations

import argparse
import sqlite3
import sys
from collections import deque
from pathlib import Path

from extract.bounded import Pool
from extract.bundles import member_of
from extract.sniff import file_kind
from warcio.exceptions import ArchiveLoadFailed
from extract.validate import InvalidReport

from . import snapshot, store
from .health import SQLITE_HEADER, archive_problem, not_an_archive  # noqa: F401 (not_an_archive: kept importable)
from .lock import ArchiveLock, ArchiveLocked
from .ingest import ExtractionFailed, reingest_report
from .progress import Progress
from .runs import record_error
from .schema import open_archive
from .warc import read_capture



def reextract(db_path: Path, stream=None) -> dict:
    """Re-extract in the working copy, then publish it (archive/snapshot.py)."""
    working = snapshot.prepare_working(db_path)
    db = open_archive(working)
    base = db_path.parent
    counts = {"reports": 0, "errors": 0}
    reports = list(db["reports"].rows)
    progress = Progress(len(reports), "reports", stream)

    def finish(report, prepared, futures):
        try:
            if isinstance(prepared, Exception):
                raise prepared
            body, content_type, attachment = prepared
            extracted = tuple(f.result() if f is not None else None for f in futures)
            reingest_report(db, report, body, content_type, attachment, extracted)
            counts["reports"] += 1
        except (OSError, ValueError, InvalidReport, ExtractionFailed, KeyError, ArchiveLoadFailed) as exc:
            counts["errors"] += 1
            cause = failure_cause(exc, db_path)
            progress.write(f"report {report['id']} ({report['url']}): {cause}")
            record_error(db, "reextract", report["portal"], report["url"], "reextract", cause)
        progress.update()

    with Pool() as pool:
        window: deque = deque()
        for report in reports:
            prepared = _read(db, report, base)
            futures = (None, None)
            if not isinstance(prepared, Exception):
                body, content_type, attachment = prepared
                futures = (pool.submit(body, report["final_url"], content_type),
                           pool.submit(attachment[1], attachment[0]["final_url"], attachment[2])
                           if attachment else None)
            window.append((report, prepared, futures))
            if len(window) > 2 * pool.workers:
                finish(*window.popleft())
        while window:
            finish(*window.popleft())
    progress.close()
    store.cross_year_checks(db)
    db.conn.close()
    snapshot.publish(working, db_path)
    return counts


def _read(db, report: dict, base: Path):
    """(page bytes, content type, attachment or None) from the WARC files, or the error."""
    try:
        capture, body = read_capture(db, report["capture_id"], base)
        content_type = capture["content_type"] or ""
        member = member_of(body, report["url"]) if file_kind(body) == "zip" else None
        if member is not None:  # a report of a zip of reports: its capture is the zip
            body, content_type = member.data, member.content_type
        attachment = next(db["attachments"].rows_where(
            "report_id = ? and used_for_figures = 1", [report["id"]]), None)
        if attachment is not None:
            a_capture, a_body = read_capture(db, attachment["capture_id"], base)
            attachment = (attachment, a_body, a_capture["content_type"] or "")
        return body, content_type, attachment
    except Exception as exc:  # reported with its cause when its turn comes
        return exc


def failure_cause(exc: Exception, db_path: Path) -> str:
    """One line saying what is wrong, in terms of the archive's files."""
    if isinstance(exc, FileNotFoundError):
        missing = Path(exc.filename or "")
        folder = db_path.parent / "warcs"
        if not folder.is_dir() and (folder in missing.parents or "warcs" in missing.parts):
            return f"warcs/ folder missing beside {db_path.name}"
        return f"WARC file missing: {missing}"
    if isinstance(exc, ExtractionFailed):
        return f"not read: {exc}"
    if isinstance(exc, InvalidReport):
        return f"extraction not valid: {exc}"
    return f"{type(exc).__name__}: {exc}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.reextract", description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", default="archive.db")
    args = parser.parse_args(argv)
    path = Path(args.db)
    if not path.is_file():
        print(f"no archive at {path}", file=sys.stderr)
        return 2
    problem = archive_problem(path)
    if problem:
        print(f"{path}: {problem}; nothing re-extracted", file=sys.stderr)
        return 2
    try:
        with ArchiveLock(path, "reextract"):
            counts = reextract(path)
    except ArchiveLocked as exc:
        print(f"{exc}; nothing re-extracted", file=sys.stderr)
        return 75
    except sqlite3.DatabaseError as exc:
        print(f"{path}: the database cannot be read ({exc}); nothing re-extracted", file=sys.stderr)
        return 2
    print(f"re-extracted {counts['reports']} reports from their captures; {counts['errors']} errors")
    return 1 if counts["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
