"""How many browser pages at once, and where renders wait for one.

Pages open at once are bounded from memory (`browser_pages`): BROWSER_MEMORY_MB for the
browser's pages at BROWSER_PAGE_MB each, never more than a quarter of the memory available
when the crawl starts, at least one (BROWSER_PAGES > 0 fixes the number). The download handler
(crawler/browser.py) opens one context per page and closes both once the page's column is
read; the same number bounds the contexts.

A render request waits in one download slot of its own (`BROWSER_SLOT`, this many at once,
no delay) instead of its host's: the host's slot paces each request the page makes
(crawler/browser_fetch.py), which a render holding that slot would block. Renders waiting
there are not counted against CONCURRENT_REQUESTS (`Downloader.needs_backout`), so a queue of
columns to render never stalls the plain requests to other hosts.
"""
from __future__ import annotations

import psutil
from scrapy.core.downloader import Downloader as ScrapyDownloader

BROWSER_SLOT = "browser"


def browser_pages(settings) -> int:
    fixed = settings.getint("BROWSER_PAGES", 0)
    if fixed > 0:
        return fixed
    budget = settings.getfloat("BROWSER_MEMORY_MB", 300)
    available = psutil.virtual_memory().available / 2**20
    budget = min(budget, available / 4)
    return max(1, int(budget // max(1.0, settings.getfloat("BROWSER_PAGE_MB", 130))))


class Downloader(ScrapyDownloader):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.browser_pages = browser_pages(crawler.settings)
        self.per_slot_settings[BROWSER_SLOT] = {"concurrency": self.browser_pages, "delay": 0.0,
                                                "jitter": 0}

    def get_slot_key(self, request) -> str:
        if request.meta.get("playwright"):
            return BROWSER_SLOT
        return super().get_slot_key(request)

    def fetch(self, request, *args, **kwargs):
        if request.meta.get("playwright"):  # a render's latency is not its host's
            request.meta.setdefault("autothrottle_dont_adjust_delay", True)
        return super().fetch(request, *args, **kwargs)

    def needs_backout(self) -> bool:
        slot = self.slots.get(BROWSER_SLOT)
        waiting = len(slot.queue) if slot is not None else 0
        return 0 < self.total_concurrency <= len(self.active) - waiting
