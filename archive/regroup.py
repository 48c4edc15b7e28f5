"""python -m archive.regroup [ARCHIVE_DB] — apply archive/organs.yml to every report again.

After an edit of the organ rules (a pin, a split, a kind): organs, organ_names, the reports'
organ_id and level, and the cross-year check R5 are brought up to date in the working file,
which is then published (archive/snapshot.py), under the archive's one lock."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import snapshot
from .lock import ArchiveLock, ArchiveLocked
from .schema import open_archive
from .store import cross_year_checks


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archive.regroup", description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", default="archive.db", type=Path)
    args = parser.parse_args(argv)
    if not args.db.exists():
        print(f"no archive at {args.db}", file=sys.stderr)
        return 2
    try:
        with ArchiveLock(args.db, "regroup"):
            working = snapshot.prepare_working(args.db)
            db = open_archive(working)
            cross_year_checks(db)  # assigns organs first
            line = f"{db['organs'].count} organs for {db['reports'].count} reports"
            db.conn.close()
            snapshot.publish(working, args.db)
    except ArchiveLocked as exc:
        print(f"{exc}; nothing changed", file=sys.stderr)
        return 75
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
