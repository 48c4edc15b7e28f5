"""The framework limit: a bare Scrapy spider fetching a list of URLs with no processing
(default Scrapy settings, the crawl's reactor and concurrency, no robots.txt, no delay).
Prints one JSON line.

    python bench/bare_spider.py URLS_FILE CONCURRENCY
"""
import json
import sys

import scrapy
from scrapy.crawler import CrawlerProcess


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, urls_file: str, **kwargs):
        super().__init__(**kwargs)
        self.urls_file = urls_file

    async def start(self):
        for line in open(self.urls_file, encoding="utf-8"):
            if line.strip():
                yield scrapy.Request(line.strip(), callback=self.parse, dont_filter=True,
                                     meta={"handle_httpstatus_all": True})

    def parse(self, response):
        return None


if __name__ == "__main__":
    concurrency = int(sys.argv[2])
    process = CrawlerProcess({
        "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        "CONCURRENT_REQUESTS": concurrency, "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": 0, "ROBOTSTXT_OBEY": False, "LOG_LEVEL": "WARNING", "RETRY_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
    })
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler, urls_file=sys.argv[1])
    process.start()
    stats = crawler.stats.get_stats()
    print(json.dumps({"pages": stats.get("downloader/response_count", 0),
                      "bytes": stats.get("downloader/response_bytes", 0),
                      "seconds": stats.get("elapsed_time_seconds")}))
