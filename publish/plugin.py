"""The archive's Datasette plugin: Chinese search (registered as an entry point in pyproject.toml;
publish/__init__.py gathers the hooks of the package's modules).

- Chinese search: `escape_fts` — the function Datasette's search box and ?_search= pass the
  query through — is replaced by the bigram phrase query of archive/search.py.
- Search snippets: SQL function `search_snippet(text, q)` (the text around the first match,
  in the original characters, the match in 【】) for the `search` query, which ranks by
  FTS5's bm25 (title, organ and text weighted) and builds snippets for its 100 best only.
- Ranked search: the reports table's search box (HTML, no explicit sort) leads to the `search`
  query, which orders matches by relevance (BM25); Datasette's table view cannot rank.

The other modules: site.py (the database served, whatever its name; the base URL),
render.py (cells: links to report pages, labels, numbers), pages.py and front.py (the front
page, the report page, scripts), archived.py (archived copies), feeds.py (Atom).
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlencode

from datasette import hookimpl

from archive.search import match_query

from . import bidi, excel, feeds, limits, render, site

SNIPPET_WIDTH = 40  # characters shown on each side of a match


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so ours wins
def prepare_connection(conn, database, datasette):
    register_functions(conn, database, datasette)


def register_functions(conn, database: str, datasette=None) -> None:
    """Every SQL function of the site (also for SQL run outside Datasette, e.g. the bench),
    bounded: no query allocates more than limits.MAX_LENGTH, no function reads a huge input."""
    limits.set_limits(conn)
    conn.create_function("escape_fts", 1, limits.query_function(match_query))
    conn.create_function("bigram_query", 1, limits.query_function(match_query))
    conn.create_function("search_snippet", 2, limits.snippet_function(search_snippet), deterministic=True)
    render.register_functions(conn, database)
    feeds.register_functions(conn, datasette)


def _term_pattern(term: str) -> re.Pattern:
    """A term found across white space and line breaks (PDF text breaks lines inside words)."""
    return re.compile(r"\s*".join(re.escape(ch) for ch in term if not ch.isspace()), re.IGNORECASE)


def search_snippet(text, query) -> str | None:
    """The text around the first match of the query's first term found, match in 【】."""
    text = text or ""
    for term in (query or "").split():
        m = _term_pattern(term).search(text)
        if m:
            before = text[max(0, m.start() - SNIPPET_WIDTH):m.start()]
            after = text[m.end():m.end() + SNIPPET_WIDTH]
            out = ("…" if m.start() > SNIPPET_WIDTH else "") + before + "【" + m.group(0) + "】" + after \
                + ("…" if m.end() + SNIPPET_WIDTH < len(text) else "")
            return re.sub(r"\s+", " ", out)
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def ranked_search(scope, receive, send):
            database = site.archive_name(datasette)
            if scope.get("type") == "http" and scope.get("path") == f"/{database}/reports":
                args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
                query = (args.get("_search") or [""])[0].strip()
                # the table's form sends _sort=id (its default order) with the search box: not a chosen sort
                chosen = [v for k in ("_sort", "_sort_desc") for v in args.get(k, []) if v != "id"]
                if query and not chosen and "_sort_desc" not in args:
                    location = f"/{quote(database)}/search?" + urlencode({"q": query})
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [[b"location", location.encode("ascii")], [b"content-length", b"0"]]})
                    await send({"type": "http.response.body", "body": b""})
                    return
            moved = render.report_row_location(database, scope.get("path", "")) if scope.get("type") == "http" else None
            if moved:  # a report_summary row is a report: its page is the report page
                await send({"type": "http.response.start", "status": 302,
                            "headers": [[b"location", quote(moved).encode("ascii")], [b"content-length", b"0"]]})
                await send({"type": "http.response.body", "body": b""})
                return
            if feeds.is_feed(scope):  # answered as if addressed to the base URL, never the Host header
                scope = feeds.public_scope(datasette, scope)
            await app(scope, receive, send)
        return bidi.without_direction_controls(
            limits.bounded_headers(limits.only_reads(limits.bounded_sql(excel.with_bom(ranked_search)))))
    return wrap
