"""Time bounds: no portal holds the crawl past PORTAL_TIME_LIMIT, no URL past URL_TIME_LIMIT.

A portal whose first request is older than PORTAL_TIME_LIMIT seconds is cut off: none of its
requests is sent any more (queued ones are dropped), the limit is recorded once (stage
`limit`) and the portal ends `incomplete` with the reason, while the other portals finish
and are published. Each URL's attempts together (retries of a slow answer included) get
URL_TIME_LIMIT seconds: a retry is not made past it, and the last attempt's timeout is
what remains (crawler/retry.py reads `url_deadline`)."""
from __future__ import annotations

import time

from .scope import OffScope


class PortalCutOff(OffScope):
    """A request of a portal that held the crawl past PORTAL_TIME_LIMIT: not sent (recorded
    once, like a refusal of the gate: the spider's errback passes it over)."""


class WatchdogMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.portal_limit = crawler.settings.getfloat("PORTAL_TIME_LIMIT")
        self.url_limit = crawler.settings.getfloat("URL_TIME_LIMIT")
        self.started: dict[str, float] = {}
        self.cut: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        now = time.time()
        if self.url_limit:
            request.meta.setdefault("url_deadline", now + self.url_limit)
        portal = request.meta.get("portal")
        if not portal or not self.portal_limit:
            return None
        started = self.started.setdefault(portal, now)
        if portal in self.cut or now - started > self.portal_limit:
            if portal not in self.cut:
                self._cut_off(portal, request.url)
            raise PortalCutOff(f"{request.url}: portal {portal} cut off (PORTAL_TIME_LIMIT)")
        return None

    def _cut_off(self, portal: str, url: str) -> None:
        from .session import CrawlSession

        self.cut.add(portal)
        reason = f"PORTAL_TIME_LIMIT ({self.portal_limit:.0f} s) reached: cut off"
        limits = getattr(self.crawler.spider, "limits", None)
        if isinstance(limits, dict):
            limits.setdefault(portal, reason)
        CrawlSession.of(self.crawler).error(
            portal, url, "limit", f"{reason}; the portal held the crawl too long, the rest of it was not read")


def remaining(request, default: float) -> float:
    """Seconds left of the URL's URL_TIME_LIMIT (`default` when it has none)."""
    deadline = request.meta.get("url_deadline")
    return default if deadline is None else deadline - time.time()
