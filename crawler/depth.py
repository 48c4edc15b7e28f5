"""Scrapy's depth limit, recorded: the first link a portal loses to DEPTH_LIMIT is an error
(stage `budget`), so a crawl trap that ends there is never silent."""
from __future__ import annotations

from scrapy.spidermiddlewares.depth import DepthMiddleware


class RecordedDepthMiddleware(DepthMiddleware):
    def get_processed_request(self, request, response):
        processed = super().get_processed_request(request, response)
        portal = request.meta.get("portal")
        if processed is None and portal:
            from .session import CrawlSession

            session = CrawlSession.of(self.crawler)
            if not session.stats.get(portal, {}).get("depth_limited"):
                session.error(portal, request.url, "budget", f"depth limit of {self.maxdepth} links reached "
                              "(DEPTH_LIMIT): deeper links not followed")
            session.count(portal, "depth_limited")
        return processed
