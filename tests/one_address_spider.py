"""A spider for tests/test_shared_address.py: asks each URL of ONE_ADDRESS_URLS (JSON list) once,
through the crawl's downloader and its politeness per address (crawler/browser_slot.py,
crawler/politeness.py) and nothing else, and prints `got URL` for each answer."""
from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import scrapy

from crawler.gate_resolver import trust


class OneAddressSpider(scrapy.Spider):
    name = "one-address"
    custom_settings = {
        "DOWNLOADER": "crawler.browser_slot.Downloader",
        "DOWNLOADER_MIDDLEWARES": {"crawler.politeness.PolitenessMiddleware": 60},
        "ROBOTSTXT_OBEY": False,
        "TELNETCONSOLE_ENABLED": False,
        "RETRY_ENABLED": False,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 2,  # as the crawl (crawler/settings.py)
        "LOG_LEVEL": "INFO",
    }

    async def start(self):
        urls = json.loads(os.environ["ONE_ADDRESS_URLS"])
        trust({urlsplit(u).hostname for u in urls})  # the seeds' own hosts may be internal (as in a crawl)
        for url in urls:
            yield scrapy.Request(url, dont_filter=True)

    def parse(self, response):
        print(f"got {response.url}", flush=True)
