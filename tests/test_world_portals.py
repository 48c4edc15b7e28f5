"""The world's portals (tests/world/portals.py) crawled for real in one subprocess: every
report a person could find is found, filed under its organ and year, read with the label's
cells (never another value), archived once, and no distractor is kept.

WORLD_CASES=all crawls every case; the default is a fixed, seeded sample; WORLD_EXCLUDE=page-param
leaves classes out."""
from __future__ import annotations

import os
import urllib.parse

import pytest
import sqlite_utils
import yaml

from .conftest import label
from .servers import crawl
from .test_corpus import compare
from .world.portals import generate, serve
from .world.known import mark, params
from .world.server import sample

# WORLD_EXCLUDE=cls1,cls2 leaves classes out (e.g. one that stalls a branch under test).
CASES = [c for c in sample(generate(seed=0), 24, seed=1)
         if c.cls not in os.environ.get("WORLD_EXCLUDE", "").split(",")]
SECTIONS = ("active", "applications", "review_litigation")


def _cells(db, report_id: int) -> dict:
    got = {"applications": {}, "active": {}, "review_litigation": {}}
    for r in db["applications"].rows_where("report_id = ?", [report_id]):
        got["applications"].setdefault(r["row_key"], {})[r["column_key"]] = r["value"]
    for r in db["active_disclosure"].rows_where("report_id = ?", [report_id]):
        got["active"][r["key"]] = r["value"]
    for r in db["review_litigation"].rows_where("report_id = ?", [report_id]):
        got["review_litigation"].setdefault(r["block"], {})[r["outcome"]] = r["value"]
    return got


def _as_archived(expected: dict) -> dict:
    """The label as the archive stores it: table 2's money in 万元 (archive/views.py)."""
    from archive.views import normalised_active

    active = {k: v for k, (v, _) in normalised_active({"active": expected.get("active") or {}}).items()}
    return dict(expected, active=active)


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url or "")
    return urllib.parse.unquote(parts.path) + (f"?{parts.query}" if parts.query else "")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-portals")
    sites = {}
    try:
        for i, case in enumerate(CASES):
            sites[case.name] = serve(case, f"127.0.0.{20 + i % 200}")
        entries = [{"id": f"world-{i}", "name": case.organ, "url": sites[case.name].base + case.start,
                    "region": "浙江省", "level": "county",
                    "allowed_hosts": [urllib.parse.urlsplit(sites[case.name].base).netloc]}
                   for i, case in enumerate(CASES)]
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        proc = crawl(seeds, tmp / "archive.db", "-s", "DOWNLOAD_TIMEOUT=10", "-s", "PORTAL_PAGE_BUDGET=120")
    finally:
        for site in sites.values():
            site.stop()
    db = sqlite_utils.Database(tmp / "archive.db")
    by_portal = {}
    for r in db["reports"].rows:
        by_portal.setdefault(r["portal"], []).append(r)
    return {"proc": proc, "db": db, "by_portal": by_portal, "sites": sites}


def _reports(world, case):
    return world["by_portal"].get(f"world-{CASES.index(case)}", [])


def test_crawl_ends_without_traceback(world):
    proc = world["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[proc.stderr.find("Traceback") - 300:][:3000]


@pytest.mark.parametrize("_", params("portals-exit", ["exit"]))
def test_exit_status_tells_the_truth(world, _):
    """Every portal here publishes its reports plainly: the crawl exits 0, and every portal's
    crawl_runs row ends with a final status."""
    proc, db = world["proc"], world["db"]
    statuses = {r["portal"]: (r["status"], r["note"]) for r in db["crawl_runs"].rows}
    assert all(s not in ("running", None) for s, _ in statuses.values()), statuses
    bad = {p: s for p, s in statuses.items() if s[0] not in ("ok", "ok_with_errors")}
    names = {f"world-{i}": c.name for i, c in enumerate(CASES)}
    bad = {names[p]: s for p, s in bad.items()}
    assert proc.returncode == 0, f"exit {proc.returncode}; {bad}; last line: {proc.stderr.strip().splitlines()[-1:]}"


@pytest.mark.parametrize("case", params("found", CASES, [c.name for c in CASES]))
def test_every_report_found_once_and_read(world, case):
    got = _reports(world, case)
    found = {}
    for r in got:
        for p in {_path(r["url"]), _path(r["final_url"])}:
            found.setdefault(p, []).append(r)
    missing, wrong, duplicated, misfiled = [], [], [], []
    for rep in case.reports:
        rows = {r["id"]: r for p in (rep.path, *rep.also) for r in found.get(p, [])}
        if not rows:
            missing.append(rep.path)
            continue
        if len(rows) > 1:
            duplicated.append((rep.path, sorted(_path(r["url"]) for r in rows.values())))
        row = next(iter(rows.values()))
        if row["report_year"] != rep.year or row["organ"] != rep.organ:
            misfiled.append((rep.path, row["organ"], row["report_year"], rep.organ, rep.year))
        _, _, bad = compare(_as_archived(label(rep.label)), _cells(world["db"], row["id"]), SECTIONS)
        if bad:
            wrong.append((rep.path, bad[:3]))
    assert not missing, f"{case.name}: {len(missing)}/{len(case.reports)} reports not found: {missing}"
    assert not wrong, f"{case.name}: wrong cells {wrong}"
    assert not misfiled, f"{case.name}: filed under the wrong organ/year {misfiled}"
    assert not duplicated, f"{case.name}: one report archived as several {duplicated}"


@pytest.mark.parametrize("case", params("distractor", [c for c in CASES if c.distractors],
                                        [c.name for c in CASES if c.distractors]))
def test_no_distractor_kept(world, case):
    kept = [p for r in _reports(world, case) for p in (_path(r["url"]),) if p in case.distractors]
    assert not kept, f"{case.name}: distractors archived as reports: {kept}"
