"""Kill at any moment: a crawl killed with SIGKILL again and again, and resumed each time,
ends with the same archive as a clean crawl — same reports and cells, no duplicate, every
capture readable from its WARC record."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import time

import sqlite_utils

from archive.warc import payload_digest, read_capture

from .conftest import ROOT
from .servers import BIN, SITES, crawl, replica, seeds_file

KILLS = 20


def archive_content(db) -> dict:
    """Every report (by URL) with its cells, and the pre-2019 rows."""
    content = {}
    for report in db["reports"].rows:
        cells = {}
        for table, key in (("applications", "row_key || '.' || column_key"), ("active_disclosure", "key"),
                           ("review_litigation", "block || '.' || outcome"), ("headline_figures", "key"),
                           ("legacy_indicators", "position")):
            for row in db.query(f"select {key} as k, value from {table} where report_id = ?", [report["id"]]):
                cells[f"{table}.{row['k']}"] = row["value"]
        content[report["url"]] = {"status": report["status"], "year": report["report_year"],
                                  "check_status": report["check_status"], "cells": cells}
    return content


def test_killed_at_twenty_random_moments_the_archive_equals_a_clean_crawl(tmp_path):
    seed = int(os.environ.get("KILL_SEED", time.time()))
    rng = random.Random(seed)
    print(f"KILL_SEED={seed}")
    clean_db, killed_db, state = tmp_path / "clean" / "archive.db", tmp_path / "killed" / "archive.db", tmp_path / "state"
    clean_db.parent.mkdir()
    killed_db.parent.mkdir()
    with replica() as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        assert crawl(seeds, clean_db).returncode == 0
        args = [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={killed_db}",
                "-s", f"CRAWL_STATE={state}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False"]
        killed = 0
        for _ in range(KILLS):
            leg = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                leg.wait(timeout=rng.uniform(0.5, 6.0))
            except subprocess.TimeoutExpired:
                leg.send_signal(signal.SIGKILL)
                leg.wait()
                killed += 1
        last = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert last.returncode == 0, last.stderr[-3000:]
    assert killed >= KILLS // 2, f"only {killed} legs were still running when killed"

    clean, db = sqlite_utils.Database(clean_db), sqlite_utils.Database(killed_db)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    expected, got = archive_content(clean), archive_content(db)
    assert len(expected) == len(SITES) + 1  # one report per replica portal, two on jcms (南湖 2023 and 2022)
    assert got == expected
    assert sum(len(r["cells"]) for r in got.values()) > 1000

    urls = [r["url"] for r in db["reports"].rows]
    assert len(urls) == len(set(urls))
    keys = [(r["url"], r["digest"]) for r in db["captures"].rows]
    assert len(keys) == len(set(keys))
    for capture in db["captures"].rows:
        row, body = read_capture(db, capture["id"], killed_db.parent)
        assert payload_digest(body) == row["digest"]
    assert not state.exists()  # the job completed
    final = list(db.query("select status from crawl_runs where run = (select max(run) from crawl_runs)"))
    assert {r["status"] for r in final} <= {"ok", "ok_with_errors"}
