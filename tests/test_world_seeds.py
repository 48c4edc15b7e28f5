"""Mistyped seeds files (tests/world/seeds.py) given to `scrapy crawl` over an archive that
already holds a portal's reports: exit non-zero, one clear line on stderr naming the
problem, no crawl started, and nothing archived lost (every report still current, with
the same text; no capture gone).

WORLD_CASES=all runs every mistype; the default a fixed, seeded sample."""
from __future__ import annotations

import subprocess
import urllib.parse

import pytest
import sqlite_utils
import yaml

from .servers import BIN, ROOT, crawl, free_port
from .world.known import params
from .world.portals import generate, serve
from .world.seeds import mistyped
from .world.server import sample

CASE = next(c for c in generate(seed=0) if c.name == "mixed-column/same-year")
GOOD = {"id": "world-seeds", "name": CASE.organ, "region": "浙江省", "level": "county"}
_CASES = mistyped({**GOOD, "url": "http://127.0.0.58:1/", "allowed_hosts": ["127.0.0.58:1"]}, 2)
ALL = list(_CASES)
# the default: two files that must be refused and one valid file naming a portal that is not there
SAMPLE = ALL if len(sample(ALL, 1)) > 1 else sorted(
    sample([c for c in ALL if _CASES[c][2] == "reject"], 2, seed=5) + sample([c for c in ALL if _CASES[c][2] == "run"], 1, seed=5),
    key=ALL.index)


def _state(db_path) -> dict:
    db = sqlite_utils.Database(db_path)
    return {"reports": sorted((r["id"], r["url"], r["status"], hash(r["body_text"])) for r in db["reports"].rows),
            "captures": db["captures"].count}


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-seeds")
    site = serve(CASE, "127.0.0.58")
    host = urllib.parse.urlsplit(site.base).netloc
    good = {**GOOD, "url": site.base + "/", "allowed_hosts": [host]}
    seeds = tmp / "good.yml"
    seeds.write_text(yaml.safe_dump([good], allow_unicode=True), encoding="utf-8")
    db = tmp / "archive.db"
    proc = crawl(seeds, db)
    assert db.exists(), proc.stderr[-2000:]
    before = _state(db)
    assert len(before["reports"]) == len(CASE.reports), (before, proc.stderr[-2000:])
    results = {}
    try:
        for case, (data, note, expect) in mistyped(good, free_port()).items():
            if case not in SAMPLE:
                continue
            bad = tmp / f"{case}.yml"
            bad.write_bytes(data)
            run = subprocess.run(
                [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={bad}", "-s", f"ARCHIVE_DB={db}",
                 "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
                 "-s", "DOWNLOAD_TIMEOUT=5", "-s", "RETRY_TIMES=0"],
                cwd=ROOT, capture_output=True, text=True, timeout=300)
            results[case] = (run, note, expect, _state(db))
    finally:
        site.stop()
    return {"before": before, "results": results}


@pytest.mark.parametrize("case", params("seeds", SAMPLE))
def test_mistyped_seeds_one_line_nonzero_nothing_lost(archived, case):
    run, note, expect, after = archived["results"][case]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    problems = []
    if run.returncode == 0:
        problems.append("exit 0")
    if "Traceback" in run.stderr:
        problems.append("a traceback")
    if expect == "reject" and len(lines) != 1:
        problems.append(f"accepted: a crawl started ({len(lines)} stderr lines), last: {lines[-1:]}")
    if expect == "run" and not (lines and "world-seeds" in lines[-1] and len(lines[-1]) < 400):
        problems.append(f"last line does not name the portal: {lines[-1:]}")
    lost = sorted(set(archived["before"]["reports"]) - set(after["reports"]))
    if lost or after["captures"] < archived["before"]["captures"]:
        problems.append(f"archived reports changed or lost: {lost[:3]}; captures "
                        f"{archived['before']['captures']} -> {after['captures']}")
    assert not problems, f"{case} ({note}): exit {run.returncode}; " + "; ".join(problems) + f"; first line: {lines[:1]}"
