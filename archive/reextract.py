"""python -m extract.reextract [ARCHIVE_DB] — extract every archived report again from its
WARC capture, without the network: derived rows (cells, checks) are replaced, captures and
history are untouched. Run it after an extractor fix so the fix reaches the whole archive."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import load
from .report import extract_bytes
from .validate import InvalidReport, validate


def reextract(db_path: Path) -> dict:
    from crawler.capture import read_capture

    db = load.open_archive(db_path)
    base = db_path.parent
    counts = {"reports": 0, "errors": 0}
    for report in list(db["reports"].rows):
        try:
            capture, body = read_capture(db, report["capture_id"], base)
            result = validate(extract_bytes(body, report["final_url"], capture["content_type"] or ""))
            load.save_report(db, result, url=report["url"], final_url=report["final_url"],
                             portal=report["portal"], fetched_at=report["fetched_at"],
                             capture_id=report["capture_id"], digest=report["content_digest"],
                             list_title=report["title"])
            db["reports"].update(report["id"], {"status": report["status"],
                                                "last_checked_at": report["last_checked_at"]})
            attachment = next(db["attachments"].rows_where(
                "report_id = ? and used_for_figures = 1", [report["id"]]), None)
            if attachment is not None:
                a_capture, a_body = read_capture(db, attachment["capture_id"], base)
                a_result = validate(extract_bytes(a_body, attachment["final_url"], a_capture["content_type"] or ""))
                load.replace_figures(db, report["id"], a_result, attachment["final_url"])
            counts["reports"] += 1
        except (OSError, ValueError, InvalidReport) as exc:
            counts["errors"] += 1
            db["errors"].insert({"run": "reextract", "portal": report["portal"], "url": report["url"],
                                 "stage": "reextract", "message": f"{type(exc).__name__}: {exc}", "at": load.now()})
    load.cross_year_checks(db)
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    return counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract.reextract", description=__doc__.splitlines()[0])
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
