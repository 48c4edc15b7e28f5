"""Round 3 of the world's portals (tests/world/portals3.py) crawled for real, twice: the
second crawl after the `column-moves` portals were rebuilt at new paths. Every report a
person could find is found, filed under its organ and year, read with the label's cells
(never another value), archived once; no distractor (a soft-404 page) kept; after the
re-crawl every report is current exactly once.

WORLD_CASES=all crawls every case; the default a fixed, seeded sample."""
from __future__ import annotations

import random
import time
import urllib.parse

import pytest
import sqlite_utils
import yaml

from .conftest import label
from .servers import crawl
from .test_corpus import compare
from .test_world_portals import SECTIONS, _as_archived, _cells, _path
from .world.known import params
from .world.portals3 import generate, second_edition, serve
from .world.server import sample

ALL_CASES = generate(seed=0)
# the default (CI): one seeded spelling of these classes; the 204-report oldest-first list and
# the other classes with WORLD_CASES=all
DEFAULT = ["platform-api", "notice-attachments", "year-only-links", "lying-charset", "soft-404", "three-spellings",
           "column-moves", "matrix", "select-jump"]
_rnd = random.Random(11)
_PICK = {cls: _rnd.choice([c for c in ALL_CASES if c.cls == cls]) for cls in dict.fromkeys(c.cls for c in ALL_CASES)}
CASES = ALL_CASES if len(sample(ALL_CASES, 1)) > 1 else [c for c in ALL_CASES if c.cls in DEFAULT and c is _PICK[c.cls]]


def _seed(i, case, sites) -> dict:
    hosts = [urllib.parse.urlsplit(sites["main"].base).netloc]
    if sites["other"]:
        hosts.append(urllib.parse.urlsplit(sites["other"].base).netloc)
    return {"id": f"world3-{i}", "name": case.organ, "url": sites["main"].base + case.start,
            "region": "浙江省", "level": "county", "allowed_hosts": hosts}


@pytest.fixture(scope="module")
def world3(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-portals3")
    sites = {}
    try:
        for i, case in enumerate(CASES):
            sites[case.name] = serve(case, f"127.0.1.{20 + i}", f"127.0.2.{20 + i}")
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump([_seed(i, c, sites[c.name]) for i, c in enumerate(CASES)],
                                        allow_unicode=True), encoding="utf-8")
        db_path = tmp / "archive.db"
        start = time.monotonic()
        first = crawl(seeds, db_path, "-s", "DOWNLOAD_TIMEOUT=10", "-s", "PORTAL_PAGE_BUDGET=120")
        seconds = [time.monotonic() - start]
        db = sqlite_utils.Database(db_path)
        snapshot = {r["id"]: dict(r) for r in db["reports"].rows}
        for case in CASES:
            second_edition(case, sites[case.name])
        # the re-crawl walks the whole navigation again (the column moved)
        again = crawl(seeds, db_path, "-s", "DOWNLOAD_TIMEOUT=10", "-s", "PORTAL_PAGE_BUDGET=120",
                      "-s", "FULL_DISCOVERY_DAYS=0")
        seconds.append(time.monotonic() - start - seconds[0])
        print(f"world3 crawls: {seconds[0]:.0f} s, re-crawl {seconds[1]:.0f} s")
    finally:
        for s in sites.values():
            s["main"].stop()
            if s["other"]:
                s["other"].stop()
    return {"first": first, "again": again, "db": sqlite_utils.Database(db_path), "snapshot": snapshot}


def _found(world3, case, rows) -> tuple[list, list, list, list]:
    by_path = {}
    db = world3["db"]
    for r in rows:
        paths = {_path(r["url"]), _path(r["final_url"])}
        paths |= {_path(a["url"]) for a in db["attachments"].rows_where("report_id = ?", [r["id"]])}
        paths |= {_path(a["final_url"]) for a in db["attachments"].rows_where("report_id = ?", [r["id"]])}
        for p in paths:
            by_path.setdefault(p, {})[r["id"]] = r
    missing, wrong, duplicated, misfiled = [], [], [], []
    for rep in case.reports:
        got = {}
        for p in (rep.path, *rep.also):
            got.update(by_path.get(p, {}))
        if not got:
            missing.append(rep.path)
            continue
        if len(got) > 1:
            duplicated.append((rep.path, sorted(_path(r["url"]) for r in got.values())))
        row = next(iter(got.values()))
        if row["report_year"] != rep.year or row["organ"] != rep.organ:
            misfiled.append((rep.path, row["organ"], row["report_year"], rep.organ, rep.year))
        _, _, bad = compare(_as_archived(label(rep.label)), _cells(db, row["id"]), SECTIONS)
        if bad:
            wrong.append((rep.path, bad[:3]))
    return missing, wrong, duplicated, misfiled


def _portal(case) -> str:
    return f"world3-{CASES.index(case)}"


def test_crawls_end_without_traceback(world3):
    for run in ("first", "again"):
        err = world3[run].stderr
        assert "Traceback" not in err, (run, err[err.find("Traceback") - 300:][:3000])


@pytest.mark.parametrize("case", params("portals3", CASES, [c.name for c in CASES]))
def test_every_report_found_once_and_read(world3, case):
    snap = [r for r in world3["snapshot"].values() if r["portal"] == _portal(case)]
    missing, wrong, duplicated, misfiled = _found(world3, case, snap)
    n = len(case.reports)
    assert not missing, f"{case.name}: {len(missing)}/{n} reports not found: {missing[:6]}"
    assert not wrong, f"{case.name}: wrong cells {wrong[:3]}"
    assert not misfiled, f"{case.name}: filed under the wrong organ/year {misfiled[:4]}"
    assert not duplicated, f"{case.name}: one report archived as several {duplicated[:3]}"


@pytest.mark.parametrize("case", params("portals3", [c for c in CASES if c.distractors],
                                        [f"{c.name}/distractor" for c in CASES if c.distractors]))
def test_no_soft_404_kept(world3, case):
    rows = [r for r in world3["snapshot"].values() if r["portal"] == _portal(case)]
    kept = [(_path(r["url"]), r["title"]) for r in rows if _path(r["url"]) in case.distractors
            or _path(r["final_url"]) in case.distractors]
    assert not kept, f"{case.name}: soft-404 pages archived as reports: {kept}"


MOVED = [c for c in CASES if c.second]


@pytest.mark.parametrize("case", params("portals3", MOVED, [f"{c.name}/recrawl" for c in MOVED]))
def test_moved_column_every_report_current_once(world3, case):
    db = world3["db"]
    rows = list(db["reports"].rows_where("portal = ? and status != 'removed'", [_portal(case)]))
    missing, wrong, duplicated, misfiled = _found(world3, case, rows)
    statuses = [(r["status"], _path(r["url"])) for r in db["reports"].rows_where("portal = ?", [_portal(case)])]
    assert not missing, f"{case.name}: after the move {len(missing)} reports not current: {missing}; rows {statuses}"
    assert not duplicated, f"{case.name}: after the move one report current as several {duplicated}; rows {statuses}"
    assert not wrong, f"{case.name}: wrong cells after the move {wrong[:2]}"
    # and the current row is the report at its new place (its old URL is dead or redirects)
    current = {p for r in rows for p in (_path(r["url"]), _path(r["final_url"]))}
    stale = [rep.also[0] for rep in case.reports if rep.also[0] not in current]
    assert not stale, f"{case.name}: current rows still at the old paths, new ones not recorded: {stale}; rows {statuses}"
