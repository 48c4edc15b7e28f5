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
        self._started = False  # set once _launch has finished, not when it begins

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
