"""A worker's stand-in for CrawlSession: the same interface for the spider and the capture
middleware, with no archive database. Counters live in Redis (one page budget per portal
for all workers), captures go to the worker's own WARC file, and every fact for the archive
(capture, error, report column) is a message to the loader."""
from __future__ import annotations

import json
from pathlib import Path

from scrapy_redis.connection import get_redis_from_settings

from archive.clock import now
from archive.warc import WarcCapture, payload_digest

from . import messages
from .cookies import SharedChallengeCookies
from .keys import keys_from_settings


class RedisPortals(dict):
    """portal id -> seed entry, read from Redis when first asked for (pushed by the loader)."""

    def __init__(self, server, keys):
        super().__init__()
        self.server, self.keys = server, keys

    def __missing__(self, portal_id):
        raw = self.server.hget(self.keys.portals, portal_id)
        if raw is None:
            raise KeyError(portal_id)
        self[portal_id] = json.loads(raw)
        return self[portal_id]

    def load_all(self) -> "RedisPortals":
        for portal_id, raw in self.server.hgetall(self.keys.portals).items():
            self[portal_id.decode()] = json.loads(raw)
        return self


class _PortalCounters:
    def __init__(self, session, portal):
        self.session, self.portal = session, portal

    def get(self, name, default=0):
        value = self.session.server.hget(self.session.keys.stats(self.session.run, self.portal), name)
        return int(value) if value is not None else default


class _RedisStats:
    """`stats.get(portal, {}).get(name, 0)` as on CrawlSession, read from Redis."""

    def __init__(self, session):
        self.session = session

    def get(self, portal, default=None):
        return _PortalCounters(self.session, portal or "-")


class _RedisDiscovery:
    """portal id -> "full" / "known_columns" for the run, shared by all workers."""

    def __init__(self, server, keys):
        self.server, self.keys = server, keys

    def get(self, portal, default=None):
        value = self.server.hget(self.keys.discovery, portal)
        return value.decode() if value is not None else default

    def __getitem__(self, portal):
        value = self.get(portal)
        if value is None:
            raise KeyError(portal)
        return value

    def __setitem__(self, portal, value):
        self.server.hset(self.keys.discovery, portal, value)


class WorkerCapture:
    """Captures into the worker's own WARC file; the `captures` row travels to the loader.
    Bytes the archive already holds at this URL (the loader lists them in Redis) are not
    written again."""

    def __init__(self, session, warc_dir: Path, worker: str):
        self.session = session
        self.warc = WarcCapture(None, warc_dir, worker, base=warc_dir.parent)
        self.warc.path = warc_dir / f"capture-{worker}.warc.gz"

    def store(self, url: str, body: bytes, *, status: int = 200, headers=(),
              content_type: str = "", rendered: bool = False) -> tuple[dict, bool]:
        digest = payload_digest(body)
        if self.session.server.sismember(self.session.keys.captured, f"{digest} {url}"):
            return {"url": url, "digest": digest}, False
        row = self.warc.write(url, body, status=status, headers=headers,
                              content_type=content_type, rendered=rendered)
        row["run"] = self.session.run
        self.session.send("capture", row)
        return row, True

    def close(self):
        self.warc.close()


class WorkerSession:
    sees_found_years = False  # no archive: a search form met is asked at once (crawler/spiders/lists.py)

    def __init__(self, settings):
        self.settings = settings
        self.server = get_redis_from_settings(settings)
        self.keys = keys_from_settings(settings)
        self.worker = settings.get("WORKER_ID")
        warc_dir = Path(settings.get("WARC_DIR") or "warcs")
        self.capture = WorkerCapture(self, warc_dir, self.worker)
        self.stats = _RedisStats(self)
        self.discovery = _RedisDiscovery(self.server, self.keys)
        self.seeds = None
        self._columns_sent: set = set()
        self._refusals_sent: set = set()
        self.publish_error = None  # the loader publishes; kept for the spider's end
        # the cookies challenge passes earned, shared by the workers and kept between runs
        self.kept_cookies = SharedChallengeCookies(
            self.server, self.keys.challenge_cookies, settings.getfloat("CHALLENGE_COOKIES_KEEP_HOURS", 12) * 3600)

    @property
    def run(self) -> str:
        """The run being crawled (set by the loader when it plans a run; read each time, as
        a long-running worker goes from one run to the next)."""
        value = self.server.hget(self.keys.run, "id")
        return value.decode() if value else "unplanned"

    def send(self, kind: str, data: dict) -> None:
        self.server.lpush(self.keys.items, messages.encode(kind, self.run, data, self.worker))

    def send_item(self, item) -> None:
        self.server.lpush(self.keys.items, messages.encode_item(item, self.run, self.worker))

    def count(self, portal: str | None, name: str, n: int = 1) -> None:
        self.server.hincrby(self.keys.stats(self.run, portal or "-"), name, n)

    def error(self, portal: str | None, url: str | None, stage: str, message: str) -> None:
        self.count(portal, "errors")
        self.send("error", {"portal": portal, "url": url, "stage": stage,
                            "message": message[:2000], "at": now()})

    def refuse(self, portal: str | None, url: str, reason: str) -> None:
        """A request the gate refused: one errors row per worker, portal and reason (the
        count is in the run's counters, `refused`)."""
        self.count(portal, "refused")
        key = (self.run, portal, reason)
        if key not in self._refusals_sent:
            self._refusals_sent.add(key)
            self.error(portal, url, "scope", f"{reason}; not requested: {url} (further ones counted as 'refused')")

    def remember_column(self, portal: str, url: str, search_body: str | None = None, search: bool = False) -> None:
        if (self.run, portal, url) in self._columns_sent:  # once per run and worker is enough
            return
        self._columns_sent.add((self.run, portal, url))
        self.send("column_seen", {"portal": portal, "url": url, "last_seen": now(), "search": search,
                                  "search_body": search_body})

    def column_bodies(self, portal: str) -> dict[str, str]:
        return {}

    def keep_cookies(self, portal: str, cookies: list) -> None:
        self.kept_cookies.keep(portal, cookies, self.run)

    def drop_cookies(self, portal: str) -> None:
        self.kept_cookies.drop(portal)

    def forget_column(self, portal: str, url: str) -> None:
        self.send("column_forgotten", {"portal": portal, "url": url})

    def mark_column(self, portal: str, url: str, route: str) -> None:
        return None  # workers keep no column memory: every column is read as at a full discovery

    def column_routes(self, portal: str) -> dict[str, str]:
        return {}

    def remember_sources(self, report_url: str, sources: list[str]) -> None:
        return None  # a rendered report is rendered again on each distributed run

    def known_columns(self, portal: str, full_every_days: float) -> list[str]:
        return []  # only the loader, which has the archive, plans from remembered columns

    def publish_progress(self, line: str) -> None:
        """The worker's latest progress line (crawler/progress.py), for HGETALL <prefix>:progress."""
        self.server.hset(self.keys.progress, self.worker, f"{now()} {line}")

    def finish(self, portals, reason: str = "finished", **details) -> list[str]:
        """A worker's end: its WARC file closed. The run's rows are the loader's to write."""
        self.capture.close()
        return []

    def summary(self, portals) -> str:
        return f"worker {self.worker} done (the run's summary: the loader's crawl_runs rows)"
