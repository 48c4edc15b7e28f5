"""The browser's requests fetched by Scrapy's own downloader: every request a rendered page
makes that the gate admits (crawler/gate_browser.py) — the document, frames, scripts,
stylesheets, fetch/XHR/JSONP — becomes a Scrapy request sent through the downloader
middlewares and the host's download slot, and its answer is handed to Chromium with
`route.fulfill`. So one place applies to all of them what applies to every request:

- the gate: the scope middleware, and the address check at connection time
  (crawler/gate_resolver.py) — the connection goes to the address that was checked, so a name
  whose DNS answer changes after the check cannot lead the browser inward;
- politeness: the host's slot (crawler/politeness.py: the same delay, shared by IP address)
  and, distributed, the same Redis lease (crawler/distributed/politeness.py); robots.txt;
- size: every answer capped at LIST_PAGE_MAXSIZE while it streams (Playwright's own fetch
  buffered a whole endless answer in its driver); a cut is recorded once per portal;
- cookies: the portal's one jar (the browser's Cookie header joins it, its Set-Cookie
  answers go to both), so a challenge's cookie earned in one page holds in the next.

Redirects are not followed here: the answer goes to Chromium as it came, the gate checks its
Location first, and Chromium asks for the target as a new request (which comes back here).
Retries are the page's business (a person's browser does not retry an XHR); the Scrapy
request that asked for the render is retried as any other. Capture stays with the spider's
answer catcher (crawler/spiders/rendering.py): these requests are not captured twice.
"""
from __future__ import annotations

import logging
from http.cookies import CookieError, SimpleCookie

import scrapy
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from twisted.internet.defer import CancelledError

from .gate import portal_for
from .size_caps import SizeCapExceeded

logger = logging.getLogger(__name__)
# Request headers Scrapy sets itself (its own compression: Chromium's list names zstd)
_OWN_HEADERS = {"host", "content-length", "connection", "accept-encoding", "cookie"}
# Answer headers that describe the bytes on the wire, not the decoded body fulfilled
_WIRE_HEADERS = {b"content-encoding", b"content-length", b"transfer-encoding"}


def _cookies(header: str) -> dict:
    jar = SimpleCookie()
    try:
        jar.load(header)
    except CookieError:
        return {}
    return {name: morsel.value for name, morsel in jar.items()}


def fulfill_headers(response) -> dict:
    """A Scrapy response's headers as `route.fulfill` takes them."""
    out: dict[str, str] = {}
    for name, values in response.headers.items():
        if name.lower() in _WIRE_HEADERS:
            continue
        # one value per name for Playwright; several Set-Cookie lines joined by a newline
        out[name.decode("latin-1")] = "\n".join(v.decode("latin-1") for v in values)
    return out


class ScrapyFetch:
    """`await fetch(route, headers, overrides, portal_id)`: fetch an admitted request of a page
    with the crawl's downloader and answer the route; the answer (for the gate's redirect
    check) or None when the route was aborted."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.maxsize = crawler.settings.getint("LIST_PAGE_MAXSIZE")
        self._cut: set = set()  # portals whose size cut is recorded

    def request(self, route, headers: dict, overrides: dict, portal_id, browser_cookie: str = "") -> scrapy.Request:
        req = route.request
        if portal_id is None:  # a popup's or a worker's request: the portal whose hosts hold it
            portal_id = portal_for(getattr(self.crawler.spider, "portals", None) or {}, req.url)
        body = overrides.get("post_data")
        if body is None:
            body = req.post_data_buffer
        if isinstance(body, str):
            body = body.encode("utf-8")
        kept = {k: v for k, v in headers.items() if k.lower() not in _OWN_HEADERS}
        # the cookies the request was sent with, and those the page's own scripts set
        # (scrapy-playwright gives a navigation the Scrapy request's headers): the jar's too
        cookie = next((v for k, v in headers.items() if k.lower() == "cookie"), "")
        return scrapy.Request(
            req.url, method=overrides.get("method") or req.method, headers=kept, body=body or b"",
            cookies={**_cookies(cookie), **_cookies(browser_cookie)}, dont_filter=True, priority=1000,
            meta={"portal": portal_id, "cookiejar": portal_id or "browser", "browser_fetch": req.resource_type,
                  "dont_redirect": True, "dont_retry": True, "handle_httpstatus_all": True,
                  # robots.txt was asked about the page; what the page loads belongs to it
                  # (and a robots.txt behind a challenge is passed by this very page)
                  "dont_obey_robotstxt": True, "download_maxsize": self.maxsize})

    async def __call__(self, route, headers: dict, overrides: dict, portal_id):
        try:
            browser_cookie = (await route.request.all_headers()).get("cookie", "")
        except Exception:  # noqa: BLE001 — the page went away: its request still goes out as asked
            browser_cookie = ""
        request = self.request(route, headers, overrides, portal_id, browser_cookie)
        portal_id = request.meta["portal"]
        try:
            response = await self.crawler.engine.download_async(request)
        except SizeCapExceeded:  # a compressed answer that decodes past the cap (a gzip bomb)
            self._record_cut(portal_id, request.url)
            await route.abort("failed")
            return None
        except IgnoreRequest as exc:  # the gate, robots.txt: recorded where it was refused
            logger.debug("browser request not sent: %s", exc)
            await route.abort("blockedbyclient")
            return None
        except (DownloadCancelledError, CancelledError):  # the size cap, while the body streamed in
            self._record_cut(portal_id, request.url)
            await route.abort("failed")
            return None
        except Exception as exc:  # the connection failed: the browser sees a failed request
            logger.debug("browser request failed: %s: %s", type(exc).__name__, exc)
            await route.abort("failed")
            return None
        return response

    def _record_cut(self, portal_id, url: str) -> None:
        if portal_id in self._cut:
            return
        self._cut.add(portal_id)
        from .session import CrawlSession

        CrawlSession.of(self.crawler).error(
            portal_id, url, "limit", f"a browser request's answer larger than LIST_PAGE_MAXSIZE "
                                     f"({self.maxsize / 2**20:.0f} MB), on the wire or decoded: not loaded "
                                     "(recorded once per portal)")
