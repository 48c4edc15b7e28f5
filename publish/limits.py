"""The public site's limits, which hold whatever a reader sends:
- every SQLite connection gets hard limits (`setlimit`): no string or blob over
  MAX_LENGTH, no SQL text over MAX_SQL_LENGTH, … so `replace(hex(zeroblob(250000000)),…)`
  fails at once instead of allocating gigabytes;
- the plugin's Python SQL functions refuse oversized inputs (SQLite's time limit cannot
  interrupt a Python function, so each call must be short by itself);
- the site is read-only: any method but GET, HEAD and OPTIONS answers 405;
- an id in a URL that SQLite cannot hold answers 404, never 500."""
from __future__ import annotations

import functools
import sqlite3

MAX_LENGTH = 10 * 2**20  # bytes of any string or blob a query makes (SQLITE_LIMIT_LENGTH)
LIMITS = {
    sqlite3.SQLITE_LIMIT_LENGTH: MAX_LENGTH,
    sqlite3.SQLITE_LIMIT_SQL_LENGTH: 100_000,
    sqlite3.SQLITE_LIMIT_COLUMN: 500,
    sqlite3.SQLITE_LIMIT_EXPR_DEPTH: 200,
    sqlite3.SQLITE_LIMIT_COMPOUND_SELECT: 50,
    sqlite3.SQLITE_LIMIT_FUNCTION_ARG: 32,
    sqlite3.SQLITE_LIMIT_LIKE_PATTERN_LENGTH: 1000,
    sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER: 1000,
    sqlite3.SQLITE_LIMIT_TRIGGER_DEPTH: 10,
}
MAX_QUERY_CHARS = 1000  # a search query (escape_fts, bigram_query, search_snippet's q)
MAX_TEXT_CHARS = 2_000_000  # of a text search_snippet looks into (the longest report is far below)
MAX_SQLITE_INTEGER = 2**63 - 1
READ_METHODS = {"GET", "HEAD", "OPTIONS"}


class InputTooLarge(ValueError):
    pass


def set_limits(conn) -> None:
    for limit, value in LIMITS.items():
        conn.setlimit(limit, value)


def query_function(fn):
    """A one-argument SQL function of a search query: longer queries refused."""
    @functools.wraps(fn)
    def bounded(query):
        if query is not None and len(str(query)) > MAX_QUERY_CHARS:
            raise InputTooLarge(f"search query over {MAX_QUERY_CHARS} characters")
        return fn(query)
    return bounded


def snippet_function(fn):
    """search_snippet(text, q): the query bounded, the text looked into up to MAX_TEXT_CHARS."""
    @functools.wraps(fn)
    def bounded(text, query):
        if query is not None and len(str(query)) > MAX_QUERY_CHARS:
            raise InputTooLarge(f"search query over {MAX_QUERY_CHARS} characters")
        if isinstance(text, str) and len(text) > MAX_TEXT_CHARS:
            text = text[:MAX_TEXT_CHARS]
        return fn(text, query)
    return bounded


def sqlite_id(value: str) -> int | None:
    """A URL's numeric id, or None when SQLite could not hold it (answered 404)."""
    number = int(value)
    return number if number <= MAX_SQLITE_INTEGER else None


def only_reads(app):
    """An ASGI wrapper: the archive is read-only, so writes of any kind answer 405."""
    async def wrapped(scope, receive, send):
        if scope.get("type") == "http" and scope.get("method", "GET").upper() not in READ_METHODS:
            body = b"405 Method Not Allowed: this archive is read-only\n"
            await send({"type": "http.response.start", "status": 405,
                        "headers": [[b"content-type", b"text/plain; charset=utf-8"], [b"allow", b"GET, HEAD"],
                                    [b"content-length", str(len(body)).encode()]]})
            await send({"type": "http.response.body", "body": body})
            return
        await app(scope, receive, send)
    return wrapped
