"""The download handler: scrapy-playwright's, started lazily. Its own starts the Playwright
driver (a Node process, ~120 MB, one per scheme) when the engine starts, although most crawls
never render a page; this one starts it when a request first asks for the browser."""
from __future__ import annotations

import asyncio

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._start_lock = asyncio.Lock()

    async def _maybe_launch_in_thread(self) -> None:  # engine_started: nothing to start yet
        return None

    def _engine_started(self):
        return None

    async def _download_request(self, request, spider=None):
        if getattr(self, "browser_provider", None) is None:
            async with self._start_lock:
                if getattr(self, "browser_provider", None) is None:
                    await self._launch()
        return await super()._download_request(request, spider)
