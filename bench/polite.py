"""Part 7, many slow polite hosts: H generated portals (bench/portals.py, real report bodies
from the replica's 沭阳 page), each served on its own loopback address by replica/polite.py,
answering in 0.3–2.0 s and enforcing a 2 s interval between requests (a request sooner is a
violation, answered 429). Our crawl at its default settings against the floors measured in
the same run:
- politeness floor: the bare polite client (bench/bare_client.py with an interval) fetching
  the URLs our crawl fetched, one host at a time per host, all hosts at once;
- CPU floor: the CPU seconds our crawl used (its whole process tree) / the machine's cores.
W/F = our wall time / max(floors). Also violations, reports archived, peak memory of the
process tree (PSS; its summed RSS too), the time to the first report, and disk per portal."""
from __future__ import annotations

import os
import sqlite3
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from . import portals
from .measure import run_measured
from .results import Figure

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SIZES = {"default": 300, "medium": 100, "small": 30}
REPORTS = 8
INTERVAL = 2.0
LATENCY = (0.3, 2.0)
MB = 1024 * 1024


def extra_settings() -> list[str]:
    """BENCH_POLITE_SETTINGS="NAME=VALUE …": settings the crawl gets on top of its defaults
    (to measure what one of them costs, e.g. BROWSER_REFERENCE=False); the figures say so."""
    args = []
    for pair in os.environ.get("BENCH_POLITE_SETTINGS", "").split():
        args += ["-s", pair]
    return args


def _crawl(seeds: Path, db: Path) -> dict:
    args = [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db}",
            "-s", "LOG_LEVEL=INFO", "-s", "STATS_DUMP=True", "-s", "CRAWL_SUMMARY=False", *extra_settings()]
    result, wall, peak = run_measured(args, cwd=ROOT, timeout=3600, pss=True)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"crawl: exit {result.returncode}\n{result.stderr[-3000:]}")
    with closing(sqlite3.connect(db)) as conn:
        reports = conn.execute("select count(*) from reports").fetchone()[0]
        urls = [r[0] for r in conn.execute("select url from captures order by id")]
        first = conn.execute("select min(fetched_at), (select started_at from crawl_runs limit 1) from reports").fetchone()
        last = conn.execute("select max(fetched_at), (select max(fetched_at) from reports) from captures").fetchone()
        rendered = conn.execute("select count(*) from captures where rendered").fetchone()[0]
    disk = db.stat().st_size + sum(f.stat().st_size for f in (db.parent / "warcs").glob("*") if f.is_file())
    progress = [line for line in result.stderr.splitlines() if "progress: portals" in line]
    return {"wall": wall, "cpu": peak.cpu, "peak": peak.peak_pss, "rss": peak.peak, "reports": reports, "urls": urls,
            "first_report": _seconds_between(first[1], first[0]), "disk": disk, "progress": progress,
            "last_capture": _seconds_between(first[1], last[0]), "last_report": _seconds_between(first[1], last[1]),
            "rendered": rendered, "exit": result.returncode, "closing": _closing(result.stderr, wall),
            "cpu_by_name": peak.cpu_by_name(),
            "sampled_cpu": peak.sampled_cpu, "main_cpu": peak.main_cpu,
            "main_waited": peak.waited.get(peak.pid, 0.0),
            "others_waited": sum(w for pid, w in peak.waited.items() if pid != peak.pid)}


# The crawl's CPU-bound part alone, for a floor measured under the same load: every report page
# the hosts serve, extracted through the crawl's extraction pool (workers = cores), nothing else.
_EXTRACT_ALONE = """
import sys
from pathlib import Path
from extract.bounded import Pool
files = sorted(p for p in Path(sys.argv[1]).glob("p*/zwgk/zfxxgk/zfxxgknb/*/t*.htm") if not p.stem.endswith("_d"))
with Pool() as pool:
    done = sum(1 for _ in pool.map((f.read_bytes(), f.as_uri(), "text/html") for f in files))
print(done)
"""


def _extraction_alone(sites: Path) -> dict:
    result, wall, peak = run_measured([sys.executable, "-c", _EXTRACT_ALONE, str(sites)], cwd=ROOT)
    if result.returncode:
        raise RuntimeError(f"extraction alone: exit {result.returncode}\n{result.stderr[-2000:]}")
    return {"wall": wall, "cpu": peak.cpu, "documents": int(result.stdout.split()[-1]),
            "waited": sum(peak.waited.values())}


def _closing(log: str, wall: float) -> str:
    """When the spider closed and what came after (the run's end: moves, duplicates, cross-year
    checks, publishing the archive), from the crawl's log."""
    from datetime import datetime

    stamps = [(datetime.strptime(line[:19], "%Y-%m-%d %H:%M:%S"), line) for line in log.splitlines()
              if line[:4].isdigit() and len(line) > 19 and line[4] == "-"]
    if not stamps:
        return "no log"
    first, last = stamps[0][0], stamps[-1][0]
    closing = next((t for t, line in stamps if "Closing spider" in line), None)
    if closing is None:
        return "no closing line"
    return (f"the spider closed {(closing - first).total_seconds():.0f} s after the first log line, the log ended "
            f"{(last - closing).total_seconds():.0f} s later (the run's end: moves, duplicates, checks, publishing); "
            f"{wall - (last - first).total_seconds():.0f} s of the wall time before the first log line or after the last "
            f"(interpreter start, imports, exit)")


def _seconds_between(start: str | None, end: str | None) -> float | None:
    from datetime import datetime
    if not start or not end:
        return None
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds()


def _fmt(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.0f}"


def run(size: str, context: dict) -> list[Figure]:
    from tests.polite_servers import polite_hosts

    hosts = SIZES.get(size, SIZES["default"])
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-polite-") as folder:
        tmp = Path(folder)
        sites = portals.generate(tmp / "sites", hosts, REPORTS)
        with polite_hosts(tmp / "sites", interval=INTERVAL, latency=LATENCY) as (urls, counts):
            seeds = portals.seeds(tmp / "seeds.yml", urls, sites)
            ours = _crawl(seeds, tmp / "crawl" / "archive.db")
            violations = counts()
        alone = _extraction_alone(tmp / "sites")
        robots = [u + "robots.txt" for u in urls.values()]
        fetched = [u for u in ours["urls"] if not u.endswith("/robots.txt")]
        urls_file = tmp / "urls.txt"
        urls_file.write_text("\n".join(robots + fetched) + "\n", encoding="utf-8")
        with polite_hosts(tmp / "sites", interval=INTERVAL, latency=LATENCY) as (urls2, counts2):
            # the same URLs on this run's addresses (the ports are new)
            moved = urls_file.read_text(encoding="utf-8")
            for name, url in urls.items():
                moved = moved.replace(url, urls2[name])
            urls_file.write_text(moved, encoding="utf-8")
            result, bare_wall, _ = run_measured([sys.executable, str(ROOT / "bench" / "bare_client.py"),
                                                 str(urls_file), "2", str(INTERVAL + 0.05)], cwd=tmp)
            counts_bare = counts2()
            bare_violations = counts_bare["violations"]
    import json
    bare = json.loads(result.stdout.strip().splitlines()[-1])
    polite_floor = bare["seconds"]
    cpu_floor = ours["cpu"] / cores
    floor = max(polite_floor, cpu_floor)
    ratio = ours["wall"] / floor
    expected = hosts * REPORTS
    per_host = len(ours["urls"]) / hosts
    notes = [f"H = {hosts} hosts × {REPORTS} reports, latency {LATENCY[0]}–{LATENCY[1]} s, interval {INTERVAL} s; "
             f"{len(ours['urls'])} requests by our crawl ({per_host:.1f} per host); load average {load_before:.1f} "
             f"before, {os.getloadavg()[0]:.1f} after, on {cores} cores (the machine is shared): the crawl's "
             f"processes got {ours['cpu'] / ours['wall']:.2f} cores on average",
             f"CPU per request {ours['cpu'] / max(1, len(ours['urls'])) * 1000:.1f} ms, per report "
             f"{ours['cpu'] / max(1, ours['reports']) * 1000:.1f} ms; disk per report "
             f"{ours['disk'] / max(1, ours['reports']) / 1024:.0f} KB",
             f"bare polite client: {bare['pages']} pages in {polite_floor:.1f} s, {bare['errors']} errors, "
             f"{bare_violations} violations",
             f"our crawl: wall {ours['wall']:.1f} s, CPU {ours['cpu']:.1f} s (CPU floor {cpu_floor:.1f} s), exit {ours['exit']}; "
             f"settings on top of the defaults: {os.environ.get('BENCH_POLITE_SETTINGS') or 'none'}",
             "CPU seconds by process (own time as last sampled; the CPU floor counts the whole tree, its orphans "
             f"reaped by the bench too: {ours['cpu']:.1f} s, sampled {ours['sampled_cpu']:.1f} s): "
             + ", ".join(f"{name} {sec:.1f}" for name, sec in sorted(ours["cpu_by_name"].items(), key=lambda kv: -kv[1])),
             f"the crawl's main process (the reactor: downloads, callbacks, archive writes) {ours['main_cpu']:.1f} s on a "
             f"core and {ours['main_waited']:.1f} s ready but waiting for one (the machine's other load), so "
             f"{max(0.0, ours['wall'] - ours['main_cpu'] - ours['main_waited']):.1f} s asleep (hosts' turns, answers, "
             f"the extraction pool); its other processes waited {ours['others_waited']:.1f} s for a core",
             f"last capture at {_fmt(ours['last_capture'])} s, last report stored at {_fmt(ours['last_report'])} s "
             f"after the run started; {ours['rendered']} captures rendered in the browser"]
    notes += [ours["closing"],
              f"the same {alone['documents']} report pages extracted through the pool alone, on this machine right after "
              f"the crawl: {alone['wall']:.1f} s wall, {alone['cpu']:.1f} s CPU, {alone['waited']:.1f} s of its processes "
              f"waiting for a core (what the load costs the CPU-bound part)"]
    notes += ours["progress"][-3:]
    thousand = 1000 / hosts
    context["polite"] = {"hosts": hosts, "wall": ours["wall"], "disk": ours["disk"]}
    return [
        Figure("reports archived", ours["reports"], "reports", "reports served", expected,
               target="all", met=ours["reports"] == expected),
        Figure("politeness violations (requests sooner than a host's interval)",
               violations["violations"], "requests", target="0", met=violations["violations"] == 0),
        Figure("requests early only by less than the hosts' server stalled before the previous one",
               violations.get("uncertain", 0), "requests", "bare polite client, the same", counts_bare.get("uncertain", 0),
               target="(informative: the server cannot tell)"),
        Figure("our crawl, default settings: wall time", ours["wall"], "s", "max(politeness floor, CPU floor)", floor,
               target="≤ 1.5", met=ratio <= 1.5, limits=notes),
        Figure("politeness floor (bare polite client)", polite_floor, "s", target="(informative)"),
        Figure("our crawl's wall time against the extraction of its reports alone under the same load",
               ours["wall"], "s", "pool alone, the same report pages, right after", alone["wall"], target="(informative)"),
        Figure("CPU floor (CPU seconds of the crawl / cores)", cpu_floor, "s", target="(informative)"),
        Figure("peak memory of the process tree (PSS: a shared page counted once)", ours["peak"] / MB, "MB",
               target="< 1,024 MB", met=ours["peak"] < 1024 * MB),
        Figure("peak of the process tree's summed RSS (Chromium's and the workers' shared pages once per process)",
               ours["rss"] / MB, "MB", target="(informative)"),
        Figure("time to the first report stored", ours["first_report"], "s", "wall time", ours["wall"],
               target="(informative)"),
        Figure("per 1,000 such portals: wall time", ours["wall"] * thousand / 60, "min", target="(informative)"),
        Figure("per 1,000 such portals: disk (archive + WARC)", ours["disk"] * thousand / MB, "MB",
               target="(informative)"),
    ]


if __name__ == "__main__":
    from .results import table
    started = time.perf_counter()
    print(table(run(sys.argv[1] if len(sys.argv) > 1 else "small", {})))
    print(f"took {time.perf_counter() - started:.0f} s")
