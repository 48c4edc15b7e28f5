"""Adaptive concurrency across hosts: an extension that moves the downloader's global limit
(CONCURRENT_REQUESTS is where it starts) between CONCURRENT_REQUESTS_MIN and _MAX.

Every ADAPTIVE_CONCURRENCY_INTERVAL seconds: while the downloader is full (requests waiting
for it) and the CPU has room — the reactor answers within ADAPTIVE_MAX_LAG seconds and the
responses waiting to be scraped (the extraction pool's queue) are under half of
SCRAPER_SLOT_MAX_ACTIVE_SIZE — the limit grows by a quarter; while the reactor lags it holds
(a request waiting for its host's turn costs no CPU); when the memory of the process and its
extraction workers (PSS; the browser is bounded on its own) passes ADAPTIVE_MEMORY_MB it
shrinks by a quarter (measured every ADAPTIVE_MEMORY_INTERVAL seconds: listing the machine's
processes costs CPU). Politeness per host
(crawler/politeness.py) is untouched: the limit only decides how many hosts are worked at once.
"""
from __future__ import annotations

import logging
import time

import psutil
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

logger = logging.getLogger(__name__)


def pss(pid: int) -> int | None:
    """Proportional set size in bytes (a page shared by n processes counts 1/n to each, so a
    sum over processes is what they occupy), from /proc/PID/smaps_rollup; None without it."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
            for line in rollup:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def _pss(process: psutil.Process) -> int:
    """PSS; resident bytes where the kernel has no smaps_rollup."""
    value = pss(process.pid)
    return process.memory_info().rss if value is None else value


def _is_browser(process: psutil.Process) -> bool:
    """The Playwright driver (Node), whose children are Chromium's processes."""
    try:
        return any("playwright" in part for part in process.cmdline()[:2])
    except psutil.Error:
        return False


def tree_memory() -> int:
    """Bytes this process and its children (the extraction pool) occupy, as summed PSS —
    without the browser: Chromium is bounded on its own (crawler/browser_slot.py,
    BROWSER_MEMORY_MB), and fewer requests at once would not make it smaller. (Summed RSS
    counts the pages forked workers share with their forkserver once per process.)"""
    me = psutil.Process()
    total, todo = _pss(me), me.children()
    while todo:
        child = todo.pop()
        if _is_browser(child):
            continue
        try:
            total += _pss(child)
            todo.extend(child.children())
        except psutil.Error:
            pass
    return total


class AdaptiveConcurrency:
    def __init__(self, crawler):
        settings = crawler.settings
        if not settings.getbool("ADAPTIVE_CONCURRENCY", True):
            raise NotConfigured
        self.crawler = crawler
        self.low = settings.getint("CONCURRENT_REQUESTS_MIN", 8)
        self.high = settings.getint("CONCURRENT_REQUESTS_MAX", 1024)
        self.every = settings.getfloat("ADAPTIVE_CONCURRENCY_INTERVAL", 1.0)
        self.max_lag = settings.getfloat("ADAPTIVE_MAX_LAG", 0.25)
        self.memory = settings.getfloat("ADAPTIVE_MEMORY_MB", 600) * 2**20
        self.memory_every = settings.getfloat("ADAPTIVE_MEMORY_INTERVAL", 5.0)
        self.measured, self.measured_at = 0, float("-inf")
        self.scraper_room = settings.getint("SCRAPER_SLOT_MAX_ACTIVE_SIZE") / 2
        self.timer = None
        self.expected = None
        crawler.signals.connect(self.opened, signal=signals.spider_opened)
        crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider=None):
        self.timer = task.LoopingCall(self.tick)
        self.timer.start(self.every, now=False)
        self.expected = time.monotonic() + self.every

    def closed(self, spider=None, reason=None):
        if self.timer is not None and self.timer.running:
            self.timer.stop()

    def over_memory(self, now: float) -> bool | None:
        """True on a fresh measure over ADAPTIVE_MEMORY_MB, None while the last one was over
        (hold: shrink once per measure), False otherwise."""
        if not self.memory:
            return False
        if now - self.measured_at >= self.memory_every:
            self.measured, self.measured_at = tree_memory(), now
            return self.measured > self.memory
        return None if self.measured > self.memory else False

    def tick(self):
        now = time.monotonic()
        lag, self.expected = max(0.0, now - self.expected), now + self.every
        downloader = self.crawler.engine.downloader
        scraper = getattr(self.crawler.engine.scraper, "slot", None)
        waiting = scraper.active_size if scraper is not None else 0
        limit = downloader.total_concurrency
        over = self.over_memory(now)
        if over:
            new = max(self.low, int(limit * 0.75))
        elif over is None:
            return
        elif lag <= self.max_lag and len(downloader.active) >= limit and waiting < self.scraper_room:
            new = min(self.high, max(limit + 1, int(limit * 1.25)))
        else:
            return
        if new != limit:
            downloader.total_concurrency = new
            self.crawler.stats.max_value("adaptive/concurrency_max", new)
            logger.debug("concurrency %d -> %d (lag %.2f s, %d bytes waiting to be scraped)",
                         limit, new, lag, waiting)
