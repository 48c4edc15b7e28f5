"""The download handler: scrapy-playwright's, started lazily. Its own starts the Playwright
driver (a Node process, ~120 MB, one per scheme) when the engine starts, although most crawls
never render a page; this one starts it when a request first asks for the browser.
Every context it creates, and every page's route, goes through the gate (crawler/gate_browser.py)."""
from __future__ import annotations

import asyncio

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from .gate_browser import BLOCK_SERVICE_WORKERS, BrowserGate


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._start_lock = asyncio.Lock()
        self._started = False  # set once _launch has finished, not when it begins
        self.gate = BrowserGate(lambda: getattr(crawler.spider, "portals", None), self._record_refusal)
        self._crawler = crawler

    def _record_refusal(self, portal, url, reason):
        from .session import CrawlSession

        CrawlSession.of(self._crawler).refuse(portal, url, reason)

    # The gate's hooks: on every context, and around scrapy-playwright's route of every page.
    async def _create_browser_context(self, name, context_kwargs, spider=None):
        wrapper = await super()._create_browser_context(name, dict(context_kwargs or {}, **BLOCK_SERVICE_WORKERS),
                                                        spider)
        await self.gate.install_on_context(wrapper.context)
        return wrapper

    def _make_request_handler(self, *args, **kwargs):
        return self.gate.guard(super()._make_request_handler(*args, **kwargs), portal_url=kwargs.get("url"))

    async def _maybe_launch_in_thread(self) -> None:  # engine_started: nothing to start yet
        return None

    def _engine_started(self):
        return None

    async def _download_request(self, request, spider=None):
        if not self._started:
            async with self._start_lock:  # concurrent first requests wait for one launch
                if not self._started:
                    await self._launch()
                    self._started = True
        return await super()._download_request(request, spider)
