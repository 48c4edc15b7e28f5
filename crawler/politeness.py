"""Exact politeness per host, shared by IP address: a downloader middleware that gives every
host's download slot a clock and a transfer set shared by all hosts on the same address.

Scrapy keys a download slot by host name (which the scheduler's DownloaderAwarePriorityQueue
needs) and jitters its delay by ±50 %; here the slot of each host is a `PoliteSlot`:
- the delay is never shorter than DOWNLOAD_DELAY, AutoThrottle's delay or the host's
  robots.txt Crawl-delay (honoured up to MAX_CRAWL_DELAY: a robots.txt asking a day between
  requests would hold the crawl for days; the cap is recorded, stage `limit`), and its
  jitter only lengthens it (POLITENESS_JITTER, a fraction, plus POLITENESS_MARGIN seconds);
- it counts from the later of the previous request's start and its answer's arrival, one
  request at a time while there is a delay: the host got the previous request before its
  answer came back, so however late a busy reactor sent it, the next one is a full delay
  after it at the host (CONCURRENT_REQUESTS_PER_DOMAIN applies with no delay);
- the time of the last request and the requests in transfer belong to the host's IP address,
  so two names of one server share one interval and one concurrency; and since Scrapy, when a
  request ends, looks only at its own host's queue, the other names' queues on the address are
  looked at too (`wake_siblings`): else a name whose requests queued while another name of the
  address was in transfer waits for good (the crawl never ends).
"""
from __future__ import annotations

import random
import time
import weakref
from collections import deque

from protego import Protego
from scrapy import signals
from scrapy.core.downloader import Slot
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached


class AddressClock:
    """What every host on one IP address shares: when its last request left, what is in transfer."""

    def __init__(self):
        self.lastseen = 0.0
        self.transferring: set = _Transfers(self)
        self.crawl_delay = 0.0
        self.slots: weakref.WeakSet = weakref.WeakSet()  # every host's slot on the address


class _Transfers(set):
    """The requests in transfer; adding one is the moment it really starts (Scrapy notes the
    moment it left the queue, which a busy reactor can make much earlier): the interval
    counts from the later of the two."""

    def __init__(self, clock: AddressClock):
        super().__init__()
        self.clock = clock

    def add(self, request) -> None:
        self.clock.lastseen = max(self.clock.lastseen, time.monotonic())
        super().add(request)

    def remove(self, request) -> None:
        # The host received the request before its answer came back: counting from the answer
        # too, the next request is a full delay after this one even if a busy reactor sent it late.
        self.clock.lastseen = max(self.clock.lastseen, time.monotonic())
        super().remove(request)


class PageFirstQueue(deque):
    """A host's queue in which what an open browser page waits for (its stylesheets, scripts,
    XHR: crawler/browser_fetch.py) goes ahead of the host's other requests, in the order
    asked: the page holds one of the few browser pages while it waits, a plain request holds
    nothing. The host's interval is the same for both."""

    def append(self, item) -> None:
        request = item[0]
        if not request.meta.get("browser_fetch"):
            return super().append(item)
        at = 0
        while at < len(self) and self[at][0].meta.get("browser_fetch"):
            at += 1
        self.insert(at, item)


class PoliteSlot(Slot):
    def __init__(self, concurrency: int, delay: float, clock: AddressClock, jitter: float, margin: float,
                 floor: float):
        super().__init__(concurrency, delay, 0.0)
        self.clock, self.upward_jitter, self.margin, self.floor = clock, jitter, margin, floor
        self.queue = PageFirstQueue()
        clock.slots.add(self)

    # Scrapy's Slot reads and writes these two; here they are the address's.
    @property
    def lastseen(self):
        return self.clock.lastseen

    @lastseen.setter
    def lastseen(self, value):
        if hasattr(self, "clock"):
            self.clock.lastseen = max(self.clock.lastseen, value)

    @property
    def transferring(self):
        return self.clock.transferring

    @transferring.setter
    def transferring(self, value):
        pass  # Slot.__init__ assigns an empty set: the address's set stays

    def free_transfer_slots(self) -> int:
        # With a delay, one request at a time: the next waits for the answer (see _Transfers.remove).
        limit = 1 if max(self.delay, self.floor, self.clock.crawl_delay) > 0 else self.concurrency
        return limit - len(self.transferring)

    def download_delay(self) -> float:
        base = max(self.delay, self.floor, self.clock.crawl_delay)
        if base <= 0:  # politeness off (the local replica): no margin either
            return 0.0
        return base * (1 + random.uniform(0, self.upward_jitter)) + self.margin  # noqa: S311 (not crypto)


class PolitenessMiddleware:
    def __init__(self, crawler):
        self.crawler = crawler
        settings = crawler.settings
        self.floor = settings.getfloat("DOWNLOAD_DELAY")
        self.jitter = settings.getfloat("POLITENESS_JITTER", 0.05)
        self.margin = settings.getfloat("POLITENESS_MARGIN", 0.1)
        self.per_host = settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN")
        self.user_agent = settings.get("USER_AGENT")
        self.max_crawl_delay = settings.getfloat("MAX_CRAWL_DELAY", 60.0)
        self.address_of: dict[str, str] = {}  # host name -> IP address
        self.clocks: dict[str, AddressClock] = {}  # IP address -> its clock
        crawler.signals.connect(self.on_robots, signal=signals.response_downloaded)
        crawler.signals.connect(self.wake_siblings, signal=signals.request_left_downloader)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def downloader(self):
        return self.crawler.engine.downloader

    async def _address(self, host: str) -> str:
        if host not in self.address_of:
            try:
                from twisted.internet import reactor
                self.address_of[host] = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:  # noqa: BLE001 — cannot resolve: the download fails and says why
                self.address_of[host] = host
        return self.address_of[host]

    async def process_request(self, request, spider=None):
        if request.meta.get("playwright"):
            # a render waits in the browser's slot (crawler/browser_slot.py); each request its
            # page makes comes through here as a Scrapy request of its own (crawler/browser_fetch.py)
            return None
        host = urlparse_cached(request).hostname or ""
        key = self.downloader.get_slot_key(request)
        if key in self.downloader.slots and isinstance(self.downloader.slots[key], PoliteSlot):
            return None
        address = await self._address(host)
        if address not in self.clocks:
            self.clocks[address] = self.make_clock(address)
        if key not in self.downloader.slots:
            delay = self.downloader.per_slot_settings.get(key, {}).get("delay", self.downloader._delay)
            self.downloader.slots[key] = self.make_slot(delay, self.clocks[address])
            self.downloader._start_slot_gc()
        return None

    def wake_siblings(self, request, spider=None):
        """A request left its slot: the other names' slots on its address may send now (Scrapy
        itself looks only at the request's own slot, which frees the address's shared transfers)."""
        downloader = getattr(self.crawler.engine, "downloader", None)
        if downloader is None:
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if not isinstance(slot, PoliteSlot):
            return
        for sibling in list(slot.clock.slots):
            if sibling is not slot and sibling.queue and sibling.free_transfer_slots() > 0:
                downloader._process_queue(sibling)

    def make_clock(self, address: str) -> AddressClock:
        return AddressClock()

    def make_slot(self, delay: float, clock: AddressClock) -> PoliteSlot:
        return PoliteSlot(self.per_host, delay, clock, self.jitter, self.margin, self.floor)

    def on_robots(self, response, request, spider=None):
        """A robots.txt's Crawl-delay for our User-Agent holds for the host's address."""
        if urlparse_cached(request).path != "/robots.txt" or response.status != 200:
            return
        try:
            delay = Protego.parse(response.body.decode("utf-8", "replace")).crawl_delay(self.user_agent)
        except Exception:  # noqa: BLE001 — an unreadable robots.txt has no Crawl-delay
            return
        if delay:
            delay = float(delay)
            if delay > self.max_crawl_delay:
                self._record_capped(request, delay)
                delay = self.max_crawl_delay
            host = urlparse_cached(request).hostname or ""
            address = self.address_of.get(host, host)
            if address not in self.clocks:
                self.clocks[address] = self.make_clock(address)
            self.clocks[address].crawl_delay = delay

    def _record_capped(self, request, asked: float) -> None:
        from .session import CrawlSession

        CrawlSession.of(self.crawler).error(
            request.meta.get("portal"), request.url, "limit",
            f"robots.txt asks Crawl-delay: {asked:g} s; honoured up to MAX_CRAWL_DELAY "
            f"({self.max_crawl_delay:g} s): the host is asked at most once every {self.max_crawl_delay:g} s")

