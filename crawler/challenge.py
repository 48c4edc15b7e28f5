"""Firewall challenges (加速乐-style HTTP 521 whose script sets a cookie and reloads, a meta
refresh to itself, a 安全验证 page), whatever the status: passed in the browser, and the
cookies it earns put in the portal's own cookie jar, so the portal's later plain requests
carry them (with the Referer Scrapy sends as a browser does). A challenge that cannot be
passed is recorded as such (stage `challenge`), not as an HTTP error.

The browser's own requests go through the portal's jar (crawler/browser_fetch.py), so a pass
the check below did not see end in time (a slow page under load, a navigation timeout) may
still have earned the cookies: the portal's next plain answer without the challenge keeps
what its request carried, as a pass seen in the browser does (kept for the next runs).

A downloader middleware next to the capture one (the challenge page itself is kept as
evidence). The browser request goes through the Playwright download handler like any
other (crawler/browser.py), so what applies to every browser page applies here too.
"""
from __future__ import annotations

import asyncio

from scrapy.exceptions import IgnoreRequest

from . import discover
from .cookies import PortalCookiesMiddleware
from .session import UsesSession

_BROWSER_KEYS = ("playwright", "dont_merge_cookies", "playwright_include_page", "playwright_page", "playwright_page_goto_kwargs",
                 "playwright_page_event_handlers", "challenge_of", "challenge_waits")
_PER_RESPONSE = ("download_latency", "download_slot", "capture_id", "capture_new", "conditional_capture",
                 "redirect_times", "redirect_ttl", "redirect_reasons", "_slot_proxy", "retry_times")


class ChallengeNotPassed(IgnoreRequest):
    """A challenge the browser could not pass: recorded, the request dropped."""


class ChallengeMiddleware(UsesSession):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.passes: dict[str, int] = {}  # portal -> browser passes tried
        self.passing: dict[str, asyncio.Event] = {}  # portal -> set when its current pass ends
        self.cookies: dict[str, list] = {}  # portal -> cookies its last pass earned (name, value, domain, path)
        self.kept: dict[str, str] = {}  # portal -> what became of the cookies kept from an earlier run

    async def process_response(self, request, response, spider=None):
        meta = request.meta
        if meta.get("challenge_of"):
            return await self._after_browser(request, response)
        if response.status == 304 or meta.get("portal") is None or meta.get("browser_fetch"):
            return response  # a rendered page's own request: the page shows what it is
        why = discover.challenge_kind(response.body, response.url)
        portal = meta["portal"]  # (a list page's 304 arrives here as its archived copy: no challenge)
        if why is None:
            self._kept_cookies(portal, "reused")
            if portal in self.passes and portal not in self.cookies:
                self._keep_sent(request, portal)
            return response
        if meta.get("playwright"):
            return response  # a rendered page still showing it: its callback records it
        self._kept_cookies(portal, "refused")
        lowered = response.body.lower()
        if b"<script" not in lowered and b"refresh" not in lowered:
            return self._not_passed(request, f"{why} (HTTP {response.status}); no script to run in a browser")
        tries = meta.get("challenge_tries", 0)
        passing = self.passing.get(portal)
        if passing is not None and tries == 0:
            # A pass for this portal is under way or done; requests sent before it ended meet
            # the challenge too. Not awaited here (this request holds a download slot the
            # pass needs): back to the queue after a short pause, until the pass has ended.
            waits = meta.get("challenge_waits", 0)
            if not passing.is_set() and waits < 240:
                await asyncio.sleep(0.25)
                return request.replace(dont_filter=True, priority=request.priority - 100, meta={
                    **{k: v for k, v in meta.items() if k not in _PER_RESPONSE}, "challenge_waits": waits + 1})
            if self.cookies.get(portal):
                return self._plain(request, tries + 1, cookies=self.cookies[portal])
        limit = self.crawler.settings.getint("CHALLENGE_PASSES", 3)
        if tries > 1 or self.passes.get(portal, 0) >= limit:
            return self._not_passed(request, f"{why} (HTTP {response.status}); "
                                             f"{'still shown after a pass' if tries else f'CHALLENGE_PASSES ({limit}) used'}")
        self.passes[portal] = self.passes.get(portal, 0) + 1
        self.passing[portal] = asyncio.Event()
        self.cookies.pop(portal, None)  # shown the challenge: whatever this run earned is refused
        self.session.count(portal, "challenges")
        self.session.count(portal, "browser_renders")
        # the browser asks for the page whole (a conditional reload would show it nothing), and
        # with its own cookies only: Scrapy's headers go with each of the page's navigations, so
        # a refused cookie from the jar would override the one the challenge's script sets
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() not in (b"if-none-match", b"if-modified-since", b"cookie")}
        return request.replace(dont_filter=True, priority=request.priority + 100, headers=headers, meta={
            "challenge_headers": dict(request.headers),
            **{k: v for k, v in meta.items() if k not in _PER_RESPONSE},
            "challenge_of": why, "challenge_tries": tries + 1, "playwright": True, "dont_merge_cookies": True,
            "playwright_include_page": True,
            # `commit`: the challenge's own reload must not abort the navigation
            "playwright_page_goto_kwargs": {"wait_until": "commit"},
            "handle_httpstatus_all": True})

    def process_exception(self, request, exception, spider=None):
        """A browser pass that failed to load: the waiting requests go on without it."""
        portal = request.meta.get("portal")
        if not request.meta.get("challenge_of") or isinstance(exception, IgnoreRequest):
            return None
        if portal in self.passing:
            self.passing[portal].set()
        if portal not in self.cookies:  # (none earned meanwhile by the browser's requests)
            self.session.drop_cookies(portal)
        # e.g. a page that reloads for ever: the browser cannot even read it
        self._not_passed(request, f"{request.meta['challenge_of']}: the browser could not load it "
                                  f"({type(exception).__name__}: {str(exception).splitlines()[0][:200]})")

    async def _after_browser(self, request, response):
        page = request.meta.get("playwright_page")
        why, portal = request.meta["challenge_of"], request.meta["portal"]
        seconds = self.crawler.settings.getfloat("CHALLENGE_SECONDS", 15)
        passed = False
        try:
            for _ in range(int(seconds * 5)):
                await page.wait_for_timeout(200)
                try:
                    if await page.evaluate("document.readyState") != "complete":
                        continue
                    html = await page.content()
                    empty = not (await page.evaluate("document.body ? document.body.innerHTML.trim() : ''"))
                except Exception:  # reloading
                    continue
                if not empty and discover.challenge_kind(html.encode("utf-8"), page.url) is None:
                    passed = True
                    break
            cookies = await page.context.cookies(request.url) if passed else []
        finally:
            if page is not None:
                await page.close()
            if passed:
                # with their domain and path: one set for the request's path would sit beside
                # (not replace) a refused one of `/` kept from an earlier run
                self.cookies[portal] = [{k: c[k] for k in ("name", "value", "domain", "path") if c.get(k)}
                                        for c in cookies]
                self.session.keep_cookies(portal, cookies)
            if portal in self.passing:
                self.passing[portal].set()
        if not passed:
            if portal not in self.cookies:
                self.session.drop_cookies(portal)
            return self._not_passed(request, f"{why}: still shown after {seconds:.0f} s in the browser")
        self.crawler.spider.routes.portal_note(portal, f"challenge ({why}) passed in the browser: "
                                                       f"{len(cookies)} cookies for the portal's plain requests"
                                                       + (", kept for the next runs (renewed)"
                                                          if self.kept.get(portal) == "refused" else
                                                          ", kept for the next runs"))
        return self._plain(request, request.meta["challenge_tries"], cookies=self.cookies[portal])

    def _keep_sent(self, request, portal: str) -> None:
        """A portal shown the challenge in this run, answered without it and with no pass seen:
        the cookies its request carried (the browser's requests put them in the jar) passed."""
        jar = PortalCookiesMiddleware.of(self.crawler)
        cookies = jar.sent_cookies(request) if jar is not None else []
        if not cookies:
            return  # a page the firewall does not guard: nothing earned
        self.cookies[portal] = [{k: c[k] for k in ("name", "value", "domain", "path") if c.get(k)} for c in cookies]
        self.session.keep_cookies(portal, cookies)
        self.crawler.spider.routes.portal_note(portal, f"challenge passed in the browser (seen by the portal's next "
                                                       f"plain answer): {len(cookies)} cookies, kept for the next runs")

    def _kept_cookies(self, portal: str, what: str) -> None:
        """The first answer of a portal whose jar started with cookies kept from an earlier
        run: shown no challenge (reused: no browser pass), or the challenge (refused)."""
        if portal in self.kept or portal in self.passes:
            return  # (asked once per portal: in distributed mode the kept cookies are in Redis)
        kept = self.session.kept_cookies.get(portal)
        self.kept[portal] = what if kept is not None else None
        if kept is None:
            return
        since = f"earned in run {kept.get('run')}"
        self.crawler.spider.routes.portal_note(
            portal, f"challenge cookies {since} reused: no browser pass" if what == "reused" else
            f"challenge cookies {since} refused (the challenge again): passed again in the browser")

    def _plain(self, request, tries: int, cookies: list | None = None):
        meta = {k: v for k, v in request.meta.items() if k not in _BROWSER_KEYS + _PER_RESPONSE
                and k != "handle_httpstatus_all"}
        meta["challenge_tries"] = tries
        headers = meta.pop("challenge_headers", None) or request.headers
        return request.replace(dont_filter=True, meta=meta, headers=headers, cookies=cookies or request.cookies)

    def _not_passed(self, request, message: str):
        self.session.error(request.meta.get("portal"), request.url, "challenge",
                           f"firewall challenge not passed: {message}")
        raise ChallengeNotPassed(message)
