"""Politeness shared by all workers: each host address's interval and concurrency are a
lease in Redis, so N workers together never send one host more than one worker may.

A worker's download slot (crawler/politeness.py's PoliteSlot) asks Redis, atomically, before
a request leaves it: the address's last start must be at least the delay ago (Redis's own
clock, the same for every machine) and fewer than its concurrency may be in transfer (a
token per request, expiring after DOWNLOAD_TIMEOUT in case a worker dies). Refused, the
slot waits for the time Redis names and asks again; each finished transfer returns its token.
"""
from __future__ import annotations

import itertools
import time

from scrapy_redis.connection import get_redis_from_settings

from ..politeness import AddressClock, PoliteSlot, PolitenessMiddleware
from .keys import keys_from_settings

# KEYS: last start, tokens in transfer. ARGV: delay, concurrency, token, token lifetime.
# Returns "0" (granted) or the seconds to wait.
_CLAIM = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local delay, concurrency = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= concurrency then return '0.2' end
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if now < last + delay then return tostring(last + delay - now) end
redis.call('SET', KEYS[1], tostring(now), 'PX', math.floor((delay + 600) * 1000))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[3])
redis.call('PEXPIRE', KEYS[2], math.floor((tonumber(ARGV[4]) + 600) * 1000))
return '0'
"""

# A transfer ended: its token back, and the interval counts from now too (crawler/politeness.py).
_RELEASE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZREM', KEYS[2], ARGV[1])
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
if now > last then redis.call('SET', KEYS[1], tostring(now), 'PX', math.floor((tonumber(ARGV[2]) + 600) * 1000)) end
return 1
"""


class SharedClock(AddressClock):
    def __init__(self, lease: "Leases", address: str):
        super().__init__()
        self.lease, self.address = lease, address


class SharedSlot(PoliteSlot):
    """A PoliteSlot whose turn is granted by Redis. Scrapy computes `delay - now + lastseen`
    and waits when it is positive: `lastseen` answers with the wait Redis names (or a grant)."""

    _granted: str | None = None
    _delay = 0.0
    _transfers = None

    def __init__(self, *args, **kwargs):
        self._spent: list[str] = []  # grants of requests that left the queue, not yet in transfer
        super().__init__(*args, **kwargs)
        self._transfers = _SharedTransfers(self)

    @property
    def transferring(self):  # the slot's own: each grant belongs to the slot that claimed it
        return self._transfers if self._transfers is not None else set()

    @transferring.setter
    def transferring(self, value):
        pass

    def download_delay(self) -> float:
        self._delay = super().download_delay()
        return self._delay

    @property
    def lastseen(self):
        now = time.monotonic()
        if not self.queue or self.free_transfer_slots() <= 0:  # nothing would leave: claim nothing
            return now
        if self._granted is None:
            wait, token = self.clock.lease.claim(self.clock.address, self._delay, 1)  # one at a time, as locally
            if wait > 0:
                return now - self._delay + wait
            self._granted = token
        return now - self._delay - 1.0

    @lastseen.setter
    def lastseen(self, value):
        # Scrapy sets it as a request leaves the queue: the grant is spent on that request
        if self._granted is not None:
            self._spent.append(self._granted)
            self._granted = None

    def take_grant(self) -> str | None:
        return self._spent.pop(0) if self._spent else None


class _SharedTransfers(set):
    def __init__(self, slot: SharedSlot):
        super().__init__()
        self.slot, self.tokens = slot, {}

    def add(self, request) -> None:
        token = self.slot.take_grant()
        if token:
            self.tokens[request] = token
        super().add(request)

    def remove(self, request) -> None:
        token = self.tokens.pop(request, None)
        if token:
            self.slot.clock.lease.release(self.slot.clock.address, token)
        super().remove(request)


class Leases:
    def __init__(self, settings):
        self.server = get_redis_from_settings(settings)
        self.keys = keys_from_settings(settings)
        self.worker = settings.get("WORKER_ID") or "worker"
        self.lifetime = settings.getfloat("DOWNLOAD_TIMEOUT", 60) * 2
        self._claim = self.server.register_script(_CLAIM)
        self._release = self.server.register_script(_RELEASE)
        self._numbers = itertools.count()

    def claim(self, address: str, delay: float, concurrency: int) -> tuple[float, str]:
        token = f"{self.worker}:{next(self._numbers)}"
        wait = float(self._claim(keys=[self.keys.host_last(address), self.keys.host_tokens(address)],
                                 args=[delay, concurrency, token, self.lifetime]))
        return wait, token

    def release(self, address: str, token: str) -> None:
        self._release(keys=[self.keys.host_last(address), self.keys.host_tokens(address)], args=[token, 60])


class SharedPolitenessMiddleware(PolitenessMiddleware):
    """PolitenessMiddleware with the slots' turns granted by Redis (distributed workers)."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.leases = Leases(crawler.settings)

    def make_clock(self, address: str) -> AddressClock:
        return SharedClock(self.leases, address)

    def make_slot(self, delay: float, clock: AddressClock) -> PoliteSlot:
        return SharedSlot(self.per_host, delay, clock, self.jitter, self.margin, self.floor)
