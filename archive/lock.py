"""One writer per archive: an exclusive lock `<ARCHIVE_DB>.lock` beside the database.

Every command that writes an archive's working file or publishes it takes the same lock —
`make crawl`, `make archive` (the demo build), `make reextract`, the distributed loader — so
two of them on one database never meet as "database is locked": the second one says who
holds the lock and stops. The lock is a `flock`, so a killed holder releases it at once.
"""
from __future__ import annotations

import fcntl
import os
from pathlib import Path


class ArchiveLocked(Exception):
    """Another process writes this archive; the message names the lock and its holder."""


def lock_path(db_path: Path | str) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


class ArchiveLock:
    """`with ArchiveLock(db, "crawl"):` — held for the block; raises ArchiveLocked if taken."""

    def __init__(self, db_path: Path | str, command: str):
        self.path = lock_path(db_path)
        self.command = command
        self.handle = None

    def acquire(self) -> "ArchiveLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip()
            handle.close()
            raise ArchiveLocked(f"another command is writing this archive (lock {self.path}"
                                f"{', ' + holder if holder else ''})") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} ({self.command})\n")
        handle.flush()
        self.handle = handle
        return self

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()
            self.handle = None

    def __enter__(self) -> "ArchiveLock":
        return self.acquire()

    def __exit__(self, *exc) -> None:
        self.release()
