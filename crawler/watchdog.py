"""Time bounds: no portal holds the crawl past PORTAL_TIME_LIMIT, no URL past URL_TIME_LIMIT.

A portal whose first request is older than PORTAL_TIME_LIMIT seconds is cut off: none of its
requests is sent any more (queued ones are dropped), the limit is recorded once (stage
`limit`) and the portal ends `incomplete` with the reason, while the other portals finish
and are published. Each URL's attempts together (retries of a slow answer included) get
URL_TIME_LIMIT seconds: a retry is not made past it, and the last attempt's timeout is
what remains (crawler/retry.py reads `url_deadline`).

A request already past this middleware may wait in its host's polite slot (a long Crawl-delay,
a slow host's backlog): every few seconds the queues are swept, and the waiting requests of a
portal past its limit are dropped too (the limit recorded once, as above). A slot that could
send but is not (a lost wake-up: nothing in transfer for its address, no delay pending) is
started again; and the requests of a slot whose address has sent nothing for URL_TIME_LIMIT
while they wait (a stuck slot: a polite one sends at least once every MAX_CRAWL_DELAY) are
dropped, each recorded (stage `limit`): no request waits for good. Once the crawl is closing (an operator's Ctrl-C or SIGTERM), the requests still
waiting for their host are dropped at the next sweep: the requests in transfer end within
DOWNLOAD_TIMEOUT, and the crawl closes and publishes what it archived."""
from __future__ import annotations

import time

from scrapy import signals
from twisted.internet import task
from twisted.python.failure import Failure

from .progress import left_downloader
from .scope import OffScope

SWEEP_SECONDS = 5.0  # how often the hosts' queues are looked through for portals past their limit


class WaitCutOff(OffScope):
    """A request that waited for its host past its URL_TIME_LIMIT, or still waited when the
    crawl was stopped: not sent (a limit is recorded for it; the spider's errback passes it over)."""


class PortalCutOff(OffScope):
    """A request of a portal that held the crawl past PORTAL_TIME_LIMIT: not sent (recorded
    once, like a refusal of the gate: the spider's errback passes it over)."""


class WatchdogMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        self.portal_limit = crawler.settings.getfloat("PORTAL_TIME_LIMIT")
        self.url_limit = crawler.settings.getfloat("URL_TIME_LIMIT")
        self.started: dict[str, float] = {}
        self.cut: set[str] = set()
        self.sweeper = None
        if self.portal_limit or self.url_limit:
            crawler.signals.connect(self.opened, signal=signals.spider_opened)
            crawler.signals.connect(self.closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def opened(self, spider=None):
        self.sweeper = task.LoopingCall(self.sweep)
        every = min(SWEEP_SECONDS, max(0.5, (self.portal_limit or SWEEP_SECONDS * 4) / 4))
        self.sweeper.start(every, now=False)

    def closed(self, spider=None, reason=None):
        if self.sweeper is not None and self.sweeper.running:
            self.sweeper.stop()

    def sweep(self) -> None:
        """Drop the requests waiting in a download slot whose portal is past PORTAL_TIME_LIMIT,
        whose slot sent nothing for URL_TIME_LIMIT, or all of them once the crawl is closing;
        start a slot again that could send and is not."""
        now, clock_now = time.time(), time.monotonic()
        expired = {p for p, t in self.started.items() if self.portal_limit and now - t > self.portal_limit}
        engine = self.crawler.engine
        closing = getattr(getattr(engine, "_slot", None), "closing", None) is not None
        downloader = getattr(engine, "downloader", None)
        stopped: dict = {}  # portal -> (requests not sent at the stop, the first URL)
        for slot in list(getattr(downloader, "slots", {}).values()):
            if not slot.queue:
                continue
            stuck = bool(self.url_limit and slot.lastseen) and clock_now - slot.lastseen > self.url_limit
            why = {id(e[0]): self._why_drop(e[0], expired, closing, stuck) for e in slot.queue}
            if not any(why.values()):
                if slot.latercall is None and slot.free_transfer_slots() > 0:
                    self.crawler.stats.inc_value("watchdog/slot_restarted")  # a lost wake-up
                    downloader._process_queue(slot)
                continue
            waiting = list(slot.queue)
            slot.queue.clear()
            slot.queue.extend(e for e in waiting if not why[id(e[0])])
            for request, deferred in waiting:
                reason = why[id(request)]
                if reason:
                    if closing and isinstance(reason, WaitCutOff):
                        n, first = stopped.get(request.meta.get("portal"), (0, request.url))
                        stopped[request.meta.get("portal")] = (n + 1, first)
                    left_downloader(self.crawler, request)
                    deferred.errback(Failure(reason))
        for portal, (n, first) in stopped.items():  # one row a portal: a stop may leave thousands
            from .session import CrawlSession

            CrawlSession.of(self.crawler).error(
                portal, first, "limit", f"the crawl was stopped: {n} request(s) waiting for their host not sent "
                                        "(the next run resumes the portal)")

    def _why_drop(self, request, expired: set, closing: bool, stuck: bool):
        """The exception a waiting request is dropped with (its cut recorded), or None."""
        portal = request.meta.get("portal")
        if portal in expired:
            if portal not in self.cut:
                self._cut_off(portal, request.url, "while it waited for its host")
            return PortalCutOff(f"{request.url}: portal {portal} cut off while waiting for its host (PORTAL_TIME_LIMIT)")
        if closing:
            return WaitCutOff(f"{request.url}: the crawl was stopped while it waited for its host; not sent")
        if stuck:
            from .session import CrawlSession

            why = (f"URL_TIME_LIMIT ({self.url_limit:.0f} s) reached while it waited for its host, which was sent "
                   "nothing meanwhile; not sent")
            CrawlSession.of(self.crawler).error(portal, request.url, "limit", why)
            return WaitCutOff(f"{request.url}: {why}")
        return None

    def process_request(self, request, spider=None):
        now = time.time()
        if self.url_limit:
            request.meta.setdefault("url_deadline", now + self.url_limit)
        portal = request.meta.get("portal")
        if not portal or not self.portal_limit:
            return None
        started = self.started.setdefault(portal, now)
        if portal in self.cut or now - started > self.portal_limit:
            if portal not in self.cut:
                self._cut_off(portal, request.url)
            left_downloader(self.crawler, request)
            raise PortalCutOff(f"{request.url}: portal {portal} cut off (PORTAL_TIME_LIMIT)")
        return None

    def _cut_off(self, portal: str, url: str, when: str = "") -> None:
        from .session import CrawlSession

        self.cut.add(portal)
        reason = f"PORTAL_TIME_LIMIT ({self.portal_limit:.0f} s) reached: cut off"
        limits = getattr(self.crawler.spider, "limits", None)
        if isinstance(limits, dict):
            limits.setdefault(portal, reason)
        CrawlSession.of(self.crawler).error(
            portal, url, "limit", f"{reason}{' ' + when if when else ''}; the portal held the crawl too long, "
                                  "the rest of it was not read")


def remaining(request, default: float) -> float:
    """Seconds left of the URL's URL_TIME_LIMIT (`default` when it has none)."""
    deadline = request.meta.get("url_deadline")
    return default if deadline is None else deadline - time.time()
