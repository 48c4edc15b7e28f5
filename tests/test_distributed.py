"""Distributed mode with a real Redis (redis-server on a free 127.0.0.1 port): workers and
one loader crawl the replica together, and the archive is the one a single-machine crawl of
the same replica makes; a worker killed mid-crawl loses nothing; a second run revalidates;
a message delivered twice changes nothing."""
from __future__ import annotations

import signal
import time
import urllib.parse

import pytest
import redis
import sqlite_utils

from crawler.distributed import messages
from crawler.distributed.keys import Keys

from .redis_servers import push_seeds, redis_server, start_loader, start_worker
from .servers import SITES, crawl, free_port, replica, seeds_file

CELL_TABLES = {"applications": ("row_key", "column_key"), "active_disclosure": ("key",),
               "review_litigation": ("block", "outcome"), "legacy_indicators": ("position",)}


def archive_contents(path) -> dict:
    """Reports (by URL path) with their identity and every cell: what must not depend on
    how many machines crawled."""
    db = sqlite_utils.Database(path)
    out = {}
    for r in db["reports"].rows:
        key = urllib.parse.urlsplit(r["url"]).netloc, urllib.parse.urlsplit(r["url"]).path
        cells = {}
        for table, cols in CELL_TABLES.items():
            for c in db[table].rows_where("report_id = ?", [r["id"]]):
                cells[(table, *[c[k] for k in cols])] = c["value"]
        out[key] = {"title": r["title"], "organ": r["organ"], "year": r["report_year"],
                    "status": r["status"], "digest": r["content_digest"], "format": r["format"],
                    "check_status": r["check_status"], "cells": cells}
    return out


def run_distributed(url, tmp, name, workers=2, idle_exit=6, loader_idle=8, extra=()):
    procs = [start_worker(url, tmp / "warcs", tmp / f"{name}-w{i}.log", idle_exit=idle_exit,
                          worker_id=f"{name}-w{i}", extra=extra) for i in range(workers)]
    loader = start_loader(url, tmp / "x.db", tmp / f"{name}-loader.log", idle_exit=loader_idle)
    codes = [p.wait(timeout=600) for p in procs + [loader]]
    return codes, (tmp / f"{name}-loader.log").read_text()


@pytest.fixture(scope="module")
def crawls(tmp_path_factory):
    """One replica; a single-machine crawl of it, and three workers + a loader on Redis
    (then a second distributed run of the same seeds)."""
    tmp = tmp_path_factory.mktemp("distributed")
    with replica({s: free_port() for s in SITES}) as sites, redis_server() as url:
        seeds = seeds_file(tmp / "seeds.yml", sites)
        single = crawl(seeds, tmp / "single" / "archive.db")
        assert single.returncode == 0, single.stderr[-3000:]
        pushed = push_seeds(seeds, url)
        assert pushed.returncode == 0, pushed.stderr
        first_codes, first_log = run_distributed(url, tmp, "first", workers=3)
        first = {"contents": archive_contents(tmp / "x.db"),
                 "captures": sqlite_utils.Database(tmp / "x.db")["captures"].count}
        push_seeds(seeds, url)
        second_codes, second_log = run_distributed(url, tmp, "second", workers=2)
        yield {"tmp": tmp, "sites": sites, "seeds": seeds, "url": url,
               "single": archive_contents(tmp / "single" / "archive.db"),
               "first": first, "first_codes": first_codes, "first_log": first_log,
               "second_codes": second_codes, "second_log": second_log,
               "db": sqlite_utils.Database(tmp / "x.db")}


def test_workers_and_loader_make_the_single_machine_archive(crawls):
    assert crawls["first_codes"] == [0, 0, 0, 0], crawls["first_log"][-3000:]
    single, first = crawls["single"], crawls["first"]["contents"]
    assert len(single) == len(SITES) + 1  # every replica portal's report, two on jcms (南湖 2023 and 2022)
    assert first.keys() == single.keys()
    for key in single:
        assert first[key] == single[key], key
    db = crawls["db"]
    runs = list(db.query("select * from crawl_runs order by run, portal"))
    first_run = [r for r in runs if r["run"] == runs[0]["run"]]
    assert len(first_run) == len(SITES)
    # one new report per portal, two on jcms (南湖 2023 and 2022)
    assert all(r["status"] in ("ok", "ok_with_errors") and r["reports_new"] == (2 if r["portal"] == "replica-jiaxing" else 1)
               for r in first_run)
    assert sum(r["browser_renders"] for r in first_run) >= 1  # the script-built list, in Chromium


def test_every_capture_points_at_a_worker_warc_record(crawls):
    from archive.warc import read_capture

    db = crawls["db"]
    files = {r["warc_file"] for r in db["captures"].rows}
    assert files and all(f.startswith("warcs/capture-first-w") or f.startswith("warcs/capture-second-w")
                         for f in files)
    for report in db["reports"].rows:
        row, body = read_capture(db, report["capture_id"], crawls["tmp"])
        assert row["digest"] == report["content_digest"]
        assert body  # the bytes the figures were read from, from the worker's file


def test_second_run_revalidates_known_reports(crawls):
    assert crawls["second_codes"] == [0, 0, 0], crawls["second_log"][-3000:]
    db = crawls["db"]
    run_ids = [r["run"] for r in db.query("select distinct run from crawl_runs order by run")]
    assert len(run_ids) == 2
    second = list(db["crawl_runs"].rows_where("run = ?", [run_ids[1]]))
    assert len(second) == len(SITES)
    for row in second:
        # Known reports were asked for again (conditionally) and found unchanged; the
        # remembered columns were walked instead of the whole navigation.
        assert row["reports_found"] >= 1 and row["reports_unchanged"] == row["reports_found"], row
        assert row["reports_new"] == 0 and row["discovery"] == "known_columns", row
    first_finished = min(r["finished_at"] for r in db["crawl_runs"].rows_where("run = ?", [run_ids[0]]))
    assert all(r["last_checked_at"] > first_finished for r in db["reports"].rows)
    assert archive_contents(crawls["tmp"] / "x.db") == crawls["first"]["contents"]
    assert db["captures"].count == crawls["first"]["captures"]  # nothing stored twice


def test_a_worker_killed_mid_crawl_loses_nothing(crawls, tmp_path):
    """Worker A (slow, so it holds requests) is killed with SIGKILL while it has requests
    in flight; worker B, started after, crawls them once A's heartbeat has lapsed."""
    with redis_server() as url:
        assert push_seeds(crawls["seeds"], url).returncode == 0
        server, keys = redis.Redis.from_url(url), Keys()
        loader = start_loader(url, tmp_path / "x.db", tmp_path / "loader.log", idle_exit=10)
        slow = start_worker(url, tmp_path / "warcs", tmp_path / "a.log", idle_exit=60, worker_id="a",
                            extra=("-s", "DOWNLOAD_DELAY=0.7", "-s", "WORKER_HEARTBEAT=3"))
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # mid-crawl: some messages loaded, requests in flight
            if server.zcard(keys.inflight("a")) >= 3 and server.hget(keys.run, "state") == b"crawling" \
                    and server.scard(keys.captured) >= 5:
                break
            time.sleep(0.1)
        else:
            pytest.fail("worker a never had requests in flight")
        lost = server.zcard(keys.inflight("a"))
        slow.send_signal(signal.SIGKILL)
        slow.wait(timeout=10)
        assert server.zcard(keys.inflight("a")) == lost  # still noted as taken by a
        other = start_worker(url, tmp_path / "warcs", tmp_path / "b.log", idle_exit=8, worker_id="b",
                             extra=("-s", "WORKER_HEARTBEAT=3"))
        assert other.wait(timeout=600) == 0
        assert loader.wait(timeout=120) == 0, (tmp_path / "loader.log").read_text()[-3000:]
        assert not server.exists(keys.inflight("a"))
        assert "queued again" in (tmp_path / "b.log").read_text() + (tmp_path / "loader.log").read_text()
    assert archive_contents(tmp_path / "x.db") == crawls["single"]
    runs = list(sqlite_utils.Database(tmp_path / "x.db")["crawl_runs"].rows)
    assert len(runs) == len(SITES) and all(r["reports_found"] >= 1 for r in runs)


def test_a_message_delivered_twice_changes_nothing(files, tmp_path):
    """The loader takes a message, writes it, and only then lets it go; a copy delivered
    again (a loader that died between commit and acknowledgement) adds no row."""
    from archive.records import ReportPage
    from crawler.distributed.loader import Loader

    body = (files / "pages" / "pingtan-2019-trs.htm").read_bytes()
    page = ReportPage(portal="p", url="http://127.0.0.1:9/r.htm", final_url="http://127.0.0.1:9/r.htm",
                      list_title=None, fetched_at="2026-11-27T00:00:00+00:00",
                      capture_id={"url": "http://127.0.0.1:9/r.htm", "digest": "sha1:X", "status": 200,
                                  "content_type": "text/html", "length": len(body), "warc_file": "w",
                                  "warc_offset": 0, "warc_length": 1, "run": "r1"},
                      capture_new=True, status=200, content_type="text/html; charset=utf-8", body=body)
    with redis_server() as url:
        server, keys = redis.Redis.from_url(url), Keys("t")
        loader = Loader(server, keys, tmp_path / "a.db")
        loader.db["portals"].insert({"id": "p", "name": "P", "url": "http://127.0.0.1:9/"})
        raw = messages.encode_item(page, "r1", "w")
        error = messages.encode("error", "r1", {"portal": "p", "url": "u", "stage": "fetch", "message": "m"})
        counts = []
        for _ in range(2):
            server.lpush(keys.items, raw, error)
            assert loader.recover() == 0
            while (taken := loader.take(timeout=0.1)) is not None:
                loader.load(taken)
            counts.append({t: loader.db[t].count for t in ("reports", "captures", "applications", "errors")})
        assert counts[0] == counts[1] and counts[0]["reports"] == 1 and counts[0]["applications"] > 100
        assert counts[0]["errors"] == 1
        # A message taken by a loader that died before acknowledging goes back to the queue.
        server.lpush(keys.processing, raw)
        assert loader.recover() == 1 and server.llen(keys.items) == 1
        server.delete(keys.items)
        # A message that cannot be written is kept aside with one recorded error.
        broken = messages.encode("report", "r1", {"portal": "p", "url": "http://127.0.0.1:9/x"})
        server.lpush(keys.items, broken)
        loader.load(loader.take(timeout=0.1))
        assert server.lrange(keys.failed, 0, -1) == [broken.encode()] and not server.llen(keys.processing)
        error = next(loader.db["errors"].rows_where("stage = 'load'"))
        assert error["url"] == "http://127.0.0.1:9/x" and "TypeError" in error["message"]
