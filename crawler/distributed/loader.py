"""The one writer of the archive in distributed mode:
`python -m crawler.distributed.loader --redis redis://host:port/db --archive archive.db`.

- Plans each run pushed by push-seeds from the archive (known reports asked for again
  conditionally, remembered columns or a full discovery) into the shared request queue;
  a new run starts with an empty duplicate filter, so known pages are fetched again.
- Takes the workers' messages one at a time with a reliable queue (BLMOVE into a processing
  list), writes each through archive.ingest in one transaction, and removes it from the
  processing list only after the commit. A message delivered twice changes nothing the
  second time (captures by URL and digest, reports by URL and digest, errors by content).
- When the queue, the workers' in-flight requests and the messages are all done, writes the
  run's crawl_runs rows (pages and bytes from the workers' counters in Redis, what happened
  to the reports read from the archive) and the cross-year checks, and publishes the archive.
- Writes `<name>.working.db` and publishes `<name>.db` from it atomically
  (archive/snapshot.py) at the end of each run and when it exits, as a single-machine crawl.
- With --idle-exit N: exits once no message came for N seconds and no worker is alive (nor
  was in those N seconds, nor a run planned; a planned run's requests untouched in the
  frontier count as activity for WORKER_START_GRACE seconds: workers start slowly on a busy
  machine).
"""
from __future__ import annotations

import argparse
import json
import logging
import os
import secrets
import socket
import sys
import time
from collections import defaultdict
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace

import redis
from scrapy.utils.project import get_project_settings
from scrapy.utils.request import RequestFingerprinter
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue

from archive import ingest, runs, snapshot
from archive.clock import now
from archive.lock import ArchiveLock, ArchiveLocked
from archive.schema import open_archive
from archive.store import cross_year_checks
from extract.bounded import extract_bounded, unreadable

from . import messages
from .keys import Keys
from .scheduler import active_workers, in_flight, requeue_dead_workers
from ..session import FLOW_COUNTERS  # what the workers count and crawl_runs keeps
from .session import _RedisDiscovery, _RedisStats

logger = logging.getLogger("loader")
LOCK_TTL_MS = 30_000


class PlannerSession:
    """What the spider's start() needs to plan a run: the archive (read) and Redis counters."""

    def __init__(self, db, server, keys: Keys, run: str):
        self.db, self.server, self.keys, self.run = db, server, keys, run
        self.stats = _RedisStats(self)
        self.discovery = _RedisDiscovery(server, keys)
        self.seeds = None

    def count(self, portal, name, n=1):
        self.server.hincrby(self.keys.stats(self.run, portal or "-"), name, n)

    def error(self, portal, url, stage, message):
        self.count(portal, "errors")
        runs.record_error(self.db, self.run, portal, url, stage, message)

    def known_columns(self, portal, full_every_days):
        return runs.known_columns(self.db, portal, full_every_days)

    def column_routes(self, portal):
        """The remembered columns that need the browser (the plan renders them again)."""
        return runs.column_routes(self.db, portal)

    def column_bodies(self, portal):
        """The POST bodies of the remembered search columns (the plan asks them again)."""
        return runs.column_bodies(self.db, portal)


# Seconds a planned run's untouched requests keep an idle loader waiting for its workers.
WORKER_START_GRACE = 60.0


class Loader:
    def __init__(self, server, keys: Keys, db_path: Path, settings=None):
        self.server, self.keys = server, keys
        self.db_path = Path(db_path)
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.working = snapshot.prepare_working(self.db_path)
        self.db = open_archive(self.working)
        self.settings = settings or _project_settings()
        self.me = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(2)}"
        self.new_ids: dict[str, dict[int, str]] = defaultdict(dict)  # run -> report id -> portal
        self.removed_ids: dict[str, dict[int, str]] = defaultdict(dict)

    # --- the one loader ------------------------------------------------------------------

    def lock(self) -> bool:
        if self.server.set(self.keys.loader, self.me, nx=True, px=LOCK_TTL_MS):
            return True
        return self.server.get(self.keys.loader) == self.me.encode()

    def keep_lock(self) -> None:
        if self.server.get(self.keys.loader) == self.me.encode():
            self.server.pexpire(self.keys.loader, LOCK_TTL_MS)
        elif not self.lock():
            raise SystemExit("another loader holds the lock: only one writer per archive")

    def unlock(self) -> None:
        if self.server.get(self.keys.loader) == self.me.encode():
            self.server.delete(self.keys.loader)

    def recover(self) -> int:
        """Messages a previous loader took and did not finish go back to the queue."""
        n = 0
        while self.server.lmove(self.keys.processing, self.keys.items, "LEFT", "RIGHT"):
            n += 1
        return n

    # --- planning ------------------------------------------------------------------------

    def run_state(self) -> dict:
        return {k.decode(): v.decode() for k, v in self.server.hgetall(self.keys.run).items()}

    def plan_next(self) -> str | None:
        """Turn the oldest pushed plan into the run's first requests (no other run active)."""
        if self.run_state().get("state") in ("planning", "crawling"):
            return None
        raw = self.server.lindex(self.keys.plans, -1)
        if raw is None:
            return None
        plan = json.loads(raw)
        run = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-d{os.getpid()}"
        portals = plan["portals"]
        pipe = self.server.pipeline()
        pipe.delete(self.keys.dupefilter, self.keys.discovery, self.keys.portals, self.keys.run)
        pipe.hset(self.keys.portals, mapping={p["id"]: json.dumps(p, ensure_ascii=False) for p in portals})
        pipe.hset(self.keys.run, mapping={"id": run, "seeds": plan["seeds_path"], "state": "planning",
                                          "started_at": now(), "portals": len(portals)})
        pipe.execute()
        self._publish_captured()
        n = self._queue_start_requests(run, plan, portals)
        self.server.hset(self.keys.run, "state", "crawling")
        self.server.rpop(self.keys.plans)
        logger.info("run %s planned: %d portals, %d first requests", run, len(portals), n)
        return run

    def _publish_captured(self) -> None:
        """Tell the workers which bytes this archive holds (they skip writing them again)."""
        self.server.delete(self.keys.captured)
        batch = []
        for row in self.db.query("select digest, url from captures"):
            batch.append(f"{row['digest']} {row['url']}")
            if len(batch) == 10_000:
                self.server.sadd(self.keys.captured, *batch)
                batch = []
        if batch:
            self.server.sadd(self.keys.captured, *batch)

    def _queue_start_requests(self, run: str, plan: dict, portals: list[dict]) -> int:
        import asyncio

        from .worker import DistributedReportsSpider

        session = PlannerSession(self.db, self.server, self.keys, run)
        spider = DistributedReportsSpider()
        spider.settings = self.settings
        spider.crawler = SimpleNamespace(_archive_session=session, settings=self.settings,
                                         request_fingerprinter=RequestFingerprinter())
        spider.portals = {p["id"]: p for p in portals}
        spider.seeds_path = plan["seeds_path"]
        queue = PriorityQueue(self.server, spider, self.keys.requests)
        dupefilter = RFPDupeFilter(self.server, self.keys.dupefilter)

        async def collect():
            return [r async for r in super(DistributedReportsSpider, spider).start()]

        requests = asyncio.run(collect())
        self.db.conn.commit()
        n = 0
        for request in requests:
            # (every planned request is marked seen, dont_filter ones too — a known report is
            # revalidated whatever a list links — so a list's link to it is not fetched again)
            if not dupefilter.request_seen(request) or request.dont_filter:
                queue.push(request)
                n += 1
        return n

    # --- messages ------------------------------------------------------------------------

    def take(self, timeout: float = 1.0):
        return self.server.blmove(self.keys.items, self.keys.processing, timeout, "RIGHT", "LEFT")

    def load(self, raw: bytes) -> None:
        """One message into the archive, committed; then acknowledged."""
        captured: list[str] = []
        counts: list[tuple[str, str, int]] = []
        try:
            message = messages.decode(raw)
            with self.db.atomic():
                self._apply(message, captured, counts)
        except Exception as exc:  # one bad message must not stop the loader: kept aside, recorded
            self._failed(raw, exc)
            return
        pipe = self.server.pipeline()
        if captured:
            pipe.sadd(self.keys.captured, *captured)
        for portal, name, n in counts:
            pipe.hincrby(self.keys.stats(message["run"], portal or "-"), name, n)
        pipe.lrem(self.keys.processing, 1, raw)
        pipe.execute()

    def _failed(self, raw: bytes, exc: Exception) -> None:
        try:
            message = messages.decode(raw)
        except Exception:
            message = {"run": None, "data": {}}
        data = message.get("data") or {}
        text = f"message not loaded (kept in {self.keys.failed}): {type(exc).__name__}: {exc}"
        logger.error("%s", text)
        runs.record_error(self.db, message.get("run"), data.get("portal"), data.get("url"), "load", text)
        pipe = self.server.pipeline()
        pipe.lpush(self.keys.failed, raw)
        pipe.lrem(self.keys.processing, 1, raw)
        pipe.execute()

    def _apply(self, message: dict, captured: list, counts: list) -> None:
        kind, run, data = message["kind"], message["run"], message["data"]
        if kind == "capture":
            self._capture(data, captured)
        elif kind == "error":
            self._error(run, data)
        elif kind == "column_seen":
            if self.db["portals"].count_where("id = ?", [data["portal"]]):
                row = {"portal": data["portal"], "url": data["url"], "last_seen": data["last_seen"], "run": run}
                if data.get("search"):  # a column reached through the portal's search form
                    row.update(route="search", post_body=data.get("search_body"))
                self.db["report_columns"].upsert(row, pk=("portal", "url"))
        elif kind == "column_forgotten":
            runs.forget_column(self.db, data["portal"], data["url"])
        elif kind in messages.ITEM_KINDS:
            item = messages.item_of(message)
            if isinstance(item.capture_id, dict):
                item.capture_id = self._capture(item.capture_id, captured)
            self._item(run, item, counts)
        else:
            logger.error("unknown message kind %r: dropped", kind)

    def _capture(self, row: dict, captured: list) -> int | None:
        """The `captures` row of a worker's record (inserted once per URL and digest)."""
        captured.append(f"{row['digest']} {row['url']}")
        found = next(self.db["captures"].rows_where("url = ? and digest = ?", [row["url"], row["digest"]],
                                                    select="id"), None)
        if found:
            return found["id"]
        if "warc_file" not in row:  # the worker skipped bytes the archive holds; they are gone
            logger.error("capture of %s not in the archive", row["url"])
            return None
        return self.db["captures"].insert(row).last_pk

    def _error(self, run: str, data: dict) -> None:
        row = {"run": run, "portal": data["portal"], "url": data["url"], "stage": data["stage"],
               "message": data["message"], "at": data.get("at") or now()}
        same = self.db.execute(
            "select 1 from errors where run is ? and portal is ? and url is ? and stage is ? "
            "and message is ?", [run, row["portal"], row["url"], row["stage"], row["message"]]).fetchone()
        if not same:
            self.db["errors"].insert(row)

    def _item(self, run: str, item, counts: list) -> None:
        """As the single-machine pipeline (crawler/pipelines.py) does, through archive.ingest
        (extraction in a bounded worker process, extract/bounded.py)."""
        if isinstance(item, messages.ReportGone):
            report_id = ingest.mark_removed(self.db, item, run=run)
            if report_id is not None:
                self.removed_ids[run][report_id] = item.portal
                counts.append((item.portal, "reports_removed", 1))
            return
        if isinstance(item, messages.AttachmentFile):
            extracted = None
            if ingest.attachment_needs_extraction(self.db, item):
                extracted = extract_bounded(item.body, item.final_url, item.content_type)
            ingest.ingest_attachment(self.db, item, extracted)
            problem = extracted and (extracted.get("refused") or unreadable(extracted))
            if problem:
                self._error(run, {"portal": item.portal, "url": item.url, "stage": "extract",
                                  "message": f"attachment not read: {problem}"})
            return
        counts.append((item.portal, "reports_found", 1))
        outcome = ingest.ingest_report(self.db, item, run=run)
        if outcome.removed is not None:  # (its report may turn up at a new URL in this run: a move)
            self.removed_ids[run][outcome.removed] = item.portal
        if outcome.message:  # refused, or stored but its document could not be read
            counts.append((item.portal, "errors", 1))
            self._error(run, {"portal": item.portal, "url": item.url, "stage": outcome.stage,
                              "message": outcome.message})
        if outcome.kind == "new":
            self.new_ids[run][outcome.report_id] = item.portal
        counts.append((item.portal, f"reports_{outcome.kind}", 1))

    # --- the end of a run ----------------------------------------------------------------

    def run_done(self) -> bool:
        """The run's queue, in-flight requests and messages are all empty."""
        return (self.run_state().get("state") == "crawling" and not self.server.zcard(self.keys.requests)
                and not in_flight(self.server, self.keys) and not self.server.llen(self.keys.items)
                and not self.server.llen(self.keys.processing))

    def finish_run(self) -> str:
        state = self.run_state()
        run = state["id"]
        portals = [json.loads(v) for v in self.server.hgetall(self.keys.portals).values()]
        self._merge_moved(run)
        discovery = _RedisDiscovery(self.server, self.keys)
        for portal in portals:
            flow = {k.decode(): int(v) for k, v in self.server.hgetall(self.keys.stats(run, portal["id"])).items()}
            row = {"run": run, "portal": portal["id"], "seeds": state.get("seeds"),
                   "started_at": state.get("started_at"), "finished_at": now(),
                   "discovery": discovery.get(portal["id"], "full"),
                   **{name: flow.get(name, 0) for name in FLOW_COUNTERS},
                   **runs.report_counts(self.db, run, portal["id"])}
            if not row["reports_found"]:
                note = ("had reports before and yields none now"
                        if runs.report_count(self.db, portal["id"]) else "found no report")
                runs.record_error(self.db, run, portal["id"], portal["url"], "discover", f"{portal['id']}: {note}")
                row.update(runs.report_counts(self.db, run, portal["id"]), status="no_reports", note=note)
            else:
                row.update(status="ok" if not row["errors"] else "ok_with_errors", note=None)
            runs.save_run(self.db, row)
            self.server.expire(self.keys.stats(run, portal["id"]), 7 * 86400)
        cross_year_checks(self.db)
        snapshot.publish(self.working, self.db_path)
        self.server.hset(self.keys.run, mapping={"state": "finished", "finished_at": now()})
        logger.info("run %s finished: %d portals; %s published", run, len(portals), self.db_path)
        return run

    def _merge_moved(self, run: str) -> None:
        ingest.record_moves(self.db, self.removed_ids.pop(run, {}), self.new_ids.pop(run, {}), run=run)

    # --- the loop ------------------------------------------------------------------------

    def serve(self, idle_exit: float = 0.0) -> int:
        if not self.lock():
            logger.error("another loader is running for %s: only one writer per archive", self.keys.prefix)
            return 2
        try:
            recovered = self.recover()
            if recovered:
                logger.info("%d messages of a previous loader taken up again", recovered)
            if self.run_state().get("state") == "planning":  # a loader stopped while planning
                self.server.hset(self.keys.run, "state", "replan")
            last_active = time.monotonic()
            last_check = planned_at = 0.0
            while True:
                if time.monotonic() - last_check > 1.0:
                    last_check = time.monotonic()
                    self.keep_lock()
                    requeue_dead_workers(self.server, self.keys)
                    if self.plan_next():
                        planned_at = last_active = time.monotonic()
                    elif active_workers(self.server, self.keys) or (
                            time.monotonic() - planned_at < WORKER_START_GRACE
                            and self.server.zcard(self.keys.requests)):
                        last_active = time.monotonic()  # workers may take a while to start
                raw = self.take(timeout=1.0)
                if raw is not None:
                    self.load(raw)
                    last_active = time.monotonic()
                    continue
                if self.run_done():
                    self.finish_run()
                    continue
                if idle_exit > 0 and time.monotonic() - last_active >= idle_exit \
                        and not self.server.llen(self.keys.items):
                    logger.info("no message for %.0f s and no worker alive: loader exits", idle_exit)
                    return 0
        finally:
            self.db.conn.close()
            snapshot.publish(self.working, self.db_path)
            try:
                self.unlock()
            except redis.RedisError:
                pass  # Redis gone: the lock expires by itself


def _project_settings():
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "crawler.settings")
    return get_project_settings()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--redis", required=True, help="redis://host:port/db")
    parser.add_argument("--prefix", default="reports")
    parser.add_argument("--archive", default="archive.db")
    parser.add_argument("--idle-exit", type=float, default=0.0,
                        help="exit once no message came this long and no worker is alive (0: never)")
    parser.add_argument("-s", "--set", action="append", default=[], metavar="NAME=VALUE",
                        help="a crawl setting used when planning (FULL_DISCOVERY_DAYS, PORTAL_PAGE_BUDGET)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s [%(name)s] %(levelname)s: %(message)s")
    settings = _project_settings()
    for pair in args.set:
        name, _, value = pair.partition("=")
        settings.set(name, value, priority="cmdline")
    try:
        server = redis.Redis.from_url(args.redis)
        server.ping()
        with ArchiveLock(args.archive, "loader"):
            return Loader(server, Keys(args.prefix), Path(args.archive), settings).serve(args.idle_exit)
    except ArchiveLocked as exc:
        logger.error("%s; the loader does not start", exc)
        return 75
    except redis.RedisError as exc:
        logger.error("Redis at %s: %s", args.redis, exc)
        return 2


if __name__ == "__main__":
    sys.exit(main())
