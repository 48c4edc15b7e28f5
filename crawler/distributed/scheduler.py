"""The shared frontier: scrapy-redis's scheduler and duplicate filter, with a reliable queue.

scrapy-redis pops a request from Redis and forgets it: a worker that dies loses what it
had taken. Here a pop moves the request, atomically, into the worker's in-flight set; it is
removed from there once the engine has finished with it (downloaded, its callback run, every
request and item it produced already in Redis). Each worker keeps a heartbeat key alive;
any worker (or the loader) that finds a registered worker without heartbeat puts that
worker's in-flight requests back into the queue, where another worker crawls them.

The subclass also opens, enqueues and pops without the two APIs Scrapy 2.19 deprecates
that scrapy-redis 0.9.1 still calls (Spider.log, stats with a spider argument).

Settings: REDIS_URL, REDIS_PREFIX, WORKER_ID, WORKER_HEARTBEAT (seconds a worker may go
silent before it counts as dead), IDLE_EXIT (seconds of empty queue before the worker
exits; 0 = never), WORKER_LOADER_GRACE (seconds a worker waiting for the loader — a run
being planned, or seeds pushed and not yet planned — goes on waiting once the loader's lease
in Redis has expired; then it exits with one line and status 3, its last word in
<prefix>:progress).
"""
from __future__ import annotations

import logging
import time

from scrapy import signals
from scrapy.exceptions import CloseSpider, DontCloseSpider
from scrapy.utils.misc import load_object
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task

from .keys import Keys, keys_from_settings

logger = logging.getLogger(__name__)
LOADER_GONE = "loader_gone"  # the finish reason of a worker whose loader is gone (exit status 3)

# Take the best request (lowest score = highest priority) and note it as in flight, at once.
_TAKE = """
local found = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #found == 0 then return false end
redis.call('ZREM', KEYS[1], found[1])
redis.call('ZADD', KEYS[2], found[2], found[1])
return found[1]
"""

# A worker without heartbeat: its in-flight requests go back to the queue (unless alive).
_REQUEUE = """
if ARGV[1] == '0' and redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
local n = redis.call('ZCARD', KEYS[2])
if n > 0 then
  redis.call('ZUNIONSTORE', KEYS[1], 2, KEYS[1], KEYS[2], 'AGGREGATE', 'MIN')
  redis.call('DEL', KEYS[2])
end
redis.call('SREM', KEYS[4], ARGV[2])
return n
"""


def requeue_dead_workers(server, keys: Keys, except_worker: str | None = None) -> int:
    """Put the in-flight requests of every worker without heartbeat back in the queue."""
    script = server.register_script(_REQUEUE)
    total = 0
    for worker in server.smembers(keys.workers):
        worker = worker.decode() if isinstance(worker, bytes) else worker
        if worker == except_worker:
            continue
        n = script(keys=[keys.requests, keys.inflight(worker), keys.alive(worker), keys.workers],
                   args=["0", worker])
        if n and n > 0:
            logger.warning("worker %s stopped answering: %d of its requests queued again", worker, n)
            total += n
    return total


def active_workers(server, keys: Keys) -> list[str]:
    alive = []
    for worker in server.smembers(keys.workers):
        worker = worker.decode() if isinstance(worker, bytes) else worker
        if server.exists(keys.alive(worker)):
            alive.append(worker)
    return alive


def in_flight(server, keys: Keys) -> int:
    return sum(server.zcard(keys.inflight(w.decode() if isinstance(w, bytes) else w))
               for w in server.smembers(keys.workers))


class ReliablePriorityQueue(PriorityQueue):
    """scrapy-redis's priority queue whose pop notes the request as in flight."""

    def __init__(self, server, spider, key, serializer=None):
        super().__init__(server, spider, key, serializer)
        self.worker = spider.settings.get("WORKER_ID")
        self.inflight_key = keys_from_settings(spider.settings).inflight(self.worker)
        self._take = server.register_script(_TAKE)
        self.taken: dict = {}  # request object -> its bytes in the in-flight set

    # A browser request carries a closure (the spider's XHR answer catcher), which cannot be
    # pickled: it travels as a mark and is made again by the worker that takes the request.
    def _encode_request(self, request):
        handlers = request.meta.get("playwright_page_event_handlers") or {}
        if any(callable(h) and not hasattr(h, "__self__") for h in handlers.values()):
            meta = dict(request.meta, answers=[], rebuild_answer_catcher=True)
            meta["playwright_page_event_handlers"] = {e: h for e, h in handlers.items() if not callable(h)}
            request = request.replace(meta=meta)
        return super()._encode_request(request)

    def _decode_request(self, encoded_request):
        request = super()._decode_request(encoded_request)
        if request.meta.pop("rebuild_answer_catcher", False):
            handlers = request.meta.setdefault("playwright_page_event_handlers", {})
            handlers["response"] = self.spider._answer_catcher(request.meta["portal"], request.meta["answers"])
        return request

    def pop(self, timeout=0):
        data = self._take(keys=[self.key, self.inflight_key])
        if not data:
            return None
        request = self._decode_request(data)
        self.taken[request] = data
        return request

    def ack(self, requests) -> None:
        if not requests:
            return
        self.server.zrem(self.inflight_key, *[self.taken.pop(r) for r in requests])


class ReliableScheduler(Scheduler):
    """scrapy-redis's scheduler: the queue persists (it is shared); in-flight requests are
    acknowledged when the engine is done with them; heartbeat, dead-worker recovery and
    the idle exit run on a timer."""

    @classmethod
    def from_crawler(cls, crawler):
        instance = super().from_crawler(crawler)
        instance.persist = True  # never flush the shared queue when one worker stops
        instance.crawler = crawler
        settings = crawler.settings
        instance.keys = keys_from_settings(settings)
        instance.worker = settings.get("WORKER_ID")
        instance.heartbeat = settings.getfloat("WORKER_HEARTBEAT", 30.0)
        instance.idle_exit = settings.getfloat("IDLE_EXIT", 0.0)
        instance.last_busy = time.monotonic()
        instance.loader_grace = settings.getfloat("WORKER_LOADER_GRACE", 60.0)
        instance.loader_missing_since = None
        instance.loader_gone = None  # the exit line, once the awaited loader is taken for dead
        crawler.signals.connect(instance.on_idle, signal=signals.spider_idle)
        return instance

    def open(self, spider):
        # As scrapy-redis 0.9.1 opens, without Spider.log() (deprecated in Scrapy 2.19).
        self.spider = spider
        self.queue = load_object(self.queue_cls)(
            server=self.server, spider=spider, key=self.queue_key % {"spider": spider.name},
            serializer=self.serializer)
        if not self.df:
            self.df = load_object(self.dupefilter_cls).from_spider(spider)
        if len(self.queue):
            logger.info("%d requests waiting in the shared queue", len(self.queue))
        self._beat()
        self.timer = task.LoopingCall(self.tick)
        self.timer.start(min(1.0, self.heartbeat / 3), now=False)
        logger.info("worker %s joined the crawl at %s", self.worker, self.keys.prefix)

    def _beat(self):
        # Registered again each time: a worker taken for dead after a long pause comes back.
        pipe = self.server.pipeline()
        pipe.set(self.keys.alive(self.worker), str(time.time()), px=int(self.heartbeat * 1000))
        pipe.sadd(self.keys.workers, self.worker)
        pipe.execute()

    def _in_progress(self):
        slot = getattr(self.crawler.engine, "_slot", None)
        return getattr(slot, "inprogress", None)

    def ack_finished(self, all_done: bool = False) -> None:
        """Acknowledge the taken requests the engine has finished (all of them when it is
        idle; without the engine's in-progress set, only then)."""
        inprogress = self._in_progress()
        if all_done:
            self.queue.ack(list(self.queue.taken))
        elif inprogress is not None:
            self.queue.ack([r for r in self.queue.taken if r not in inprogress])

    def tick(self):
        try:
            self._beat()
            self.ack_finished()
            if requeue_dead_workers(self.server, self.keys, except_worker=self.worker):
                self.last_busy = time.monotonic()
            coming = self.run_coming()
            self.watch_loader(coming)
            if len(self.queue) or self.queue.taken or (coming and not self.loader_gone) or self.others_busy():
                self.last_busy = time.monotonic()
                slot = getattr(self.crawler.engine, "_slot", None)
                if slot is not None and not self.queue.taken:
                    slot.nextcall.schedule()  # new work in the shared queue: take it now
        except Exception:  # Redis away for a moment: the next tick tries again
            logger.exception("worker tick failed")

    def others_busy(self) -> bool:
        """Another worker still has requests in flight: what they find (or, if it dies, the
        requests themselves) may come to this one, so it does not count as idle."""
        return in_flight(self.server, self.keys) > len(self.queue.taken)

    def run_coming(self) -> bool:
        """Seeds pushed and not yet planned by the loader: work is on its way."""
        state = self.server.hget(self.keys.run, "state")
        return bool(self.server.llen(self.keys.plans)) or state in (b"planning", b"replan")

    def watch_loader(self, coming: bool) -> None:
        """A run the worker waits for comes only from a live loader: once the loader's lease
        (its lock key, refreshed every second) has been gone WORKER_LOADER_GRACE seconds while
        work is awaited, the worker stops waiting (on_idle closes it; main exits 3)."""
        if not coming or self.server.exists(self.keys.loader):
            self.loader_missing_since = None
            return
        now = time.monotonic()
        self.loader_missing_since = self.loader_missing_since or now
        if self.loader_gone is None and now - self.loader_missing_since >= self.loader_grace:
            state = (self.server.hget(self.keys.run, "state") or b"").decode() or "seeds pushed, not planned"
            self.loader_gone = (f"worker {self.worker}: the loader's lease ({self.keys.loader}) has been gone "
                                f"{now - self.loader_missing_since:.0f} s while the run waits for it "
                                f"({state}): no loader, the worker exits")
            self.server.hset(self.keys.progress, self.worker, self.loader_gone)
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

    def enqueue_request(self, request):
        # As scrapy-redis 0.9.1, without the `spider` argument Scrapy 2.19 deprecates.
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            return False
        try:
            self.queue.push(request)
        except Exception as exc:  # cannot travel through Redis: one recorded error, crawl goes on
            self.crawler._archive_session.error(request.meta.get("portal"), request.url, "queue",
                                                f"request not queued: {type(exc).__name__}: {exc}")
            return False
        if self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        self.ack_finished()
        request = self.queue.pop()
        if request is not None:
            self.last_busy = time.monotonic()
            if self.stats:
                self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def on_idle(self, spider):
        self.ack_finished(all_done=True)  # idle: nothing downloading, nothing being scraped
        if self.loader_gone:
            logger.error(self.loader_gone)
            raise CloseSpider(LOADER_GONE)
        if self.idle_exit > 0 and time.monotonic() - self.last_busy >= self.idle_exit:
            logger.info("queue empty for %.0f s: worker %s exits", self.idle_exit, self.worker)
            return
        raise DontCloseSpider

    def close(self, reason):
        if getattr(self, "timer", None) is not None and self.timer.running:
            self.timer.stop()
        self.ack_finished(all_done=reason == "finished")
        # Whatever is still taken (a shutdown mid-crawl) goes back for another worker.
        self.server.delete(self.keys.alive(self.worker))
        requeue_dead_workers(self.server, self.keys)
        logger.info("worker %s left the crawl (%s)", self.worker, reason)
