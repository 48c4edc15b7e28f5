"""Browser pages bounded from memory, and renders waiting for a page never stall plain
requests (crawler/browser_slot.py), on Scrapy's real downloader."""
from __future__ import annotations

import asyncio

import psutil
import scrapy
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler

from crawler import settings as project
from crawler.browser_slot import BROWSER_SLOT, Downloader, browser_pages


def _settings(**extra) -> Settings:
    values = {k: getattr(project, k) for k in dir(project) if k.isupper()}
    values.update(extra)
    return Settings(values)


def test_pages_follow_the_memory_budget_and_the_memory_available():
    available = psutil.virtual_memory().available / 2**20
    assert browser_pages(_settings(BROWSER_MEMORY_MB=300, BROWSER_PAGE_MB=130)) == min(2, max(1, int(available / 4 // 130)))
    assert browser_pages(_settings(BROWSER_MEMORY_MB=10 ** 9, BROWSER_PAGE_MB=130)) == max(1, int(available / 4 // 130))
    assert browser_pages(_settings(BROWSER_MEMORY_MB=50)) == 1  # never none
    assert browser_pages(_settings(BROWSER_PAGES=5)) == 5


def test_renders_wait_in_their_own_slot_and_do_not_count_against_the_limit():
    asyncio.run(_renders_wait())  # Scrapy's download handlers are built on a running loop


async def _renders_wait():
    crawler = get_crawler(settings_dict={"BROWSER_PAGES": 2, "CONCURRENT_REQUESTS": 3,
                                         "DOWNLOADER": "crawler.browser_slot.Downloader"})
    downloader = Downloader(crawler)
    render = scrapy.Request("http://127.0.0.1:1/list.html", meta={"playwright": True})
    plain = scrapy.Request("http://127.0.0.1:1/a.html")
    assert downloader.get_slot_key(render) == BROWSER_SLOT
    assert downloader.get_slot_key(plain) == "127.0.0.1"
    _, slot = downloader._get_slot(render)
    assert slot.concurrency == 2 and slot.delay == 0
    renders = [scrapy.Request(f"http://127.0.0.{i}:1/list.html", meta={"playwright": True}) for i in range(2, 12)]
    for request in renders:  # ten columns waiting for a browser page
        downloader.active.add(request)
        slot.queue.append((request, None))
    assert not downloader.needs_backout()  # plain requests still leave the scheduler
    for i in range(3):
        downloader.active.add(scrapy.Request(f"http://127.0.1.{i}:1/"))
    assert downloader.needs_backout()  # the limit holds for plain requests
    downloader.close()
    await downloader.handlers._close()
