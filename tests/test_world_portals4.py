"""Round 4 of the world's portals (tests/world/portals4.py) crawled for real in one
subprocess: every report a person could find is found, filed under its organ and year, read
with its cells (never another value), archived once; no distractor kept; a corrected report
current once, with the corrected figures.

WORLD_CASES=all crawls every case; the default one seeded spelling of each class;
WORLD_ONLY=cls1,cls2 only those classes."""
from __future__ import annotations

import os
import time
import urllib.parse

import pytest
import sqlite_utils
import yaml

from .conftest import label
from .servers import crawl
from .test_corpus import compare
from .test_world_portals import SECTIONS, _as_archived, _cells, _path
from .world.captures import print_pdf
from .world.known import params
from .world.captures3 import chromium_bytes
from .world.portals4 import generate, serve
from .world.portals4_files import bind_pdfs, bind_shots
from .world.server import sample

ALL_CASES = generate(seed=0)
OCR_SECONDS = "600"  # EXTRACT_SECONDS of the crawl when it holds reports as page images (OCR)
# the default (CI): one spelling of each class, the hardest met so far where they differ
DEFAULT = {"pdfjs-viewer/kkfileview", "shadow-dom/closed", "year-tabs/api", "pinned/index", "series-column/all",
           "correction/copy", "dept-table/heading", "feed-only/rss", "xhtml-pages/gbk", "embedded-pdf/pdfobject",
           "zip-bundle/gbk-names", "scripted-second-column/static-first", "title-variants/phrased"}
CASES = ALL_CASES if len(sample(ALL_CASES, 1)) > 1 else [c for c in ALL_CASES if c.name in DEFAULT]
# WORLD_ONLY=cls1,cls2 crawls only those classes (a repro of one finding)
if os.environ.get("WORLD_ONLY"):
    CASES = [c for c in CASES if c.cls in os.environ["WORLD_ONLY"].split(",")]


def _bind(text: str, names: dict) -> str:
    for k, v in names.items():
        text = text.replace(k, v)
    return text


@pytest.fixture(scope="module")
def world4(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-portals4")
    sites, entries = {}, []
    try:
        for i, case in enumerate(CASES):
            printed = {path: print_pdf(text, tmp, f"p{i}-{k}") for k, (path, text) in enumerate(case.pdfs)}
            bind_pdfs(case, printed)
            bind_shots(case, lambda text: chromium_bytes(text, "png", tmp, f"s{i}"))
            sites[case.name] = serve(case, f"127.0.4.{20 + i}")
            netloc = urllib.parse.urlsplit(sites[case.name]["main"].base).netloc
            entries.append({"id": f"world4-{i}", "name": case.organ, "url": sites[case.name]["main"].base + case.start,
                            "region": "浙江省", "level": "county", "allowed_hosts": [netloc]})
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        start = time.monotonic()
        ocr = any(c.cls == "page-images" for c in CASES) and "EXTRACT_SECONDS" not in os.environ
        if ocr:  # OCR of two report pages takes minutes on a busy machine (docs/operator.md)
            os.environ["EXTRACT_SECONDS"] = OCR_SECONDS
        try:
            proc = crawl(seeds, tmp / "archive.db", "-s", "DOWNLOAD_TIMEOUT=10", "-s", "PORTAL_PAGE_BUDGET=120")
        finally:
            if ocr:
                del os.environ["EXTRACT_SECONDS"]
        print(f"world4 crawl: {time.monotonic() - start:.0f} s, {len(CASES)} portals")
    finally:
        for s in sites.values():
            s["main"].stop()
    db = sqlite_utils.Database(tmp / "archive.db")
    return {"proc": proc, "db": db, "names": {c.name: sites[c.name]["names"] for c in CASES}}


def _portal(case) -> str:
    return f"world4-{CASES.index(case)}"


def _rows(world4, case, current_only: bool = False):
    db = world4["db"]
    where = "portal = ?" + (" and status != 'removed'" if current_only else "")
    return list(db["reports"].rows_where(where, [_portal(case)]))


def _paths_of(db, r) -> set:
    paths = {_path(r["url"]), _path(r["final_url"])}
    for a in db["attachments"].rows_where("report_id = ?", [r["id"]]):
        paths |= {_path(a["url"]), _path(a["final_url"])}
    return paths


def test_crawl_ends_without_traceback(world4):
    err = world4["proc"].stderr
    assert "Traceback" not in err, err[err.find("Traceback") - 300:][:3000]
    proc = world4["proc"]
    last = err.strip().splitlines()[-1] if err.strip() else ""
    assert proc.returncode in (0, 1), (proc.returncode, err[-1500:])
    assert proc.returncode == 0 or last.startswith(("crawl finished with errors", "crawl did not finish")), last


@pytest.mark.parametrize("case", params("portals4", CASES, [c.name for c in CASES]))
def test_every_report_found_once_and_read(world4, case):
    db, names = world4["db"], world4["names"][case.name]
    rows = _rows(world4, case, current_only=True)
    by_path = {}
    for r in rows:
        for p in _paths_of(db, r):
            by_path.setdefault(p, {})[r["id"]] = r
    missing, wrong, duplicated, misfiled = [], [], [], []
    for rep in case.reports:
        got = {}
        for p in (rep.path, *(_path(_bind(a, names)) for a in rep.also)):
            got.update(by_path.get(p, {}))
        if not got:
            missing.append(rep.path)
            continue
        # one path may carry several reports (a zip of departments' reports): the row of this organ and year
        same = [r for r in got.values() if r["organ"] == rep.organ and r["report_year"] == rep.year]
        shared = sum(1 for other in case.reports if other.path == rep.path) > 1
        if len(same) > 1 or (len(got) > 1 and not shared):
            duplicated.append((rep.path, sorted(_path(r["url"]) for r in got.values())))
        row = same[0] if same else next(iter(got.values()))
        if row["report_year"] != rep.year or row["organ"] != rep.organ:
            misfiled.append((rep.path, row["organ"], row["report_year"], rep.organ, rep.year))
        expected = case.expected.get(rep.path) or label(rep.label)
        _, _, bad = compare(_as_archived(expected), _cells(db, row["id"]), SECTIONS)
        if bad:
            wrong.append((rep.path, bad[:3]))
    n = len(case.reports)
    statuses = sorted((r["status"], _path(r["url"]), r["organ"], r["report_year"]) for r in _rows(world4, case))
    assert not missing, f"{case.name}: {len(missing)}/{n} reports not found: {missing[:6]}; rows {statuses[:8]}"
    assert not wrong, f"{case.name}: wrong cells {wrong[:3]}"
    assert not misfiled, f"{case.name}: filed under the wrong organ/year {misfiled[:4]}"
    assert not duplicated, f"{case.name}: one report archived as several {duplicated[:3]}"


@pytest.mark.parametrize("case", params("portals4", CASES, [f"{c.name}/cells" for c in CASES]))
def test_found_reports_read_95_exact(world4, case):
    """A found report is read as a person reads it: ≥ 95% of its labelled cells exact (the
    figures are printed, a PDF, a DOCX or page images a person reads)."""
    db, names = world4["db"], world4["names"][case.name]
    rows = _rows(world4, case, current_only=True)
    short = []
    for rep in case.reports:
        paths = {rep.path, *(_path(_bind(a, names)) for a in rep.also)}
        row = next((r for r in rows if _paths_of(db, r) & paths and r["organ"] == rep.organ
                    and r["report_year"] == rep.year), None)
        if row is None:
            continue  # not found: test_every_report_found_once_and_read says so
        expected = case.expected.get(rep.path) or label(rep.label)
        exact, undetermined, wrong = compare(_as_archived(expected), _cells(db, row["id"]), SECTIONS)
        n = exact + undetermined + len(wrong)
        if exact < 0.95 * n:
            short.append((rep.path, f"{exact}/{n}", (row["errors"] or "")[:160]))
    assert not short, f"{case.name}: found reports read < 95% exact: {short}"


@pytest.mark.parametrize("case", params("portals4", [c for c in CASES if c.distractors],
                                        [f"{c.name}/distractor" for c in CASES if c.distractors]))
def test_no_distractor_kept(world4, case):
    db = world4["db"]
    kept = [(_path(r["url"]), r["title"]) for r in _rows(world4, case)
            if _paths_of(db, r) & set(case.distractors)]
    assert not kept, f"{case.name}: {len(kept)}/{len(case.distractors)} distractors archived as reports: {kept}"


SUPERSEDED = [c for c in CASES if c.superseded]


@pytest.mark.parametrize("case", params("portals4", SUPERSEDED, [f"{c.name}/superseded" for c in SUPERSEDED]))
def test_corrected_report_replaces_the_original(world4, case):
    """The 更正版 names the original 废止: one current report for the organ and year."""
    rows = _rows(world4, case, current_only=True)
    old = [(r["status"], _path(r["url"]), r["report_year"]) for r in rows
           if _path(r["url"]) in case.superseded or _path(r["final_url"]) in case.superseded]
    years = [r["report_year"] for r in rows if r["organ"] == case.organ]
    assert not old, (f"{case.name}: the superseded original is current beside its 更正版 (organ-year counted "
                     f"{years.count(2023)} times for 2023): {old}")
