"""The published file is a consistent snapshot of a working database.

A crawl (or a re-extraction) writes `<name>.working.db` beside the published file and, when
it ends, copies it with SQLite's online backup into a temporary file and renames that over
the published one. Datasette (serving the published file, immutable) therefore never sees a
half-run, and a crawl can run while Datasette serves. The working file is the archive's
truth; the published file is made from it. Both live in one folder, so the WARC paths
stored relative to it (`warcs/…`) hold for both.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path


def working_path(published: Path) -> Path:
    published = Path(published)
    return published.with_name(published.stem + ".working" + (published.suffix or ".db"))


def prepare_working(published: Path) -> Path:
    """The working database, started from the published one when there is none yet."""
    working = working_path(published)
    if not working.exists() and Path(published).exists():
        _backup(Path(published), working)
    return working


def publish(working: Path, published: Path) -> None:
    """Copy the working database to `published` atomically (backup, fsync, rename)."""
    published = Path(published)
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    _backup(Path(working), tmp)
    os.replace(tmp, published)
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _backup(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    src = sqlite3.connect(source)
    dst = sqlite3.connect(tmp)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")
        dst.commit()
    finally:
        dst.close()
        src.close()
    with open(tmp, "rb+") as f:
        os.fsync(f.fileno())
    os.replace(tmp, target)
