"""What an operator sees: one clear line for bad seeds (exit 2), a lock held by another
crawl, a busy replica port, an unreachable portal, a budget that stops a portal."""
from __future__ import annotations

import fcntl
import socket
import subprocess
import sys

import pytest
import sqlite_utils

from replica.variants import long_column

from .servers import BIN, ROOT, crawl, free_port, replica, seeds_file


def scrapy_crawl(seeds, db, *extra) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}",
                           "-s", f"ARCHIVE_DB={db}", *extra], cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("text,expected", [
    ("- name: 嘉兴\n  urll: http://a.gov.cn/\n", "entry 1 (嘉兴): unknown field 'urll' (did you mean 'url'?)"),
    ("- name: 嘉兴\n  url: http://a.gov.cn/\n- id: b\n  name: 乙\n", "entry 2 (b): missing 'url'"),
    ("- name: 嘉兴\n  url: [http://a.gov.cn/\n", "not valid YAML at line 3"),
    (None, "seeds file not found"),
])
def test_bad_seeds_are_one_line_and_exit_2(tmp_path, text, expected):
    seeds = tmp_path / "bad.yml"
    if text is not None:
        seeds.write_text(text, encoding="utf-8")
    run = scrapy_crawl(seeds, tmp_path / "archive.db")
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and str(seeds) in lines[0] and expected in lines[0], run.stderr
    assert not (tmp_path / "archive.db").exists()  # nothing started


def test_a_second_crawl_says_another_is_running(tmp_path):
    db = tmp_path / "archive.db"
    seeds = tmp_path / "seeds.yml"
    seeds.write_text("- name: 甲\n  url: http://127.0.0.1:9/\n", encoding="utf-8")
    lock = tmp_path / "archive.db.lock"
    with open(lock, "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running crawl holds it
        held.write("pid 12345\n")
        held.flush()
        run = scrapy_crawl(seeds, db)
    assert run.returncode == 75
    assert f"another command is writing this archive (lock {lock}, pid 12345); not starting" in run.stderr
    assert "Traceback" not in run.stderr


def test_replica_names_a_busy_port():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        run = subprocess.run([sys.executable, "-m", "replica", "--site", f"trs={port}"], cwd=ROOT,
                             capture_output=True, text=True, timeout=30)
    assert run.returncode == 2
    assert run.stderr.strip() == f"python -m replica: cannot serve trs on 127.0.0.1:{port}: port {port} is busy"


def test_an_unreachable_portal_is_one_line_and_does_not_hold_the_crawl(tmp_path):
    db_path = tmp_path / "archive.db"
    with replica({"trs": free_port()}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        seeds.write_text(seeds.read_text(encoding="utf-8") + "- id: dead\n  name: 不可达\n  url: http://127.0.0.1:9/\n",
                         encoding="utf-8")
        run = crawl(seeds, db_path, "-s", "RETRY_BACKOFF_BASE=2")
    assert run.returncode == 1  # a portal yielded nothing
    assert "Traceback" not in run.stderr
    db = sqlite_utils.Database(db_path)
    rows = {r["portal"]: r for r in db["crawl_runs"].rows}
    assert rows["replica-pingtan"]["status"] == "ok"
    assert rows["dead"]["status"] == "unreachable" and "Connection" in rows["dead"]["note"]
    assert "dead: unreachable — reports 0 found" in run.stdout
    # Tried once more at once, not with the 2 s, 4 s, 8 s backoff of a flaky answer.
    started = [r for r in run.stderr.splitlines() if "127.0.0.1:9/" in r and "Gave up retrying" in r]
    assert started and all("failed 2 times" in r for r in started)


def test_a_host_dead_on_a_re_run_is_unreachable(tmp_path):
    """A re-run asks the remembered columns, not the homepage: a dead host is still
    `unreachable` (not `no_reports`), and its column stays remembered for the next run."""
    db_path = tmp_path / "archive.db"
    port = free_port()
    with replica({"trs": port}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        assert crawl(seeds, db_path).returncode == 0
    run = crawl(seeds, db_path)  # the replica is gone: connection refused
    assert run.returncode == 1 and "Traceback" not in run.stderr
    db = sqlite_utils.Database(db_path)
    last = list(db.query("select status, discovery, note from crawl_runs order by id desc limit 1"))[0]
    assert last["status"] == "unreachable" and last["discovery"] == "known_columns", last
    assert "Connection" in last["note"]
    assert db["report_columns"].count == 1


def test_a_budget_that_stops_a_portal_is_an_error(tmp_path):
    out, db_path = tmp_path / "sites", tmp_path / "archive.db"
    v = long_column(out, n_reports=40, page_size=2)
    with replica({v.origin: "127.0.0.6:0"}, root=out) as urls:
        seeds = tmp_path / "seeds.yml"
        seeds.write_text(f"- id: long\n  name: 长列表\n  url: {urls[v.origin]}\n", encoding="utf-8")
        # the static route alone: the browser reference would read the column on its own
        # budgets (BROWSER_LIST_PAGES, BROWSER_PORTAL_RENDERS)
        run = crawl(seeds, db_path, "-s", "PORTAL_PAGE_BUDGET=8", "-s", "BROWSER_REFERENCE=False")
    assert run.returncode == 1
    db = sqlite_utils.Database(db_path)
    row = next(db["crawl_runs"].rows)
    assert row["status"] == "incomplete" and "PORTAL_PAGE_BUDGET (8)" in row["note"]
    assert 0 < row["reports_found"] < 40
    error = next(db["errors"].rows_where("stage = 'limit'"))
    assert "rest of the portal was not read" in error["message"]
