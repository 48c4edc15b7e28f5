"""python -m replica.demo ARCHIVE_DB [--seeds seeds/demo.yml] [--serve-port PORT] — the demo archive.

Builds the demo archive from nothing, every time, so a second `make demo` builds the same
archive: the replica's edition 1 is crawled into a fresh file beside ARCHIVE_DB, then its
edition 2 (one report edited, one deleted, one moved, one redirected to the homepage), and
the result is published over ARCHIVE_DB atomically (archive/snapshot.py), its WARC files
moved into `warcs/` beside it; its reports are numbered by (first run, URL), so a report has
the same id (and page) in every build.

Crawling edition 1 again into an archive that has seen edition 2 would undo edition 2's edits
(南湖 4→6→4), move the moved report back and remove the deleted one again — real changes
of what the replica serves, six new `changes` rows per build. A fresh build has each once.

- `--serve-port`: checked before anything is crawled; a busy port is one line naming `PORT=`.
- Only a demo archive is replaced: one holding a portal that is not in the demo seeds is
  left alone (one line, exit 2). The archive's one lock (archive/lock.py) is held throughout.
- The second crawl exits 1 because a portal of edition 2 yields no report (its report was
  deleted): expected here, and said so in one line; any other failure stops the build.
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import yaml

from archive import snapshot
from archive.lock import ArchiveLock, ArchiveLocked
from archive.renumber import renumber_reports

ROOT = Path(__file__).resolve().parent.parent
# What edition 2 takes away (replica/SOURCES.md): these portals yield no report in its crawl.
EDITION_2_EMPTY = {"replica-shuyang": "its one report is deleted (404)",
                   "replica-pingtan-old": "its one report redirects to the homepage"}


class DemoError(Exception):
    """One line for the operator; the demo archive is left as it was."""


def port_busy(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def crawl_command(seeds: Path, db: Path) -> list[str]:
    scrapy = Path(sys.executable).parent / "scrapy"
    return [str(scrapy), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db}",
            # our own local replica: no need to wait; the crawl summary is what to read
            "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=WARNING"]


def crawl_edition(edition: int, seeds: Path, db: Path, sites: list[str]) -> int:
    print(f"== demo: crawling the replica, edition {edition} ==", flush=True)
    where = [a for site in sites for a in ("--site", site)]
    return subprocess.call([sys.executable, "-m", "replica", "--edition", str(edition), *where, "--with", "--",
                            *crawl_command(seeds, db)], cwd=ROOT)


def not_demo_portals(target: Path, seeds: Path) -> list[str]:
    """Portals of an existing archive that the demo seeds do not have."""
    if not target.exists():
        return []
    ours = {entry.get("id") for entry in yaml.safe_load(seeds.read_text(encoding="utf-8")) or []}
    try:
        with sqlite3.connect(f"file:{target}?mode=ro", uri=True) as conn:
            have = [r[0] for r in conn.execute("select id from portals order by id")]
    except sqlite3.DatabaseError:
        return []  # no portals table: nothing of value to keep
    return [p for p in have if p not in ours]


def failed_portals(db: Path) -> dict[str, str]:
    """Portals of the archive's last run that are not ok: {portal: status}."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        return dict(conn.execute(
            "select portal, status from crawl_runs where run = (select max(run) from crawl_runs) "
            "and status not in ('ok', 'ok_with_errors')").fetchall())


def install(build: Path, target: Path) -> None:
    """The built archive becomes ARCHIVE_DB: WARC files moved beside it, then the working file
    and the published file replaced (the published one atomically)."""
    warcs = target.parent / "warcs"
    warcs.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(build) as conn:
        wanted = {Path(r[0]).name for r in conn.execute("select distinct warc_file from captures")}
    for name in sorted(wanted):
        os.replace(build.parent / "warcs" / name, warcs / name)
    working = snapshot.working_path(target)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{working}{suffix}").unlink(missing_ok=True)
    snapshot.publish(build, working)  # the next `make crawl` on ARCHIVE_DB continues from it
    snapshot.publish(build, target)
    for old in warcs.glob("capture-*.warc.gz"):  # earlier demo builds' files: nothing points at them
        if old.name not in wanted:
            old.unlink()


def build_demo(target: Path, seeds: Path, sites: list[str] = ()) -> None:
    foreign = not_demo_portals(target, seeds)
    if foreign:
        raise DemoError(f"{target} holds portals that are not the replica's ({', '.join(foreign[:3])}"
                        f"{' …' if len(foreign) > 3 else ''}): the demo rebuilds only a demo archive; "
                        f"use ARCHIVE_DB=demo.db")
    build_dir = target.parent / f".{target.stem}.demo-build"
    shutil.rmtree(build_dir, ignore_errors=True)
    build_dir.mkdir(parents=True)
    build = build_dir / target.name
    try:
        if crawl_edition(1, seeds, build, sites) != 0:
            raise DemoError("the crawl of edition 1 failed (see above); the archive is unchanged")
        status = crawl_edition(2, seeds, build, sites)
        failed = failed_portals(build) if build.exists() else {}
        unexpected = {p: s for p, s in failed.items() if p not in EDITION_2_EMPTY or s != "no_reports"}
        if status not in (0, 1) or unexpected:
            raise DemoError(f"the crawl of edition 2 failed (exit {status}"
                            f"{', ' + str(unexpected) if unexpected else ''}); the archive is unchanged")
        for portal in failed:
            print(f"== demo: {portal} is no_reports in edition 2 as intended: {EDITION_2_EMPTY[portal]} "
                  f"(the crawl's exit status 1 says so for cron) ==", flush=True)
        renumber_reports(build)  # the same ids in every build (the crawl's order varies)
        install(build, target)
    finally:
        shutil.rmtree(build_dir, ignore_errors=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replica.demo", description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds" / "demo.yml")
    parser.add_argument("--serve-port", type=int, help="the port Datasette will serve on (checked first)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--site", action="append", default=[], metavar="NAME=PORT",
                        help="serve a replica site on another port (as python -m replica; the seeds must match)")
    args = parser.parse_args(argv)
    target = args.db.resolve()
    if args.serve_port is not None and port_busy(args.host, args.serve_port):
        print(f"demo: port {args.serve_port} is busy (another Datasette?); choose another one: "
              f"make demo PORT={args.serve_port + 1}", file=sys.stderr)
        return 2
    try:
        with ArchiveLock(target, "demo build"):
            build_demo(target, args.seeds.resolve(), args.site)
    except (ArchiveLocked, DemoError) as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 2 if isinstance(exc, DemoError) else 75
    print(f"== demo: {target} built: the replica's two editions ==", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
