"""Round 3 of the world's attacks (tests/world/attacks3.py): bounds at scale.

- crawl: many portals that need the browser at once, each host enforcing its interval on
  every request (Scrapy's and Chromium's alike), a challenge that floods cookies, a search
  whose results never end — every report archived, 0 interval violations, the crawl's
  process tree (Scrapy, Chromium and its children, LibreOffice) < 1 GiB summed, sampled
  (PSS: shared pages shared out) every 0.25 s; an endless search bounded and recorded.
The site's round-3 requests (attacks3.site_queries) run in tests/test_world_attacks.py on
its crawled archive.

WORLD_CASES=all: 12 browser portals; the default 6."""
from __future__ import annotations

import os
import subprocess
import threading
import time
import urllib.parse

import psutil
import pytest
import sqlite_utils
import yaml

from .servers import BIN, ROOT
from .world import attacks3 as a3
from .world.known import params
from .world.server import Site

ALL = os.environ.get("WORLD_CASES") == "all"
BROWSER_PORTALS = 12 if ALL else 6
INTERVAL = 1.0  # each host's own minimum interval, and the crawl's DOWNLOAD_DELAY
TREE_BOUND_MB = 1024


def _tree_mb(proc: psutil.Process) -> tuple[float, float]:
    """(RSS, PSS) of the process tree summed, MB. PSS shares each shared page among the
    processes mapping it (Chromium's processes share much), so it is the tree's real cost."""
    rss = pss = 0
    try:
        for p in [proc, *proc.children(recursive=True)]:
            try:
                full = p.memory_full_info()
                rss += full.rss
                pss += getattr(full, "pss", full.rss)
            except psutil.Error:
                pass
    except psutil.Error:
        pass
    return rss / 2**20, pss / 2**20


@pytest.fixture(scope="module")
def scale(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-scale")
    portals = [a3.browser_portal(i, f"{name}人民政府", INTERVAL)
               for i, name in enumerate(["青田县", "龙游县", "吴起县", "合江县", "永嘉县", "海盐县", "桐乡市", "平湖市",
                                         "嘉善县", "德清县", "安吉县", "长兴县"][:BROWSER_PORTALS])]
    portals += [a3.challenge_cookie_flood("开化县人民政府"), a3.endless_search("常山县人民政府")]
    sites, entries = [], []
    try:
        for i, p in enumerate(portals):
            site_ = Site(dict(p.routes), host=f"127.0.3.{10 + i}", fallback=p.fallback)
            a3.guarded(site_, p).start()
            sites.append(site_)
            entries.append({"id": f"scale-{p.name}", "name": p.organ, "url": site_.base + "/", "level": "county",
                            "allowed_hosts": [urllib.parse.urlsplit(site_.base).netloc]})
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        db_path = tmp / "archive.db"
        cmd = [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db_path}",
               "-s", f"DOWNLOAD_DELAY={INTERVAL}", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
               "-s", "DOWNLOAD_TIMEOUT=10", "-s", "RETRY_TIMES=1", "-s", "PORTAL_PAGE_BUDGET=60"]
        err = open(tmp / "crawl.log", "w+")
        start = time.monotonic()
        popen = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err, text=True)
        proc, peak, samples = psutil.Process(popen.pid), [0.0, 0, 0.0], [0]
        stop = threading.Event()

        def sample_tree():
            while not stop.is_set():
                rss, pss = _tree_mb(proc)
                if pss > peak[0]:
                    peak[0], peak[2] = pss, rss
                    try:
                        peak[1] = len(proc.children(recursive=True))
                    except psutil.Error:
                        pass
                samples[0] += 1
                time.sleep(0.25)

        t = threading.Thread(target=sample_tree, daemon=True)
        t.start()
        try:
            popen.wait(timeout=900)
        except subprocess.TimeoutExpired:
            popen.kill()
            popen.wait()
        seconds = time.monotonic() - start
        stop.set()
        t.join(timeout=5)
        err.seek(0)
        stderr = err.read()
    finally:
        for s in sites:
            s.stop()
    db = sqlite_utils.Database(db_path) if db_path.exists() else None
    print(f"scale crawl: {seconds:.0f} s, peak tree PSS {peak[0]:.0f} MB (RSS summed {peak[2]:.0f} MB, "
          f"{peak[1]} children), {samples[0]} samples")
    first = portals[0].enforcer.times
    print("host timeline of", portals[0].name, [(round(t - first[0][0], 2), path) for t, path, _ in first])
    return {"portals": portals, "db": db, "rc": popen.returncode, "stderr": stderr, "seconds": seconds,
            "peak_mb": peak[0], "children": peak[1], "peak_rss_mb": peak[2]}


def _rows(scale, p):
    return list(scale["db"]["reports"].rows_where("portal = ?", [f"scale-{p.name}"]))


@pytest.mark.parametrize("name", params("attack3", ["browser-portals", "challenge-cookie-flood", "endless-search"]))
def test_every_report_archived_at_scale(scale, name):
    group = [p for p in scale["portals"] if p.name.startswith(name.split("-portals")[0])]
    missing = {}
    for p in group:
        got = {urllib.parse.urlsplit(r["url"]).path for r in _rows(scale, p)}
        lost = [r for r in p.reports if r not in got]
        if lost:
            missing[p.name] = lost
    assert not missing, f"{len(missing)}/{len(group)} portals lost reports: {dict(list(missing.items())[:4])}"


@pytest.mark.parametrize("_", params("attack3", ["politeness"]))
def test_no_host_sees_a_request_closer_than_its_interval(scale, _):
    bad = {}
    for p in scale["portals"]:
        e = getattr(p, "enforcer", None)
        if e and e.violations:
            by_agent = {}
            for gap, path, agent in e.violations:
                by_agent[agent] = by_agent.get(agent, 0) + 1
            bad[p.name] = (by_agent, e.violations[:3])
    total = sum(len(p.enforcer.times) for p in scale["portals"] if getattr(p, "enforcer", None))
    assert not bad, f"{len(bad)} hosts saw requests closer than {INTERVAL} s (of {total} requests): {dict(list(bad.items())[:4])}"


@pytest.mark.parametrize("_", params("attack3", ["tree-memory"]))
def test_crawl_process_tree_under_1_gib(scale, _):
    assert scale["peak_mb"] < TREE_BOUND_MB, (
        f"peak PSS of the crawl's process tree {scale['peak_mb']:.0f} MB (RSS summed {scale['peak_rss_mb']:.0f} MB, "
        f"{scale['children']} processes) with "
        f"{BROWSER_PORTALS} browser portals; crawl {scale['seconds']:.0f} s")


def test_scale_crawl_ends_with_a_clear_line(scale):
    err = scale["stderr"]
    assert "Traceback" not in err, err[err.find("Traceback") - 300:][:3000]
    assert scale["rc"] in (0, 1), scale["rc"]


@pytest.mark.parametrize("_", params("attack3", ["endless-search-bounded"]))
def test_endless_search_bounded_and_recorded(scale, _):
    p = next(x for x in scale["portals"] if x.name == "endless-search")
    db = scale["db"]
    rows = _rows(scale, p)
    junk = [r["url"] for r in rows if "/search/" in r["url"]]
    run = list(db["crawl_runs"].rows_where("portal = ?", [f"scale-{p.name}"]))[-1]
    errors = [e["message"] for e in db["errors"].rows_where("portal = ?", [f"scale-{p.name}"])]
    assert not junk, f"search hits archived as reports: {len(junk)}, e.g. {junk[:3]}"
    assert run["status"] in ("ok", "ok_with_errors", "incomplete"), run
    if run["status"] == "incomplete":
        assert errors, "incomplete with no recorded reason"
