"""The download handler: scrapy-playwright's, started lazily. Its own starts the Playwright
driver (a Node process, ~120 MB, one per scheme) when the engine starts, although most crawls
never render a page; this one starts it when a request first asks for the browser.
Every context it creates, and every page's route, goes through the gate (crawler/gate_browser.py);
every request a page makes that the gate admits is fetched by Scrapy's downloader
(crawler/browser_fetch.py).

Bounded by design: one context per page, created for it and closed with it (no cache or
cookie outlives a column; the portal's cookies live in its Scrapy jar), at most
`browser_pages` (crawler/browser_slot.py, sized from memory) open at once; a page still open
BROWSER_PAGE_SECONDS after it was created (a callback that never closed it) is closed."""
from __future__ import annotations

import asyncio
import itertools
import logging
from contextlib import suppress

from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from .browser_fetch import ScrapyFetch
from .browser_slot import browser_pages
from .gate_browser import BLOCK_SERVICE_WORKERS, BrowserGate

logger = logging.getLogger(__name__)


class LazyPlaywrightDownloadHandler(ScrapyPlaywrightDownloadHandler):
    def __init__(self, crawler):
        super().__init__(crawler)
        self._start_lock = asyncio.Lock()
        self._started = False  # set once _launch has finished, not when it begins
        self.gate = BrowserGate(lambda: getattr(crawler.spider, "portals", None), self._record_refusal,
                                fetch=ScrapyFetch(crawler))
        self._crawler = crawler
        self.pages = browser_pages(crawler.settings)
        self.config.max_pages_per_context = 1
        self.config.max_contexts = self.pages
        self.context_semaphore = asyncio.Semaphore(self.pages)
        # one renderer process per page (frames of other sites in their page's: settings.py)
        options = self.config.launch_options
        self.config.launch_options = dict(options, args=[*options.get("args", ()),
                                                         f"--renderer-process-limit={self.pages}"])
        self.page_seconds = crawler.settings.getfloat("BROWSER_PAGE_SECONDS", 300)
        self._names = itertools.count(1)
        self._documents: dict[str, dict] = {}  # context -> the static answer its page renders

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
        return self.gate.guard(super()._make_request_handler(*args, **kwargs), portal_url=kwargs.get("url"),
                               document=self._documents.pop(kwargs.get("context_name"), None))

    async def _create_page(self, request, spider):
        page = await super()._create_page(request, spider)
        name = request.meta["playwright_context"]
        loop = asyncio.get_running_loop()
        timer = loop.call_later(self.page_seconds, lambda: asyncio.ensure_future(self._overdue(page, request.url)))

        def closed(*_):
            timer.cancel()
            asyncio.ensure_future(self._close_context(name))
        page.on("close", closed)
        page.on("crash", closed)
        return page

    async def _overdue(self, page, url: str) -> None:
        if not page.is_closed():
            logger.warning("browser page of %s still open after %.0f s: closed", url, self.page_seconds)
            with suppress(Exception):
                await page.close()

    async def _close_context(self, name: str) -> None:
        wrapper = self.context_wrappers.get(name)
        if wrapper is not None:
            with suppress(Exception):
                await wrapper.context.close()

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
        # a context of its own, closed with its page
        name = request.meta.setdefault("playwright_context", f"page-{next(self._names)}")
        # the page's answer the crawl already has and archived (crawler/spiders/rendering.py):
        # rendered from those bytes, not asked of the host a second time
        if request.meta.get("browser_document"):
            self._documents[name] = request.meta["browser_document"]
        try:
            return await super()._download_request(request, spider)
        finally:
            self._documents.pop(name, None)
