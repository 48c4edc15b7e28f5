"""python -m archive.reextract [ARCHIVE_DB] — extract every archived report again from its
WARC capture, without the network: derived rows (cells, checks) are replaced, captures and
history are untouched. Run it after an extractor fix so the fix reaches the whole archive."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from extract.validate import InvalidReport

from . import snapshot, store
from .ingest import reingest_report
from .runs import record_error
from .schema import open_archive
from .warc import read_capture


def reextract(db_path: Path) -> dict:
    """Re-extract in the working copy, then publish it (archive/snapshot.py)."""
    working = snapshot.prepare_working(db_path)
    db = open_archive(working)
    base = db_path.parent
    counts = {"reports": 0, "errors": 0}
    for report in list(db["reports"].rows):
        try:
            capture, body = read_capture(db, report["capture_id"], base)
            attachment = next(db["attachments"].rows_where(
                "report_id = ? and used_for_figures = 1", [report["id"]]), None)
            if attachment is not None:
                a_capture, a_body = read_capture(db, attachment["capture_id"], base)
                attachment = (attachment, a_body, a_capture["content_type"] or "")
            reingest_report(db, report, body, capture["content_type"] or "", attachment)
            counts["reports"] += 1
        except (OSError, ValueError, InvalidReport) as exc:
            counts["errors"] += 1
            record_error(db, "reextract", report["portal"], report["url"], "reextract", f"{type(exc).__name__}: {exc}")
    store.cross_year_checks(db)
    db.conn.close()
    snapshot.publish(working, db_path)
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.reextract", description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", default="archive.db")
    args = parser.parse_args(argv)
    path = Path(args.db)
    if not path.exists():
        print(f"no archive at {path}", file=sys.stderr)
        return 2
    counts = reextract(path)
    print(f"re-extracted {counts['reports']} reports from their captures; {counts['errors']} errors")
    return 1 if counts["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
