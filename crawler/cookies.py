"""Cookies: one jar per portal (two portals on one host never share cookies: one that sets
kilobytes of `Path=/` cookies cannot make the other's requests too large), bounded as browsers
bound theirs, and the public suffix list that tldextract bundles, never a download (Scrapy's
own instance would try to fetch the list on the first cookie: tracebacks without internet).

Bounds (settings): a cookie whose name and value pass COOKIE_MAX_BYTES (4096, RFC 6265's
minimum a browser keeps) is not kept, nor one past COOKIES_PER_DOMAIN (180, Chromium's) for
its domain, and the Cookie header a request sends is cut at COOKIE_HEADER_MAXSIZE (16 KiB):
a homepage setting 5,000 cookies cannot make every later request of its portal too large to
be answered. The first cut of a portal is one
`errors` row (stage `cookie`).

A portal's jar starts with the cookies its firewall challenge earned in an earlier run
(archive/challenge_cookies.py), so a re-crawl is not challenged again while they hold."""
from __future__ import annotations

from http.cookiejar import Cookie

from scrapy.downloadermiddlewares import cookies as scrapy_cookies
from tldextract import TLDExtract

# Scrapy reads the public suffixes through this module-level instance: the offline one.
scrapy_cookies._split_domain = TLDExtract(suffix_list_urls=(), cache_dir=None, include_psl_private_domains=True)


class PortalCookiesMiddleware(scrapy_cookies.CookiesMiddleware):
    @classmethod
    def from_crawler(cls, crawler):
        o = super().from_crawler(crawler)
        settings = crawler.settings
        o.max_bytes = settings.getint("COOKIE_MAX_BYTES", 4096)
        o.per_domain = settings.getint("COOKIES_PER_DOMAIN", 180)
        o.header_max = settings.getint("COOKIE_HEADER_MAXSIZE", 16384)
        o._recorded: set = set()
        o._started: set = set()  # portals whose jar has been given its kept cookies
        return o

    def process_request(self, request, spider=None):
        if "cookiejar" not in request.meta and request.meta.get("portal"):
            request.meta["cookiejar"] = request.meta["portal"]
        portal = request.meta.get("portal")
        if portal and portal not in self._started:
            self._started.add(portal)
            self._start_jar(request.meta["cookiejar"], portal)
        result = super().process_request(request)
        header = request.headers.get("Cookie")
        if header and len(header) > self.header_max:
            kept = header[:self.header_max + 2].rsplit(b"; ", 1)[0] if b"; " in header[:self.header_max + 2] else b""
            if kept:
                request.headers["Cookie"] = kept
            else:
                request.headers.pop("Cookie", None)
            self._record(request, "header", f"Cookie header of {len(header)} bytes cut to {len(kept)} "
                                  f"(COOKIE_HEADER_MAXSIZE {self.header_max})")
        return result

    @classmethod
    def of(cls, crawler) -> "PortalCookiesMiddleware | None":
        """The crawl's instance (the challenge middleware reads the jar through it)."""
        return next((m for m in crawler.engine.downloader.middleware.middlewares if isinstance(m, cls)), None)

    def sent_cookies(self, request) -> list[dict]:
        """The jar's cookies a request was sent with, as a browser context lists them."""
        sent = dict(part.strip().partition("=")[::2]
                    for part in (request.headers.get("Cookie") or b"").decode("latin-1").split(";") if part.strip())
        jar = self.jars.get(request.meta.get("cookiejar"))
        return [] if jar is None else [
            {"name": c.name, "value": c.value, "domain": c.domain, "path": c.path,
             "expires": c.expires or -1, "secure": c.secure} for c in jar.jar if sent.get(c.name) == c.value]

    def _start_jar(self, key, portal: str) -> None:
        from .session import CrawlSession

        if not self.crawler.settings.get("ARCHIVE_DB"):
            return  # no archive, nothing kept (a jar used on its own)
        kept = CrawlSession.of(self.crawler).kept_cookies.get(portal)
        for c in (kept or {}).get("cookies", []):
            domain = (c.get("domain") or "").strip()
            if not domain or not c.get("name"):
                continue
            expires = float(c.get("expires") or -1)
            self.jars[key].set_cookie(Cookie(
                0, c["name"], c.get("value") or "", None, False, domain, True, domain.startswith("."),
                c.get("path") or "/", True, bool(c.get("secure")), int(expires) if expires > 0 else None,
                expires <= 0, None, None, {}))

    def _process_cookies(self, cookies, *, jar, request):
        kept = []
        held = {}  # domain -> cookies the jar holds for it
        for cookie in cookies:
            if len(cookie.name or "") + len(cookie.value or "") > self.max_bytes:
                self._record(request, "size", f"a cookie over {self.max_bytes} bytes not kept (COOKIE_MAX_BYTES)")
                continue
            domain = cookie.domain or (request.url.split("/")[2].split(":")[0])
            if domain not in held:
                held[domain] = sum(len(names) for names in jar.jar._cookies.get(domain, {}).values())
            known = cookie.name in jar.jar._cookies.get(domain, {}).get(cookie.path, {})
            if held[domain] >= self.per_domain and not known:  # an update of a kept cookie is kept
                self._record(request, "count", f"cookies past {self.per_domain} for {domain} not kept (COOKIES_PER_DOMAIN)")
                continue
            held[domain] += not known
            kept.append(cookie)
        super()._process_cookies(kept, jar=jar, request=request)

    def _record(self, request, kind: str, message: str) -> None:
        """Once per portal and kind of cut: the crawl goes on with the cookies kept."""
        from .session import CrawlSession

        portal = request.meta.get("portal")
        key = (portal, kind)
        if key in self._recorded:
            return
        self._recorded.add(key)
        CrawlSession.of(self.crawler).error(portal, request.url, "cookie",
                                            f"cookie jar bounded as a browser's: {message}; the crawl goes on")
