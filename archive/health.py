"""Whether a file is an archive a command may open: one clear line for every command
(crawl, serve, reextract) when it is not — missing, empty, truncated, not SQLite, or SQLite
without the archive's tables — instead of a traceback."""
from __future__ import annotations

import sqlite3
from pathlib import Path

SQLITE_HEADER = b"SQLite format 3\x00"


def not_an_archive(path: Path) -> str | None:
    """Why an SQLite file is not an archive, or None."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
            missing = {"reports", "captures"} - tables
            if missing:
                return f"an SQLite database, but not an archive (no {', '.join(sorted(missing))} table)"
            conn.execute("select max(id) from captures").fetchone()
    except sqlite3.DatabaseError as exc:
        return f"the database cannot be read ({exc})"
    return None


def archive_problem(path: Path, missing_ok: bool = False) -> str | None:
    """Why `path` cannot be used as the archive, or None (`missing_ok`: a crawl creates one)."""
    path = Path(path)
    if not path.exists():
        return None if missing_ok else "no archive there"
    if not path.is_file():
        return "not a file"
    try:
        with open(path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if header != SQLITE_HEADER:
        return f"not an SQLite database ({'empty file' if not header else 'no SQLite header'})"
    try:
        size = path.stat().st_size
        with open(path, "rb") as f:
            f.seek(16)
            page_size = int.from_bytes(f.read(2), "big") or 65536
            f.seek(28)
            pages = int.from_bytes(f.read(4), "big")
        if page_size == 1:
            page_size = 65536
        if pages and size < pages * page_size:
            return f"truncated ({size} bytes of the {pages * page_size} its header declares)"
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    return not_an_archive(path)
