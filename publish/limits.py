"""The public site's limits, which hold whatever a reader sends:
- every SQLite connection gets hard limits (`setlimit`): no string or blob over
  MAX_LENGTH, no SQL text over MAX_SQL_LENGTH, … so `replace(hex(zeroblob(250000000)),…)`
  fails at once instead of allocating gigabytes;
- the plugin's Python SQL functions refuse oversized inputs (SQLite's time limit cannot
  interrupt a Python function, so each call must be short by itself);
- the site is read-only: any method but GET, HEAD and OPTIONS answers 405;
- an id in a URL that SQLite cannot hold answers 404, never 500;
- no response header is longer than MAX_HEADER_BYTES: Datasette's alternate-JSON `Link`
  header repeats the whole query string, and a long query would make a header that clients
  and proxies refuse (nginx's buffers are 4–8 KB); such a header is left out;
- arbitrary SQL (`?sql=`) runs on a smaller time budget than the site's own pages and canned
  queries (ARBITRARY_SQL_TIME_LIMIT_MS), at most ARBITRARY_SQL_AT_ONCE at a time, so hostile
  queries can never hold every one of Datasette's SQL threads (publish/serve.py
  num_sql_threads): the site's pages are answered meanwhile."""
from __future__ import annotations

import asyncio
import functools
import sqlite3
from urllib.parse import parse_qsl, urlencode

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
ARBITRARY_SQL_TIME_LIMIT_MS = 1000  # the site's pages and canned queries: sql_time_limit_ms (3 s)
ARBITRARY_SQL_AT_ONCE = 2  # of publish/serve.py's num_sql_threads
ARBITRARY_SQL_WAIT_S = 30  # longer in the queue: 429, try later
MAX_HEADER_BYTES = 4096


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


def bounded_headers(app):
    """An ASGI wrapper: response headers over MAX_HEADER_BYTES are left out."""
    async def wrapped(scope, receive, send):
        async def send_bounded(message):
            if message.get("type") == "http.response.start":
                message = {**message, "headers": [h for h in message.get("headers", [])
                                                  if len(h[0]) + len(h[1]) <= MAX_HEADER_BYTES]}
            await send(message)
        await app(scope, receive, send_bounded if scope.get("type") == "http" else send)
    return wrapped


def bounded_sql(app):
    """An ASGI wrapper: a request carrying arbitrary SQL gets the smaller time budget (Datasette's
    `_timelimit`, which can only lower the limit) and waits for one of ARBITRARY_SQL_AT_ONCE places."""
    places: list = []  # the semaphore, made on the server's own event loop

    async def wrapped(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        args = parse_qsl(scope.get("query_string", b"").decode("utf-8", "replace"), keep_blank_values=True)
        if not any(k == "sql" for k, _ in args):
            return await app(scope, receive, send)
        args = [(k, v) for k, v in args if k != "_timelimit"] + [("_timelimit", str(ARBITRARY_SQL_TIME_LIMIT_MS))]
        scope = dict(scope, query_string=urlencode(args).encode("ascii"))
        if not places:
            places.append(asyncio.Semaphore(ARBITRARY_SQL_AT_ONCE))
        try:
            await asyncio.wait_for(places[0].acquire(), ARBITRARY_SQL_WAIT_S)
        except asyncio.TimeoutError:
            body = b"429 Too Many Requests: too many SQL queries at once; try again shortly\n"
            await send({"type": "http.response.start", "status": 429,
                        "headers": [[b"content-type", b"text/plain; charset=utf-8"], [b"retry-after", b"5"],
                                    [b"content-length", str(len(body)).encode()]]})
            await send({"type": "http.response.body", "body": body})
            return
        try:
            await app(scope, receive, send)
        finally:
            places[0].release()
    return wrapped
