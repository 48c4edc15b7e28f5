"""The published file is a consistent snapshot of a working database.

A crawl (or a re-extraction) writes `<name>.working.db` beside the published file and, when
it ends, copies it with SQLite's online backup into a temporary file and renames that over
the published one. Datasette (serving the published file, immutable) therefore never sees a
half-run, and a crawl can run while Datasette serves. The working file is the archive's
truth; the published file is made from it. Both live in one folder, so the WARC paths
stored relative to it (`warcs/…`) hold for both.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


def working_path(published: Path) -> Path:
    published = Path(published)
    return published.with_name(published.stem + ".working" + (published.suffix or ".db"))


def prepare_working(published: Path) -> Path:
    """The working database, started from the published one when there is none yet."""
    working = working_path(published)
    remove_stale(published)
    if not working.exists() and Path(published).exists():
        _backup(Path(published), working)
    return working


class PublishFailed(Exception):
    """The working database could not be published (disk full, no permission): one line."""


def publish(working: Path, published: Path) -> None:
    """Copy the working database to `published` atomically (backup, fsync, rename). On
    failure nothing half-made is left, the published file is the one before, and
    PublishFailed says why in one line."""
    published = Path(published)
    tmp = published.with_name(f".{published.name}.{os.getpid()}.tmp")
    try:
        _backup(Path(working), tmp)
        os.replace(tmp, published)
    except (OSError, sqlite3.Error) as exc:
        _remove(tmp)
        raise PublishFailed(f"cannot publish {published}: {_why(exc)}") from None
    directory = os.open(published.parent, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _why(exc: Exception) -> str:
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC or "full" in str(exc).lower():
        return "the disk is full"
    if isinstance(exc, PermissionError) or (isinstance(exc, OSError) and exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS)) \
            or "readonly" in str(exc).lower() or "unable to open" in str(exc).lower():
        return f"no permission to write there ({exc})"
    return f"{type(exc).__name__}: {exc}"


def remove_stale(published: Path) -> list[Path]:
    """Temporary files of publishes and backups that were killed (their process is gone):
    removed, so a killed publish never leaves an archive-sized file behind for good."""
    published = Path(published)
    removed = []
    candidates = {p for name in (published.name, working_path(published).name)
                  for p in published.parent.glob(f"*.{name}.*")}
    for path in sorted(candidates):
        if not path.name.startswith(".") or not path.name.endswith((".tmp", ".part", "-journal", "-wal", "-shm")):
            continue
        pids = [int(part) for part in path.name.split(".") if part.isdigit()]
        if any(_alive(pid) for pid in pids):
            continue
        _remove(path)
        removed.append(path)
    return removed


def _remove(path: Path) -> None:
    """A temporary database and SQLite's files beside it."""
    for each in (path, path.with_name(path.name + "-journal"), path.with_name(path.name + "-wal"),
                 path.with_name(path.name + "-shm")):
        try:
            each.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only folder: nothing could have been written there either


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _backup(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
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
    except BaseException:
        _remove(tmp)
        raise
