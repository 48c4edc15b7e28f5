"""Politeness against hosts that enforce it (replica/polite.py: each host answers after
0.05–0.3 s and counts every request that comes sooner than its interval, 2 s — or 3 s where
its robots.txt says Crawl-delay: 3): a crawl at the default settings archives every report
with 0 violations. Speed is the bench's (make bench PART=polite), not asserted here."""
from __future__ import annotations

import sqlite3
import subprocess

import pytest

from bench import portals

from .polite_servers import polite_hosts
from .servers import BIN, ROOT

HOSTS, REPORTS = 6, 3


@pytest.fixture(scope="module")
def polite_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("polite")
    sites = portals.generate(tmp / "sites", HOSTS, REPORTS)
    with polite_hosts(tmp / "sites", latency=(0.05, 0.3), crawl_delay_every=3) as (urls, counts):
        seeds = portals.seeds(tmp / "seeds.yml", urls, sites)
        run = subprocess.run([str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}",
                              "-s", f"ARCHIVE_DB={tmp / 'archive.db'}", "-s", "PROGRESS_INTERVAL=5"],
                             cwd=ROOT, capture_output=True, text=True, timeout=900)
        yield {"run": run, "counts": counts(), "db": tmp / "archive.db"}


def test_no_request_comes_sooner_than_the_host_allows(polite_crawl):
    counts = polite_crawl["counts"]
    assert polite_crawl["run"].returncode == 0, polite_crawl["run"].stderr[-3000:]
    assert counts["violations"] == 0, {u: c["log"] for u, c in counts["hosts"].items() if c["violations"]}
    slow = [c for c in counts["hosts"].values() if c["interval"] == 3.0]
    assert slow and all(c["min_gap"] >= 3.0 for c in slow)  # robots.txt's Crawl-delay honoured
    assert all(c["requests"] > REPORTS for c in counts["hosts"].values())


def test_every_report_is_archived_and_progress_is_logged(polite_crawl):
    conn = sqlite3.connect(polite_crawl["db"])
    assert conn.execute("select count(*) from reports").fetchone()[0] == HOSTS * REPORTS
    assert "progress: portals" in polite_crawl["run"].stderr
    statuses = {r[0] for r in conn.execute("select status from crawl_runs")}
    assert statuses == {"ok"}, statuses
