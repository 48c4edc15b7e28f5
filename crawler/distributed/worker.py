"""A crawl worker: `python -m crawler.distributed.worker --redis redis://host:port/db`.

The reports spider as in single-machine mode (same discovery, families, Chromium for
script-built lists), but its requests come from and go to the shared queue in Redis, its
captures go to its own WARC file, and its items go to the loader through Redis. Exits after
the queue has been empty for --idle-exit seconds (default 0: never); with status 3 when the
run it waits for has no loader any more (its lease in Redis expired: WORKER_LOADER_GRACE).
"""
from __future__ import annotations

import argparse
import os
import secrets
import socket
import sys
from pathlib import Path

import redis
from scrapy import Request
from scrapy.crawler import CrawlerProcess
from scrapy.utils.project import get_project_settings

from ..spiders.reports import ReportsSpider
from .scheduler import LOADER_GONE
from .session import RedisPortals, WorkerSession

# What turns the project's settings into a worker's (scheduler, filter and items in Redis).
WORKER_SETTINGS = {
    "SCHEDULER": "crawler.distributed.scheduler.ReliableScheduler",
    "SCHEDULER_QUEUE_CLASS": "crawler.distributed.scheduler.ReliablePriorityQueue",
    "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    "SCHEDULER_PERSIST": True,
    "ITEM_PIPELINES": {"crawler.distributed.worker.PushItemPipeline": 300},
}
# Added to the project's middlewares (None: left out).
WORKER_MIDDLEWARES = {
    "SPIDER_MIDDLEWARES": {"crawler.distributed.worker.PushItemsMiddleware": 1},
    # Validators of list pages are in the archive, which a worker has not: lists are fetched
    # whole (known reports still go conditionally, planned by the loader).
    "DOWNLOADER_MIDDLEWARES": {"crawler.conditional.ConditionalMiddleware": None,
                               # each host's turn granted by Redis: N workers, one host's limits
                               "crawler.politeness.PolitenessMiddleware": None,
                               "crawler.distributed.politeness.SharedPolitenessMiddleware": 60},
}


def distributed_settings(settings, redis_url: str, prefix: str = "reports") -> None:
    """Point a settings object at one distributed crawl in Redis."""
    settings.setdict(WORKER_SETTINGS, priority="cmdline")
    for name, changes in WORKER_MIDDLEWARES.items():
        settings.set(name, {**settings.getdict(name), **changes}, priority="cmdline")
    settings.set("REDIS_URL", redis_url, priority="cmdline")
    settings.set("REDIS_PREFIX", prefix, priority="cmdline")
    settings.set("SCHEDULER_QUEUE_KEY", f"{prefix}:requests", priority="cmdline")
    settings.set("SCHEDULER_DUPEFILTER_KEY", f"{prefix}:dupefilter", priority="cmdline")


class DistributedReportsSpider(ReportsSpider):
    """The reports spider with its portals read from Redis and no start requests of its
    own (the loader plans each run into the shared queue)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("seeds", "redis")
        super().__init__(*args, **kwargs)
        self.seeds_path = None

    def load_portals(self, seeds):
        return {}  # filled from Redis once the crawler (and its Redis client) exists

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        session = crawler._archive_session = WorkerSession(crawler.settings)
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider.portals = RedisPortals(session.server, session.keys)
        return spider

    async def start(self):
        return
        yield  # noqa: the requests are in Redis


class PushItemsMiddleware:
    """Spider middleware next to the engine: each item goes to the loader the moment the
    callback yields it, before the requests yielded after it reach the queue — so a report's
    message always comes before the messages of its attachments, fetched by any worker."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _pass(self, output):
        if isinstance(output, Request):
            return True
        self.crawler._archive_session.send_item(output)
        return False

    def process_spider_output(self, response, result, spider=None):
        return (output for output in result if self._pass(output))

    async def process_spider_output_async(self, response, result, spider=None):
        async for output in result:
            if self._pass(output):
                yield output


class PushItemPipeline(PushItemsMiddleware):
    """Items that bypass spider middlewares (yielded by an errback) go to the loader too."""

    def process_item(self, item, spider=None):
        self.crawler._archive_session.send_item(item)
        return item


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True, help="redis://host:port/db")
    parser.add_argument("--prefix", default="reports", help="Redis key prefix (one per crawl)")
    parser.add_argument("--idle-exit", type=float, default=0.0,
                        help="exit after the queue has been empty this many seconds (0: never)")
    parser.add_argument("--archive", type=Path, default=Path("archive.db"),
                        help="the archive this crawl feeds (its loader's ARCHIVE_DB)")
    parser.add_argument("--warc-dir", type=Path, default=None,
                        help="where this worker's WARC file goes (default: warcs/ beside --archive, "
                             "the folder the archive's captures rows point into)")
    parser.add_argument("--worker-id", default=None)
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a Scrapy setting, as with scrapy crawl -s")
    args = parser.parse_args(argv)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    settings = get_project_settings()
    distributed_settings(settings, args.redis, args.prefix)
    settings.set("IDLE_EXIT", args.idle_exit, priority="cmdline")
    settings.set("WARC_DIR", str(args.warc_dir or args.archive.parent / "warcs"), priority="cmdline")
    settings.set("WORKER_ID", args.worker_id or
                 f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}", priority="cmdline")
    for pair in args.set:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    try:
        redis.Redis.from_url(args.redis).ping()
    except redis.RedisError as exc:
        print(f"worker: Redis at {args.redis}: {exc}", file=sys.stderr)
        return 2
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(DistributedReportsSpider)
    process.crawl(crawler)
    process.start()
    reason = crawler.stats.get_value("finish_reason")
    if reason == LOADER_GONE:
        return 3
    return 0 if reason else 1


if __name__ == "__main__":
    sys.exit(main())
