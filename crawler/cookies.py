"""Cookies: one jar per portal (two portals on one host never share cookies: one that sets
kilobytes of `Path=/` cookies cannot make the other's requests too large), and the public
suffix list that tldextract bundles, never a download (Scrapy's own instance would try to
fetch the list on the first cookie: tracebacks without internet)."""
from __future__ import annotations

from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from tldextract import TLDExtract

# Scrapy reads the public suffixes through this module-level instance: the offline one.
scrapy_cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


class PortalCookiesMiddleware(scrapy_cookies.CookiesMiddleware):
    def process_request(self, request, spider=None):
        if "cookiejar" not in request.meta and request.meta.get("portal"):
            request.meta["cookiejar"] = request.meta["portal"]
        return super().process_request(request)
