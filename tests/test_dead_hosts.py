"""Hosts that cannot be reached, crawled for real on 127.0.6.x (crawler/retry.py): a
blackhole (accepts, never answers) and a refused port beside a healthy portal. Each dead
host is tried RETRY_UNREACHABLE_TIMES more after its first failure (robots.txt), then nothing more is sent to it (homepage, sitemap.xml): one errors row for
the portal, status `unreachable`, and the progress line does not call it done before then."""
from __future__ import annotations

import subprocess
import urllib.parse

import pytest
import sqlite_utils
import yaml

from .servers import BIN, ROOT
from .world import attacks4 as a4
from .world.portals import page
from .world.server import Answer, Site

UNREACHABLE_TIMES = 2


@pytest.fixture(scope="module")
def dead_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dead-hosts")
    healthy = a4.portal(0, "healthy", "青田县人民政府")
    routes = dict(healthy.routes)
    routes["/about.html"] = Answer(200, page("本站概况", "<p>概况</p>").encode())
    routes["/robots.txt"] = Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain")
    site = Site(routes, host="127.0.6.10").start()
    hole = a4.Blackhole("127.0.6.11")
    refused = f"127.0.6.12:{a4.refused_port('127.0.6.12')}"
    netlocs = {"healthy": urllib.parse.urlsplit(site.base).netloc, "blackhole": f"127.0.6.11:{hole.port}",
               "refused": refused}
    entries = [{"id": f"dead-{name}", "name": f"{name}县人民政府", "url": f"http://{netloc}/", "region": "浙江省",
                "level": "county", "allowed_hosts": [netloc]} for name, netloc in netlocs.items()]
    seeds = tmp / "seeds.yml"
    seeds.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    try:
        proc = subprocess.run([str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}",
                               "-s", f"ARCHIVE_DB={tmp / 'archive.db'}", "-s", "DOWNLOAD_DELAY=0",
                               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "DOWNLOAD_TIMEOUT=3",
                               "-s", "PROGRESS_INTERVAL=1", "-s", "BROWSER_REFERENCE=False",
                               # 3 attempts: a window in which robots.txt has left the downloader
                               # twice while the homepage waits for it (the progress line's test)
                               "-s", f"RETRY_UNREACHABLE_TIMES={UNREACHABLE_TIMES}"],
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        connections = len(hole.conns)
    finally:
        site.stop()
        hole.stop()
    return {"proc": proc, "db": sqlite_utils.Database(tmp / "archive.db"), "netlocs": netlocs,
            "connections": connections, "healthy": healthy}


def test_a_blackhole_is_asked_for_robots_txt_and_then_never_again(dead_crawl):
    proc = dead_crawl["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert proc.returncode == 1, proc.stderr[-2000:]
    # robots.txt, then RETRY_UNREACHABLE_TIMES more at once: no homepage, no sitemap.xml
    assert dead_crawl["connections"] == 1 + UNREACHABLE_TIMES, dead_crawl["connections"]


@pytest.mark.parametrize("name", ["blackhole", "refused"])
def test_a_dead_host_is_one_errors_row_and_unreachable(dead_crawl, name):
    db, netloc = dead_crawl["db"], dead_crawl["netlocs"][name]
    errors = [(e["stage"], e["url"], e["message"]) for e in db["errors"].rows_where("portal = ?", [f"dead-{name}"])]
    assert len(errors) == 1, errors
    stage, url, message = errors[0]
    assert stage == "fetch" and url == f"http://{netloc}/" and "unreachable" in message, errors
    (run,) = db["crawl_runs"].rows_where("portal = ?", [f"dead-{name}"])
    assert run["status"] == "unreachable" and run["note"], run


def test_the_healthy_portal_is_archived_beside_them(dead_crawl):
    db = dead_crawl["db"]
    got = {urllib.parse.urlsplit(r["url"]).path for r in db["reports"].rows_where("portal = 'dead-healthy'")}
    assert set(dead_crawl["healthy"].reports) <= got, got
    (run,) = db["crawl_runs"].rows_where("portal = 'dead-healthy'")
    assert run["status"] == "ok", run


def test_the_progress_line_does_not_say_done_before_the_dead_hosts_are_given_up(dead_crawl):
    lines = dead_crawl["proc"].stderr.splitlines()
    gave_up = min(i for i, line in enumerate(lines) if "homepage" in line and "unreachable" in line
                  and "dead-blackhole" in line)  # the spider gives the portal up
    early = [line for line in lines[:gave_up] if "progress: portals 3/3 done" in line]
    assert not early, early
