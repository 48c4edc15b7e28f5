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
        self._notes: dict = defaultdict(lambda: defaultdict(list))  # (portal, column) -> route -> ["page 2 by form post"]

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

    def portal_note(self, portal: str, note: str) -> None:
        """A line about the portal as a whole (a challenge passed)."""
        notes = self._notes[(portal, None)]["-"]
        if note not in notes:
            notes.append(note)

    def note(self, portal: str, column: str, route: str, note: str) -> None:
        notes = self._notes[self._column(portal, column)][route]
        if note not in notes:
            notes.append(note)

    def columns(self, portal: str) -> list[str]:
        return list(self._order.get(portal, []))

    def browser_only(self, portal: str, column: str) -> set | None:
        """Report links the browser saw on this column that no other route found (None when
        the browser did not render it)."""
        routes = self._links.get((portal, column), {})
        if "browser" not in routes:
            return None
        others = set().union(*[urls for route, urls in routes.items() if route != "browser"])
        return routes["browser"] - others

    def count(self, portal: str, column: str, route: str) -> int:
        return len(self._links.get((portal, column), {}).get(route, ()))

    def summary(self, portal: str) -> str | None:
        lines = list(self._notes.get((portal, None), {}).get("-", []))
        for column in self._order.get(portal, []):
            key = (portal, column)
            notes = self._notes.get(key, {})
            found = [f"{route}: {len(urls)} links" + (f" ({', '.join(notes[route])})" if notes.get(route) else "")
                     for route, urls in self._links.get(key, {}).items()]
            steps = self._failures.get(key, []) + (["; ".join(found)] if found else ["no report links"])
            parts = urlsplit(column)
            where = (parts.path or "/") + (f"#{parts.fragment}" if parts.fragment else "")
            lines.append(f"{where}: {' → '.join(steps)}")
        return "\n".join(lines) or None
