"""seeds/china/: generated from the registry (seeds/registry/registry.csv) by
seeds/generate_china.py. Every file loads with the seeds loader, the files are what the
script makes, they cover the registry's governments and its known 年报 columns, and a crawl
of one province's seeds (a few entries moved onto replica servers on 127.0.0.x) starts."""
from __future__ import annotations

import csv
import filecmp
import importlib.util
import sqlite3
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

from crawler.seeds import LEVELS, load_seeds, select

from .servers import ROOT, crawl, replica

CHINA = ROOT / "seeds" / "china"
REGISTRY = ROOT / "seeds" / "registry" / "registry.csv"
EVIDENCE = ROOT / "seeds" / "registry" / "evidence.csv"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_china", ROOT / "seeds" / "generate_china.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def portals() -> list[dict]:
    out = []
    for path in sorted(CHINA.glob("*.yml")):
        out.extend(load_seeds(path))  # a SeedsError fails the test with the file and entry
    return out


def test_every_file_loads_and_ids_are_unique_across_files(portals):
    assert len(list(CHINA.glob("*.yml"))) >= 32
    ids = [p["id"] for p in portals]
    assert len(ids) == len(set(ids))
    for p in portals:
        assert p["verified"] is False and p["source"] and p["level"] in LEVELS and p["region"]
        host = urlsplit(p["url"]).netloc.lower()
        bare = host.removeprefix("www.")
        assert {bare, "www." + bare} <= set(p["allowed_hosts"]), p["id"]


def test_the_files_are_what_the_script_generates(tmp_path):
    _generator().generate(REGISTRY, tmp_path)
    committed = sorted(x.name for x in CHINA.glob("*.yml"))
    assert sorted(x.name for x in tmp_path.glob("*.yml")) == committed
    match, mismatch, errors = filecmp.cmpfiles(tmp_path, CHINA, committed, shallow=False)
    assert not mismatch and not errors, "seeds/china is stale: run python seeds/generate_china.py"


def test_governments_are_covered_with_region_and_level(portals):
    by_name_region = {(p["name"], p["region"]): p for p in portals}
    generate = _generator()
    governments = [r for r in _rows(REGISTRY) if r["level"] in ("province", "prefecture", "county")
                   and r["province"] != "全国"]
    covered = [r for r in governments if (r["organ"], generate.region_of(r)) in by_name_region]
    assert len(covered) / len(governments) >= 0.99, (len(covered), len(governments))
    for r in covered:
        p = by_name_region[(r["organ"], generate.region_of(r))]
        assert p["region"].startswith(r["province"]) and p["level"] in ("province", "prefecture", "county", "zone")
        if r["division_code"]:
            assert p["division_code"] == r["division_code"]


def test_known_report_columns_are_start_urls(portals):
    named = {c for p in portals for c in p.get("columns") or []}
    known = {r["annual_report_column"] for r in _rows(REGISTRY) if r["annual_report_column"]}
    assert len(known & named) / len(known) >= 0.95, sorted(known - named)
    derived = {r["derived_column"] for r in _rows(EVIDENCE) if r["derived_column"]}
    assert len(derived & named) / len(derived) >= 0.95, sorted(derived - named)


def test_offices_and_zones_get_their_level():
    generate = _generator()
    row = dict(organ="龙游县人民政府办公室", level="department", province="浙江省", prefecture="衢州市", county="龙游县")
    assert generate.level_of(row) == "county"
    row = dict(organ="四川蓬安工业园区管理委员会", level="department", province="四川省", prefecture="南充市", county="蓬安县")
    assert generate.level_of(row) == "zone"
    row = dict(organ="常德市西洞庭管理区", level="county", province="湖南省", prefecture="常德市", county="西洞庭管理区")
    assert generate.level_of(row) == "county"


def test_region_and_level_filters(portals):
    zhejiang = load_seeds(CHINA / "浙江省.yml")
    jiaxing = select(zhejiang, region="浙江省嘉兴市")
    assert jiaxing and all(p["region"].startswith("浙江省嘉兴市") for p in jiaxing)
    assert {p["level"] for p in select(zhejiang, level="prefecture,county")} <= {"prefecture", "county"}
    assert len(select(portals, region="浙江省")) == len(zhejiang)


def _moved(entry: dict, base: str, column_path: str | None) -> dict:
    """A registry entry moved onto a replica server: its host replaced, everything else kept."""
    target = urlsplit(base)
    entry = dict(entry, url=base, allowed_hosts=[target.netloc])
    entry.pop("path_prefix", None)
    if column_path:
        entry["columns"] = [urlunsplit((target.scheme, target.netloc, column_path, "", ""))]
    return entry


def test_a_province_crawl_starts_on_a_replica(tmp_path):
    entries = yaml.safe_load((CHINA / "浙江省.yml").read_text(encoding="utf-8"))
    chosen = [entries[0], next(e for e in entries if e["level"] == "prefecture"),
              next(e for e in entries if e["level"] == "county")]
    sites = {"jcms": "127.0.0.2:0", "trs": "127.0.0.3:0", "ucap": "127.0.0.4:0"}
    with replica(sites) as urls:
        moved = [_moved(chosen[0], urls["jcms"], "/col/col1229425797/index.html"),
                 _moved(chosen[1], urls["trs"], None), _moved(chosen[2], urls["ucap"], None)]
        seeds = tmp_path / "浙江省.yml"
        seeds.write_text(yaml.safe_dump(moved, allow_unicode=True), encoding="utf-8")
        load_seeds(seeds)
        run = crawl(seeds, tmp_path / "archive.db", "-a", "region=浙江省")
    assert run.returncode in (0, 1), run.stderr[-3000:]
    conn = sqlite3.connect(tmp_path / "archive.db")
    rows = {r[0]: r[1:] for r in conn.execute("select portal, status, reports_found from crawl_runs")}
    assert set(rows) == {e["id"] for e in moved}
    assert rows[moved[0]["id"]][1] > 0, run.stderr[-3000:]  # 嘉兴's replica, from its seeded column
    places = dict(conn.execute("select id, region || '/' || level from portals"))
    for e in moved:
        assert places[e["id"]] == f"{e['region']}/{e['level']}"
    column = moved[0]["columns"][0]
    # fetched once plainly (the browser reference of a full discovery renders it once more)
    assert conn.execute("select count(*) from captures where url = ? and not rendered", [column]).fetchone()[0] == 1
