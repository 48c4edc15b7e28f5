"""Only the portal's own hosts are ever requested: a downloader middleware that runs before
robots.txt and redirects are handled, so a link, a redirect or a robots.txt fetch towards
another domain, a private address or another scheme is dropped before it leaves — and
recorded (stage `scope`)."""
from __future__ import annotations

from scrapy.exceptions import IgnoreRequest

from .seeds import in_scope


class OffScope(IgnoreRequest):
    """A request to a host outside the portal's allowed hosts: not sent."""


class ScopeMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request, spider=None):
        spider = self.crawler.spider
        portal = getattr(spider, "portals", {}).get(request.meta.get("portal"))
        if portal is None or in_scope(portal, request.url, any_path=True):  # hosts decide here
            return None
        from .session import CrawlSession

        came_from = request.meta.get("redirect_urls", [None])[0]
        how = f"redirected from {came_from}" if came_from else "linked"
        CrawlSession.of(self.crawler).error(
            portal["id"], request.url, "scope",
            f"off the portal's hosts ({how}); not requested")
        raise OffScope(f"{request.url} is off the portal's hosts")
