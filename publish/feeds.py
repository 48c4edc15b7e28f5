"""Atom feeds (datasette-atom renders the canned queries new_reports, recent_changes,
new_failures) made valid and independent of the Host header:

- entry ids are tag: URIs (RFC 4151) on the configured base URL's host — `atom_tag('report', 7)`
  -> tag:archive.example.org,2026:report/7 — and links are absolute on the base URL
  (`public_url(report_path(id))`);
- every entry names its author (the organ that published the report, `atom_author_name`);
- a feed request is answered as if it came to the base URL, so the feed's own id and self link
  (which datasette-atom takes from the request) never carry a client's Host header.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from . import site


def register_functions(conn, datasette) -> None:
    base = site.base_url(datasette)
    authority = site.tag_authority(datasette)

    def atom_tag(*parts):
        return f"tag:{authority},{site.TAG_DATE}:" + "/".join(str(p) for p in parts if p is not None)

    conn.create_function("atom_tag", -1, atom_tag, deterministic=True)
    conn.create_function("public_url", 1, lambda path: None if path is None else base + str(path),
                         deterministic=True)


def is_feed(scope) -> bool:
    return scope.get("type") == "http" and scope.get("path", "").endswith(".atom")


def public_scope(datasette, scope) -> dict:
    """The request as if addressed to the base URL (scheme, host), whatever Host it carried."""
    base = urlsplit(site.base_url(datasette))
    headers = [[k, v] for k, v in scope.get("headers") or [] if k.lower() != b"host"]
    headers.append([b"host", base.netloc.encode("ascii", "ignore") if base.netloc else b"localhost"])
    return dict(scope, scheme=base.scheme or "http", headers=headers)


def _answer_empty_feeds() -> None:
    """datasette-atom takes the feed's `updated` from max() of its entries: a feed with no entry
    (a new archive: no change, no failing check yet) answered 500. Such a feed is answered as a
    valid Atom feed with no entries, updated now."""
    import datasette_atom

    original = datasette_atom.render_atom
    if getattr(original, "answers_empty", False):
        return

    def render_atom(datasette, request, sql, columns, rows, database, table, query_name, view_name, data):
        if rows:
            return original(datasette, request, sql, columns, rows, database, table, query_name, view_name, data)
        import datetime

        from datasette.utils.asgi import Response
        from feedgen.feed import FeedGenerator

        fg = FeedGenerator()
        fg.id(request.url)
        fg.link(href=request.url, rel="self")
        fg.updated(datetime.datetime.now(datetime.timezone.utc))
        try:
            title = datasette.metadata(database=database)["queries"][query_name]["title"]
        except (KeyError, TypeError):
            title = query_name or table or "feed"
        fg.title(title)
        return Response(fg.atom_str(pretty=True), content_type="application/xml; charset=utf-8", status=200)

    render_atom.answers_empty = True
    datasette_atom.render_atom = render_atom  # read by its register_output_renderer when Datasette starts


_answer_empty_feeds()
