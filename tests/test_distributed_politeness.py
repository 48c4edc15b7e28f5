"""Distributed politeness: two workers share every host's interval and concurrency through
Redis (crawler/distributed/politeness.py), against hosts that enforce a 2 s interval
(replica/polite.py counts every request sooner): 0 violations, every report archived, each
worker's progress in Redis. Speed is not asserted here."""
from __future__ import annotations

import sqlite3

import pytest
import redis

from bench import portals
from crawler.distributed.keys import Keys

from .polite_servers import polite_hosts
from .redis_servers import push_seeds, redis_server, start_loader, start_worker

HOSTS, REPORTS = 4, 3
POLITE = ("-s", "DOWNLOAD_DELAY=2.0", "-s", "AUTOTHROTTLE_ENABLED=True", "-s", "PROGRESS_INTERVAL=2")


@pytest.fixture(scope="module")
def two_workers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("distributed-polite")
    sites = portals.generate(tmp / "sites", HOSTS, REPORTS)
    with polite_hosts(tmp / "sites", latency=(0.05, 0.3)) as (urls, counts), redis_server() as url:
        seeds = portals.seeds(tmp / "seeds.yml", urls, sites)
        assert push_seeds(seeds, url).returncode == 0
        workers = [start_worker(url, tmp / "warcs", tmp / f"w{i}.log", idle_exit=8, worker_id=f"w{i}", extra=POLITE)
                   for i in range(2)]
        loader = start_loader(url, tmp / "x.db", tmp / "loader.log", idle_exit=12)
        codes = [p.wait(timeout=900) for p in workers + [loader]]
        progress = redis.Redis.from_url(url).hgetall(Keys().progress)
        yield {"codes": codes, "counts": counts(), "db": tmp / "x.db", "progress": progress,
               "logs": {p.name: p.read_text() for p in tmp.glob("*.log")}}


def test_two_workers_never_exceed_a_hosts_interval(two_workers):
    assert two_workers["codes"] == [0, 0, 0], {k: v[-2000:] for k, v in two_workers["logs"].items()}
    counts = two_workers["counts"]
    assert counts["violations"] == 0, {u: c["log"] for u, c in counts["hosts"].items() if c["violations"]}
    assert all(c["max_concurrent"] <= 2 for c in counts["hosts"].values())


def test_every_report_is_archived_and_each_worker_shows_progress(two_workers):
    conn = sqlite3.connect(two_workers["db"])
    assert conn.execute("select count(*) from reports").fetchone()[0] == HOSTS * REPORTS
    assert {k.decode() for k in two_workers["progress"]} == {"w0", "w1"}
    assert all(b"progress: portals" in v for v in two_workers["progress"].values())
