"""Progress of a long crawl: every PROGRESS_INTERVAL seconds (0: never) one log line —
portals done/total, reports, requests/s, errors, the downloader's concurrency and an ETA —
and the running counters saved in crawl_runs (status `running`), so the archive shows the
crawl as it goes.

A portal is done when none of its requests is waiting or downloading; the ETA assumes the
portals still to do take as long as the ones done so far."""
from __future__ import annotations

import logging
import time
from collections import Counter

from scrapy import signals
from twisted.internet import task

from .items import ReportPage

logger = logging.getLogger(__name__)


class Progress:
    def __init__(self, crawler):
        self.crawler = crawler
        self.every = crawler.settings.getfloat("PROGRESS_INTERVAL", 30.0)
        self.pending: Counter = Counter()  # portal -> requests scheduled and not yet downloaded
        self.reports = 0
        self.timer = None
        self.started = time.monotonic()
        self.last = (self.started, 0)  # time, requests then
        for handler, signal in ((self.opened, signals.spider_opened), (self.closed, signals.spider_closed),
                                (self.scheduled, signals.request_scheduled),
                                (self.unscheduled, signals.request_dropped),
                                (self.unscheduled, signals.request_left_downloader),
                                (self.scraped, signals.item_scraped)):
            crawler.signals.connect(handler, signal=signal)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def scheduled(self, request, spider=None):
        if request.meta.get("portal"):
            self.pending[request.meta["portal"]] += 1
            request.meta["progress_pending"] = True

    def unscheduled(self, request, spider=None):
        # Only what was scheduled: robots.txt (sent past the scheduler, given its portal by the
        # gate) leaving the downloader must not make a portal whose homepage waits for it `done`.
        portal = request.meta.get("portal")
        if portal and request.meta.pop("progress_pending", False) and self.pending[portal] > 0:
            self.pending[portal] -= 1

    def scraped(self, item, response=None, spider=None):
        if isinstance(item, ReportPage):
            self.reports += 1

    def opened(self, spider=None):
        self.started = time.monotonic()
        self.last = (self.started, 0)
        if self.every > 0:
            self.timer = task.LoopingCall(self.tick)
            self.timer.start(self.every, now=False)

    def closed(self, spider=None, reason=None):
        if self.timer is not None and self.timer.running:
            self.timer.stop()

    def line(self) -> str:
        spider = self.crawler.spider
        total = len(spider.portals) if spider is not None else 0
        started = set(self.pending)
        done = sum(1 for p in started if self.pending[p] == 0)
        now = time.monotonic()
        requests = self.crawler.stats.get_value("downloader/request_count", 0)
        rate = (requests - self.last[1]) / max(1e-9, now - self.last[0])
        self.last = (now, requests)
        session = getattr(self.crawler, "_archive_session", None)
        stats = getattr(session, "stats", None)
        errors = sum(c.get("errors", 0) for c in stats.values()) if isinstance(stats, dict) else 0
        elapsed = now - self.started
        eta = (f"{elapsed * (total - done) / done / 60:.0f} min" if done and total > done
               else "—" if total > done else "0 min")
        downloader = self.crawler.engine.downloader
        concurrency = getattr(downloader, "total_concurrency", 0)
        waiting = sum(len(slot.queue) for slot in getattr(downloader, "slots", {}).values())
        scraper = getattr(self.crawler.engine.scraper, "slot", None)
        scraping = scraper.active_size / 2**20 if scraper is not None else 0.0
        return (f"progress: portals {done}/{total} done ({len(started)} started), reports {self.reports}, "
                f"requests {requests} ({rate:.1f}/s), errors {errors}, concurrency {concurrency} "
                f"({len(getattr(downloader, 'active', ()))} in the downloader, {waiting} waiting for their host, "
                f"{scraping:.1f} MB of answers waiting to be scraped), elapsed {elapsed / 60:.1f} min, ETA {eta}")

    def tick(self):
        try:
            line = self.line()
            logger.info(line)
            session = getattr(self.crawler, "_archive_session", None)
            if hasattr(session, "save_running"):
                session.save_running()
            if hasattr(session, "publish_progress"):  # a distributed worker: its line in Redis too
                session.publish_progress(line)
        except Exception:  # noqa: BLE001 — progress must never stop the crawl
            logger.exception("progress line failed")


def left_downloader(crawler, request) -> None:
    """A request dropped before it was sent (a portal cut off, a host unreachable): it leaves
    the downloader as a downloaded one does, so its portal can be counted done."""
    crawler.signals.send_catch_log(signal=signals.request_left_downloader, request=request,
                                   spider=crawler.spider)
