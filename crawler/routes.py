"""Which route produced each report list, and why earlier routes failed.

Per list page (a portal's report column) the spider tries: the family's list API → static
links and pagination → the browser. Each try is noted here; at the end of the crawl one
line per portal says what happened, e.g.
    /xx/col/col5/index.html: jcms dataproxy answered 405 → browser: 7 links
so an operator can tell why a portal yielded nothing without reading the log.
"""
from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlsplit


class RouteLog:
    def __init__(self):
        self._failures: dict = defaultdict(list)  # (portal, column) -> ["jcms dataproxy answered 405", …]
        self._links: dict = defaultdict(lambda: defaultdict(set))  # (portal, column) -> route -> report URLs
        self._order: dict = defaultdict(list)  # portal -> columns in the order first seen

    def _column(self, portal: str, column: str) -> tuple:
        key = (portal, column)
        if column not in self._order[portal]:
            self._order[portal].append(column)
        return key

    def failed(self, portal: str, column: str, reason: str) -> None:
        key = self._column(portal, column)
        if reason not in self._failures[key]:
            self._failures[key].append(reason)

    def found(self, portal: str, column: str, route: str, report_urls) -> None:
        self._links[self._column(portal, column)][route].update(report_urls)

    def count(self, portal: str, column: str, route: str) -> int:
        return len(self._links.get((portal, column), {}).get(route, ()))

    def summary(self, portal: str) -> str | None:
        lines = []
        for column in self._order.get(portal, []):
            key = (portal, column)
            found = [f"{route}: {len(urls)} links" for route, urls in self._links.get(key, {}).items()]
            steps = self._failures.get(key, []) + (["; ".join(found)] if found else ["no report links"])
            parts = urlsplit(column)
            where = (parts.path or "/") + (f"#{parts.fragment}" if parts.fragment else "")
            lines.append(f"{where}: {' → '.join(steps)}")
        return "\n".join(lines) or None
