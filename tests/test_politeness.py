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


def test_the_browser_reference_renders_the_column_without_asking_for_it_again(polite_crawl):
    """The reference render draws the archived answer: each host is asked for its column once."""
    conn = sqlite3.connect(polite_crawl["db"])
    assert conn.execute("select count(*) from captures where rendered").fetchone()[0] >= HOSTS
    for url, host in polite_crawl["counts"]["hosts"].items():
        paths = [path for _, path, *_ in host["log"]]
        column = [p for p in paths if p.endswith("/zfxxgknb/index.html")]
        assert len(column) == 1, (url, paths)


def test_every_report_is_archived_and_progress_is_logged(polite_crawl):
    conn = sqlite3.connect(polite_crawl["db"])
    assert conn.execute("select count(*) from reports").fetchone()[0] == HOSTS * REPORTS
    assert "progress: portals" in polite_crawl["run"].stderr
    statuses = {r[0] for r in conn.execute("select status from crawl_runs")}
    assert statuses == {"ok"}, statuses


def test_hosts_on_one_address_share_its_interval_and_concurrency():
    from crawler.politeness import AddressClock, PoliteSlot

    clock = AddressClock()
    a, b = (PoliteSlot(2, 2.0, clock, jitter=0.05, margin=0.25, floor=2.0) for _ in range(2))
    a.lastseen = 100.0
    assert b.lastseen == 100.0  # b's next request waits for a's
    a.transferring.add("request-1")
    assert b.free_transfer_slots() == 0  # with a delay, one at a time per address
    b.lastseen = 50.0  # the clock never goes back
    assert a.lastseen >= 100.0
    started = a.lastseen
    a.transferring.remove("request-1")  # the answer came: the interval counts from here too
    assert b.lastseen >= started and b.free_transfer_slots() == 1


def test_delay_is_never_shorter_than_its_floors_and_jitter_only_lengthens_it():
    from crawler.politeness import AddressClock, PoliteSlot

    clock = AddressClock()
    slot = PoliteSlot(2, 1.0, clock, jitter=0.05, margin=0.25, floor=2.0)  # AutoThrottle said 1 s
    delays = [slot.download_delay() for _ in range(2000)]
    assert min(delays) >= 2.25 and max(delays) <= 2.0 * 1.05 + 0.25  # margin 0.25 here
    clock.crawl_delay = 5.0  # robots.txt
    assert min(slot.download_delay() for _ in range(200)) >= 5.25


def test_no_delay_means_no_margin():
    from crawler.politeness import AddressClock, PoliteSlot

    assert PoliteSlot(2, 0.0, AddressClock(), jitter=0.05, margin=0.25, floor=0.0).download_delay() == 0.0


def test_what_a_browser_page_waits_for_goes_first_in_its_hosts_queue():
    """A host's queue (crawler/politeness.py): the page's requests ahead of the host's plain
    ones, each kind in the order asked — so an open page is not held behind a host's backlog."""
    import scrapy

    from crawler.politeness import PageFirstQueue

    queue = PageFirstQueue()
    for name, kind in [("a", None), ("b", None), ("css", "stylesheet"), ("c", None), ("js", "script")]:
        queue.append((scrapy.Request(f"http://host/{name}", meta={"browser_fetch": kind} if kind else {}), None))
    assert [request.url.rsplit("/", 1)[1] for request, _ in queue] == ["css", "js", "a", "b", "c"]
    assert queue.popleft()[0].url == "http://host/css"
