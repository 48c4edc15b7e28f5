"""The gate in Scrapy's downloader: a middleware that runs first, before robots.txt and
redirects are handled, so every request — a link, each hop of a redirect, robots.txt and
sitemap requests and their redirects — is checked against its portal's scope (crawler/gate.py)
before it leaves. A request without a portal (Scrapy's robots.txt request) is attributed to
the portal whose hosts hold it, or refused. A name resolving inward is refused after DNS by
crawler/gate_resolver.py; that refusal reaches the spider as `OffScope` too.

Refusals are recorded once per portal and reason, with a count (CrawlSession.refuse)."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from .gate import NO_PORTAL, portal_for, portal_of, scope_of
from .gate_resolver import refusal_of, trust
from .progress import left_downloader


class OffScope(IgnoreRequest):
    """A request the gate refused: not sent."""


class ScopeMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _refuse(self, portal_id, url: str, reason: str, request=None):
        from .session import CrawlSession

        CrawlSession.of(self.crawler).refuse(portal_id, url, reason)
        if request is not None:  # not sent: its portal may be done (crawler/progress.py)
            left_downloader(self.crawler, request)
        raise OffScope(f"{url}: {reason}; not requested")

    def process_request(self, request, spider=None):
        portals = getattr(self.crawler.spider, "portals", {})
        portal_id = request.meta.get("portal")
        portal = portal_of(portals, portal_id)
        if portal is None:  # robots.txt, or anything else sent without a portal
            portal_id = portal_for(portals, request.url)
            if portal_id is None:
                self._refuse(None, request.url, NO_PORTAL, request)
            request.meta["portal"] = portal_id
            trust(scope_of(portals[portal_id]).trusted)
            if request.meta.get("dont_obey_robotstxt"):  # Scrapy's robots.txt request: capped
                request.meta.setdefault("download_maxsize", self.crawler.settings.getint("ROBOTSTXT_MAXSIZE"))
            return None
        trust(scope_of(portal).trusted)  # the hosts this seed names may resolve inward
        reason = scope_of(portal).refusal(request.url, any_path=True)  # hosts decide here
        if reason is not None:
            came_from = request.meta.get("redirect_urls", [None])[0]
            self._refuse(portal_id, request.url + (f" (redirected from {came_from})" if came_from else ""),
                         reason + (" (by a redirect)" if came_from else ""), request)
        return None

    def process_exception(self, request, exception, spider=None):
        """A refusal after DNS (gate_resolver): recorded like the others."""
        reason = refusal_of(request.url)
        if reason is not None:
            self._refuse(request.meta.get("portal"), request.url, reason)
        return None
