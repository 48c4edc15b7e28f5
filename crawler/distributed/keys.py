"""Where everything lives in Redis. One prefix (REDIS_PREFIX, default "reports") per crawl
deployment; two archives can share a Redis server with two prefixes."""
from __future__ import annotations


class Keys:
    def __init__(self, prefix: str = "reports"):
        p = prefix.rstrip(":")
        self.prefix = p
        self.plans = f"{p}:plans"  # list: seeds pushed by push-seeds, planned by the loader
        self.run = f"{p}:run"  # hash: the run being crawled (id, seeds, started_at, state)
        self.portals = f"{p}:portals"  # hash: portal id -> seed entry (JSON)
        self.discovery = f"{p}:discovery"  # hash: portal id -> "full" / "known_columns"
        self.requests = f"{p}:requests"  # sorted set: the shared frontier (scrapy-redis queue)
        self.dupefilter = f"{p}:dupefilter"  # set: request fingerprints of this run
        self.items = f"{p}:items"  # list: messages from workers to the loader
        self.processing = f"{p}:items:processing"  # list: messages the loader holds
        self.failed = f"{p}:items:failed"  # list: messages the loader could not write (kept)
        self.workers = f"{p}:workers"  # set: worker ids ever registered (live or dead)
        self.captured = f"{p}:captured"  # set: "digest url" of captures in the archive
        self.loader = f"{p}:loader"  # string with a TTL: the one loader's lock
        self.progress = f"{p}:progress"  # hash: worker id -> its latest progress line
        # hash: portal id -> the cookies its challenge pass earned (JSON), kept between runs
        self.challenge_cookies = f"{p}:challenge_cookies"

    def inflight(self, worker: str) -> str:
        """Sorted set: requests a worker has taken and not yet finished (score = priority)."""
        return f"{self.prefix}:inflight:{worker}"

    def alive(self, worker: str) -> str:
        """String with a TTL, refreshed by the worker's heartbeat."""
        return f"{self.prefix}:alive:{worker}"

    def host_last(self, address: str) -> str:
        """String: when the last request to a host address started (Redis time), shared by all workers."""
        return f"{self.prefix}:host:{address}:last"

    def host_tokens(self, address: str) -> str:
        """Sorted set: the requests in transfer to a host address (score = when the token expires)."""
        return f"{self.prefix}:host:{address}:tokens"

    def stats(self, run: str, portal: str) -> str:
        """Hash: a portal's counters in a run (pages, bytes, requests, reports_found …)."""
        return f"{self.prefix}:stats:{run}:{portal}"


def keys_from_settings(settings) -> Keys:
    return Keys(settings.get("REDIS_PREFIX") or "reports")
