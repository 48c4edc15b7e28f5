"""The world's attacks (tests/world/attacks.py) against the real crawl, the real readers and
the real public site, with an internal canary on loopback (127.0.0.1, ::1 and every hostile
portal's own address, on one port) that must never be reached.

- crawl: every hostile portal in one crawl subprocess — canary hits 0, nothing internal in
  the archive (rows or WARC bytes), the real report of every portal archived with its
  cells, bounded time and memory, a bound that stops work recorded, no traceback, and an
  exit status that is 0 or 1 with a clear last line.
- files: `python -m extract` on documents that reach out or blow up — canary hits 0, one
  JSON object with errors, no traceback, bounded.
- site: Datasette on a crawled archive, hostile requests four at a time — never a 500, and a
  probe request answers within 2 s throughout; round 3 (attacks3.site_queries): hostile
  parameters of every canned query and huge size/facet requests, the same two assertions.

WORLD_CASES=all runs every file and site case; the default a fixed, seeded sample."""
from __future__ import annotations

import gzip
import http.client
import json
import os
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from .conftest import label
from .servers import BIN, ROOT, free_port
from .test_corpus import compare
from .world import attacks
from .world import attacks3 as a3
from .world.portals import serve as serve_case
from .world.known import params
from .world.server import Canary, Site, sample

SECRET = b"CANARY-INTERNAL-SECRET"
CRAWL_SECONDS = 420  # wall-clock bound for the whole hostile crawl (DOWNLOAD_TIMEOUT=10)
MEMORY_BOUND_KB = 1024 * 1024


def run_measured(args: list[str], timeout: float, env=None) -> tuple[subprocess.CompletedProcess, float, int]:
    """A command in a wrapper process that reports its tree's peak RSS (KB) and wall time."""
    wrapper = ("import resource,subprocess,sys,time;t=time.monotonic();p=subprocess.run(sys.argv[1:]);"
               "sys.stderr.write('\\nWORLD-MEASURE %d %.1f\\n'%(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,"
               "time.monotonic()-t));sys.exit(p.returncode)")
    proc = subprocess.run([sys.executable, "-c", wrapper, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env=env)
    tail = [line for line in proc.stderr.splitlines() if line.startswith("WORLD-MEASURE ")][-1].split()
    proc.stderr = proc.stderr[:proc.stderr.rfind("\nWORLD-MEASURE")]
    return proc, float(tail[2]), int(tail[1])


def _canary(hosts: list[str]) -> Canary:
    """One canary on 127.0.0.1, ::1 and the given addresses, all on one port."""
    for _ in range(20):
        try:
            return Canary(["127.0.0.1", "::1", *hosts], port=free_port(), require_all=True)
        except OSError:
            continue
    raise RuntimeError("no port free on every canary address")


# --- the crawl ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-attacks")
    hosts = [f"127.0.0.{60 + i}" for i in range(len(attacks.PORTALS))]
    canary = _canary(hosts)
    sites, portals, entries = [], [], []
    try:
        for i, build in enumerate(attacks.PORTALS):
            site = Site({}, host=hosts[i])
            portal = build(canary.port, f"{hosts[i]}:{site.port}")
            fallback = portal.routes.pop("__fallback__", None)
            site.routes, site.fallback = portal.routes, fallback
            site.start()
            sites.append(site)
            portals.append(portal)
            entries.append({"id": f"hostile-{portal.name}", "name": "某县人民政府", "url": site.base + "/",
                            "region": "浙江省", "level": "county",
                            "allowed_hosts": portal.allowed_hosts or [f"{hosts[i]}:{site.port}"]})
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        db_path = tmp / "archive.db"
        proc, seconds, peak_kb = run_measured(
            [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db_path}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
             "-s", "DOWNLOAD_TIMEOUT=10", "-s", "RETRY_TIMES=1", "-s", "PORTAL_PAGE_BUDGET=60"],
            timeout=CRAWL_SECONDS + 120)
        time.sleep(1)  # late beacons and workers
    finally:
        for site in sites:
            site.stop()
        canary.stop()
    db = sqlite_utils.Database(db_path) if db_path.exists() else None
    return {"proc": proc, "seconds": seconds, "peak_kb": peak_kb, "db": db, "db_path": db_path,
            "hits": list(canary.hits), "portals": portals, "sites": sites, "port": canary.port}


@pytest.mark.parametrize("_", params("canary", ["all"]))
def test_canary_never_reached(hostile, _):
    hits = sorted({f"{where}: {line}" for _, where, line in hostile["hits"]})
    assert not hostile["hits"], f"{len(hostile['hits'])} connections to the internal canary: {hits}"


@pytest.mark.parametrize("portal", params("canary", [b.__name__ for b in attacks.PORTALS]))
def test_canary_never_reached_through(hostile, portal):
    """Hits attributed to one portal's vectors (the canary path names the vector)."""
    p = next(x for x in hostile["portals"] if x.name.replace("-", "_") == portal)
    paths = [line.split()[1] for _, _, line in hostile["hits"] if len(line.split()) > 1]
    if p.name == "portless-seed":  # the canary on the portal's own address
        paths += [f"/hit/portless@{where}" for _, where, _ in hostile["hits"] if where == p.allowed_hosts[0]]
    mine = sorted({path for path in paths for v in p.vectors if path.startswith(f"/hit/{v}")})
    assert not mine, f"{p.name}: canary reached through {len(mine)} of {len(p.vectors)} vectors: {mine}"


@pytest.mark.parametrize("_", params("archived", ["internal"]))
def test_nothing_internal_archived(hostile, _):
    db = hostile["db"]
    assert db is not None, hostile["proc"].stderr[-2000:]
    own = {f"{s.host}:{s.port}" for s in hostile["sites"]}
    leaked = [r["url"] for r in db["captures"].rows if urllib.parse.urlsplit(r["url"] or "").netloc not in own]
    leaked += [r["url"] for r in db["reports"].rows if SECRET.decode() in (r["body_text"] or "")]
    for warc in (hostile["db_path"].parent / "warcs").glob("*.warc.gz"):
        with gzip.open(warc) as f:
            try:
                if SECRET in f.read():
                    leaked.append(f"WARC {warc.name} holds the canary's answer")
            except (OSError, EOFError):
                pass
    assert not leaked, leaked


@pytest.mark.parametrize("portal", params("archived", [b.__name__ for b in attacks.PORTALS]))
def test_real_report_archived_beside_the_attack(hostile, portal):
    db = hostile["db"]
    p = next(x for x in hostile["portals"] if x.name.replace("-", "_") == portal)
    rows = [r for r in db["reports"].rows_where("portal = ?", [f"hostile-{p.name}"])
            if urllib.parse.urlsplit(r["url"]).path == p.report]
    assert rows, f"{p.name}: the real report {p.report} was not archived"
    got = {"applications": {}}
    for r in db["applications"].rows_where("report_id = ?", [rows[0]["id"]]):
        got["applications"].setdefault(r["row_key"], {})[r["column_key"]] = r["value"]
    exact, undetermined, wrong = compare(label(attacks.REAL_LABEL), got, ("applications",))
    assert not wrong and not undetermined, (p.name, wrong[:3], undetermined)


def test_crawl_bounded_in_time_and_memory(hostile):
    assert hostile["seconds"] < CRAWL_SECONDS, f"crawl took {hostile['seconds']:.0f} s"
    assert hostile["peak_kb"] < MEMORY_BOUND_KB, f"peak RSS {hostile['peak_kb'] / 1024:.0f} MB"


@pytest.mark.parametrize("_", params("archived", ["exit"]))
def test_exit_status_and_one_clear_line(hostile, _):
    proc = hostile["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[proc.stderr.find("Traceback") - 200:][:3000]
    assert proc.returncode in (0, 1), proc.returncode
    if proc.returncode:
        last = [line for line in proc.stderr.strip().splitlines() if line.strip()][-1]
        assert len(last) < 400 and ("incomplete" in last or "error" in last.lower()), last


@pytest.mark.parametrize("portal", [b.__name__ for b in attacks.PORTALS if b.__name__ in ("query_trap", "endless_list")])
def test_a_bound_that_stops_work_is_recorded(hostile, portal):
    db = hostile["db"]
    p = next(x for x in hostile["portals"] if x.name.replace("-", "_") == portal)
    run = list(db["crawl_runs"].rows_where("portal = ?", [f"hostile-{p.name}"]))[-1]
    errors = [e["message"] for e in db["errors"].rows_where("portal = ?", [f"hostile-{p.name}"])]
    said = (run["note"] or "") + " ".join(errors)
    if p.name == "query-trap":
        # its pages repeat one list: the list ends where a page adds no report link (the
        # route says so); the page budget bounds a trap whose pages keep adding links
        said += run["route"] or ""
        assert p.bounded in said or "no new report link" in said, (p.name, run["status"], run["route"], errors[:5])
        return
    assert p.bounded in said, (p.name, run["status"], run["note"], errors[:5])


# --- the readers --------------------------------------------------------------------------------

FILE_CASES = list(attacks.files(1))
FILE_SAMPLE = sorted(set(sample(FILE_CASES, 6, seed=2)) | {"docx-external-image"}, key=FILE_CASES.index)


@pytest.fixture(scope="module")
def extracted_files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-files")
    canary = _canary([])
    out = {}
    try:
        for case, (name, data) in attacks.files(canary.port).items():
            if case not in FILE_SAMPLE:
                continue
            path = tmp / name
            path.write_bytes(data)
            before = len(canary.hits)
            proc, seconds, peak = run_measured([sys.executable, "-m", "extract", str(path)], timeout=300)
            time.sleep(0.3)
            out[case] = {"proc": proc, "seconds": seconds, "peak_kb": peak,
                         "hits": [h[2] for h in canary.hits[before:]]}
    finally:
        canary.stop()
    return out


@pytest.mark.parametrize("case", params("reader", FILE_SAMPLE))
def test_reader_never_reaches_out(extracted_files, case):
    got = extracted_files[case]
    assert not got["hits"], f"{case}: the reader connected to the canary: {got['hits']}"


@pytest.mark.parametrize("case", FILE_SAMPLE)
def test_reader_answers_one_object_bounded(extracted_files, case):
    got = extracted_files[case]
    proc = got["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 1, (case, proc.stdout[-500:], proc.stderr[-500:])
    obj = json.loads(lines[0])
    assert isinstance(obj.get("errors"), list)
    assert got["seconds"] < 120 and got["peak_kb"] < MEMORY_BOUND_KB, (case, got["seconds"], got["peak_kb"])


# --- the public site ----------------------------------------------------------------------------

SITE_CASES = list(attacks.site_queries())
SITE_SAMPLE = sample(SITE_CASES, 12, seed=4)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A small real archive (one world portal crawled), served as `make serve` serves it."""
    from publish.serve import command

    from .servers import crawl
    from .world.portals import generate

    tmp = tmp_path_factory.mktemp("world-site")
    case = next(c for c in generate(seed=0) if c.name == "mixed-column/years")
    s = serve_case(case, "127.0.0.59")
    try:
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump([{"id": "world-site", "name": case.organ, "url": s.base + "/",
                                          "allowed_hosts": [urllib.parse.urlsplit(s.base).netloc]}],
                                        allow_unicode=True), encoding="utf-8")
        proc = crawl(seeds, tmp / "archive.db")
        assert (tmp / "archive.db").exists(), proc.stderr[-2000:]
    finally:
        s.stop()
    port = free_port()
    log = open(tmp / "datasette.log", "w")
    server = subprocess.Popen(command(tmp / "archive.db", port=port), cwd=ROOT, stdout=log, stderr=log)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            break
        except OSError:
            time.sleep(0.2)
    yield {"base": base, "proc": server, "log": tmp / "datasette.log"}
    server.terminate()
    server.wait(timeout=10)


def _get(url: str, timeout: float = 60) -> tuple[int, float]:
    start = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            r.read(50_000_000)
            return r.status, time.monotonic() - start
    except urllib.error.HTTPError as e:
        return e.code, time.monotonic() - start
    except OSError:
        return -1, time.monotonic() - start


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _attack_site(site, queries: dict, cases: list, probe_path: str) -> dict:
    """The hostile requests, 4 at a time, while a probe asks the site for an ordinary page
    every 0.3 s: each request's status and span, each probe's status and time, Datasette's peak RSS."""
    base, pid = site["base"], site["proc"].pid
    statuses, probes, spans, peak = {}, [], {}, [0]
    done = threading.Event()

    def probe():
        while not done.is_set():
            start = time.monotonic()
            status, seconds = _get(base + probe_path, timeout=30)
            probes.append((status, seconds, start))
            peak[0] = max(peak[0], _rss_kb(pid))
            time.sleep(0.3)

    def attack(case):
        start = time.monotonic()
        try:
            statuses[case] = _get(base + queries[case], timeout=120)
        except http.client.HTTPException as exc:  # an answer a client cannot read (e.g. a 100 KB header)
            statuses[case] = (f"unreadable answer: {type(exc).__name__}: {str(exc)[:120]}", time.monotonic() - start)
        spans[case] = (start, time.monotonic())

    watcher = threading.Thread(target=probe, daemon=True)
    watcher.start()
    for i in range(0, len(cases), 4):
        batch = [threading.Thread(target=attack, args=(c,), daemon=True) for c in cases[i:i + 4]]
        for t in batch:
            t.start()
        for t in batch:
            t.join(timeout=150)
    done.set()
    watcher.join(timeout=40)
    return {"statuses": statuses, "probes": probes, "peak_kb": peak[0], "spans": spans}


@pytest.fixture(scope="module")
def site_attacked(site):
    return _attack_site(site, attacks.site_queries(), SITE_SAMPLE, attacks.PROBE)


@pytest.mark.parametrize("case", params("site", SITE_SAMPLE))
def test_site_never_answers_500(site_attacked, case):
    status, seconds = site_attacked["statuses"].get(case, (None, None))
    assert status is not None and 200 <= status < 500, f"{case}: HTTP {status} after {seconds:.1f} s"


def test_site_keeps_answering_within_2s(site_attacked):
    spans = site_attacked["spans"]
    slow = [(s, round(t, 1), sorted(c for c, (a, b) in spans.items() if a < start + t and b > start))
            for s, t, start in site_attacked["probes"] if s != 200 or t > 2]
    assert not slow, f"{len(slow)}/{len(site_attacked['probes'])} probes late or failed: {slow[:10]}"
    assert site_attacked["peak_kb"] < MEMORY_BOUND_KB, f"Datasette RSS {site_attacked['peak_kb'] / 1024:.0f} MB"


# --- the public site, round 3 (tests/world/attacks3.py) ----------------------------------------

SITE3_CASES = list(a3.site_queries())
SITE3_SAMPLE = SITE3_CASES if os.environ.get("WORLD_CASES") == "all" else sample(SITE3_CASES, 10, seed=12)


@pytest.fixture(scope="module")
def site_attacked3(site):
    return _attack_site(site, a3.site_queries(), SITE3_SAMPLE, a3.PROBE)


@pytest.mark.parametrize("case", params("attack3", SITE3_SAMPLE, [f"site-{c}" for c in SITE3_SAMPLE]))
def test_site_hostile_parameters_never_500(site_attacked3, case):
    status, seconds = site_attacked3["statuses"].get(case, (None, None))
    assert isinstance(status, int) and 200 <= status < 500, f"{case}: HTTP {status} after {seconds}"


@pytest.mark.parametrize("_", params("attack3", ["site-probe"]))
def test_site_probe_within_2s_under_hostile_parameters(site_attacked3, _):
    spans = site_attacked3["spans"]
    slow = [(s, round(t, 1), sorted(c for c, (a, b) in spans.items() if a < start + t and b > start))
            for s, t, start in site_attacked3["probes"] if s != 200 or t > 2]
    assert not slow, f"{len(slow)}/{len(site_attacked3['probes'])} probes late or failed: {slow[:8]}"
    assert site_attacked3["peak_kb"] < 1024 * 1024, f"Datasette RSS {site_attacked3['peak_kb'] / 1024:.0f} MB"
