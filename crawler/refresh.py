"""Meta refresh as a person meets it: a page that refreshes after a delay is seen first, so it is
read for its links and the refresh is followed beside it; a page whose refresh the gate refuses
(off the portal, inward) is read as it stands — the refusal recorded once, as every refusal is
(Scrapy's own middleware replaces the page by the refresh, so a list page carrying a refresh
to a refused address was lost)."""
from __future__ import annotations

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse
from scrapy.utils.response import get_meta_refresh

from .gate import portal_of, scope_of


class PageKeepingMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's, except that a page is replaced by its refresh only when the refresh is at once
    and admitted (Scrapy's from_crawler sets self.crawler)."""

    def process_response(self, request, response, spider=None):
        if (request.meta.get("dont_redirect") or request.method == "HEAD"
                or not isinstance(response, HtmlResponse) or not request.url.startswith(("http:", "https:"))):
            return response
        interval, url = get_meta_refresh(response, ignore_tags=self._ignore_tags)
        if not url or interval >= self._maxdelay or not url.startswith(("http:", "https:")):
            return response
        refusal = self._refusal(request, url)
        if refusal is not None:
            from .session import CrawlSession

            CrawlSession.of(self.crawler).refuse(request.meta.get("portal"), f"{url} (meta refresh of {response.url})",
                                                 refusal + " (by a meta refresh)")
            return response
        try:
            redirected = self._redirect(self._redirect_request_using_get(request, response, url), request,
                                        "meta refresh")
        except IgnoreRequest:  # too many redirections: the page as it stands
            return response
        if interval <= 0:
            return redirected
        self.crawler.engine.crawl(redirected)  # delayed: the page is read, and the refresh followed too
        return response

    def _refusal(self, request, url: str) -> str | None:
        portals = getattr(self.crawler.spider, "portals", None) or {}
        portal = portal_of(portals, request.meta.get("portal"))
        return None if portal is None else scope_of(portal).refusal(url, any_path=True)
