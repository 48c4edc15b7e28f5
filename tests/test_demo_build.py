"""`make archive` (python -m replica.demo): the demo archive is built from nothing each time,
so building it twice gives the same archive — no flip-flop `changes` (南湖 4→6→4, the moved
平潭 2019 report moved back) — and a busy Datasette port is named before any crawl."""
import socket
import sqlite3
import time
from pathlib import Path

from .servers import SITES, demo_build, free_port, seeds_file

# By what a report is (its URL), not its id: ids follow the order the crawl met the reports.
STABLE = {
    "reports": "select portal, organ, report_year, url, final_url, status, check_status, content_digest "
               "from reports order by url",
    "changes": "select r.url, kind, old_url, new_url, cells_changed, diff, note from changes c "
               "join reports r on r.id = c.report_id order by 1, 2",
    "cells": "select r.url, row_key, column_key, value from applications a join reports r on r.id = a.report_id "
             "order by 1, 2, 3",
    "checks": "select r.url, rule, scope, c.status, replace(detail, 'report ' || "
              "(select id from reports p where detail like '%report ' || p.id || ' %'), 'report ?') "
              "from checks c join reports r on r.id = c.report_id order by 1, 2, 3",
    "organs": "select id, name, level, kind, names from organs order by id",
}


def _state(db: Path) -> dict:
    with sqlite3.connect(db) as conn:
        return {name: conn.execute(sql).fetchall() for name, sql in STABLE.items()}


def test_building_the_demo_twice_gives_the_same_archive(tmp_path):
    ports = {name: free_port() for name in SITES}
    seeds = seeds_file(tmp_path / "seeds.yml", {s: f"http://127.0.0.1:{p}/" for s, p in ports.items()})
    db = tmp_path / "demo.db"  # any name: nothing assumes archive.db
    first = demo_build(db, seeds, ports)
    assert first.returncode == 0, first.stderr[-3000:]
    # the one line explaining the second crawl's exit status 1, instead of make's "Error 1 (ignored)"
    assert "replica-shuyang is no_reports in edition 2 as intended" in first.stdout
    before = _state(db)
    with sqlite3.connect(db) as conn:
        first_ids = {url: i for i, url in conn.execute("select id, url from reports")}
    kinds = sorted(kind for _, kind, *_ in before["changes"])
    assert kinds == ["changed", "moved", "removed", "removed"]  # edition 2, once
    second = demo_build(db, seeds, ports)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    after = _state(db)
    for name in STABLE:  # no new `changes` row, nothing moved, the same cells and checks
        assert set(after[name]) ^ set(before[name]) == set(), name
        assert after[name] == before[name], name
    with sqlite3.connect(db) as conn:
        files = {r[0] for r in conn.execute("select distinct warc_file from captures")}
        assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    # the WARC files the captures point at are beside the archive, and only those
    assert {f"warcs/{p.name}" for p in (tmp_path / "warcs").iterdir()} == files
    assert not list(tmp_path.glob(".*demo-build*"))
    with sqlite3.connect(db) as conn:  # the same ids in every build: a report page keeps its address
        ids = {url: i for i, url in conn.execute("select id, url from reports")}
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        assert conn.execute("select count(*) from reports_fts").fetchone()[0] == len(ids)
    assert ids == first_ids and sorted(ids.values()) == list(range(1, len(ids) + 1))


def test_a_busy_serving_port_is_named_before_crawling(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        started = time.monotonic()
        run = demo_build(tmp_path / "demo.db", Path("seeds/demo.yml"), {}, "--serve-port", str(port))
        took = time.monotonic() - started
    assert run.returncode == 2
    assert run.stderr.strip() == (f"demo: port {port} is busy (another Datasette?); choose another one: "
                                  f"make demo PORT={port + 1}")
    assert "crawling" not in run.stdout and not (tmp_path / "demo.db").exists()
    assert took < 10  # no crawl ran (a crawl of the replica takes longer)


def test_an_archive_of_other_portals_is_not_replaced(tmp_path):
    db = tmp_path / "real.db"
    with sqlite3.connect(db) as conn:
        conn.execute("create table portals (id text primary key)")
        conn.execute("insert into portals values ('jiaxing')")
    run = demo_build(db, Path("seeds/demo.yml"), {})
    assert run.returncode == 2
    assert "holds portals that are not the replica's (jiaxing)" in run.stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("select id from portals").fetchall() == [("jiaxing",)]
