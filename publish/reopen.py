"""The pages show the snapshot `/<name>.db` downloads: a published snapshot is reopened.

A crawl publishes a new archive by renaming a new file over the served one
(archive/snapshot.py). Datasette opened the old file (`--immutable`) and would keep showing
its inode while the download link serves the new file. Before each request this plugin
compares the served path's inode and modification time with those of the file it opened;
when they differ, the database is opened again under the same name (a `stat` per request;
pages already being answered finish on the old file).
"""
from __future__ import annotations

import asyncio
import os

from datasette import hookimpl
from datasette.database import Database, connections


def _identity(path: str) -> tuple | None:
    try:
        st = os.stat(path)
    except OSError:
        return None  # between unlink and rename, or gone: keep what is open
    return (st.st_ino, st.st_mtime_ns, st.st_size)


class SnapshotDatabase(Database):
    """A database opened from one snapshot file. Datasette keeps one connection per thread
    and database name; a thread still holding the previous snapshot's closes it and opens
    this one's (so an old file is not kept open for ever)."""

    async def execute_fn(self, fn):
        if self.ds.executor is None:
            return await super().execute_fn(fn)

        def in_thread():
            held = getattr(connections, self.name, None)
            if not (isinstance(held, tuple) and held[0] is self):
                if held is not None:
                    (held[1] if isinstance(held, tuple) else held).close()
                conn = self.connect()
                self.ds._prepare_connection(conn, self.name)
                held = (self, conn)
                setattr(connections, self.name, held)
            return fn(held[1])

        return await asyncio.get_event_loop().run_in_executor(self.ds.executor, in_thread)


def _opened(datasette) -> dict[str, tuple]:
    """Database name -> identity of the file it was opened from."""
    if not hasattr(datasette, "_archive_files_opened"):
        datasette._archive_files_opened = {}
    return datasette._archive_files_opened


def reopen_published(datasette) -> list[str]:
    """Reopen every file-backed immutable database whose file was replaced; their names."""
    seen, reopened = _opened(datasette), []
    for name, db in list(datasette.databases.items()):
        if not db.path or db.is_mutable or db.is_memory:
            continue
        now = _identity(db.path)
        if now is None:
            continue
        before = seen.setdefault(name, now)
        if now == before:
            continue
        fresh = SnapshotDatabase(datasette, path=db.path, is_mutable=False)
        datasette.remove_database(name)
        datasette.add_database(fresh, name=name, route=db.route)
        seen[name] = now
        reopened.append(name)
    return reopened


@hookimpl
def startup(datasette):
    reopen_published(datasette)  # notes the files as opened


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def checked(scope, receive, send):
            if scope.get("type") == "http":
                reopen_published(datasette)
            await app(scope, receive, send)
        return checked
    return wrap
