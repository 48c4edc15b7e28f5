"""The whole pipeline on the bundled replica: crawl (subprocess, real Chromium) → WARC
captures → extraction → archive.db → Datasette answering HTTP."""
from __future__ import annotations

import json
import urllib.parse

import pytest
import sqlite_utils
import yaml

from crawler.capture import payload_digest, read_capture
from extract import extract_bytes

from .conftest import ROOT, label
from .servers import crawl, datasette, get_json, replica

MANIFEST = json.loads((ROOT / "replica" / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """Two crawls of the replica into one archive; yields the database and both results."""
    tmp = tmp_path_factory.mktemp("e2e")
    db_path = tmp / "archive.db"
    with replica() as sites:
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump([
            {"id": "replica-jiaxing", "name": "嘉兴市（复刻）", "url": sites["jcms"], "region": "浙江省嘉兴市",
             "level": "prefecture", "allowed_hosts": [urllib.parse.urlsplit(sites["jcms"]).netloc]},
            {"id": "replica-pingtan", "name": "平潭（复刻）", "url": sites["trs"], "region": "福建省平潭综合实验区",
             "level": "prefecture", "allowed_hosts": [urllib.parse.urlsplit(sites["trs"]).netloc]},
        ], allow_unicode=True), encoding="utf-8")
        first = crawl(seeds, db_path)
        db = sqlite_utils.Database(db_path)
        counts_after_first = {t: db[t].count for t in ("reports", "applications", "captures", "checks")}
        second = crawl(seeds, db_path)
    yield {"db": sqlite_utils.Database(db_path), "path": db_path, "sites": sites,
           "first": first, "second": second, "counts_after_first": counts_after_first}


def report_by_organ(db, organ: str, year: int) -> dict:
    rows = list(db["reports"].rows_where("organ = ? and report_year = ?", [organ, year]))
    assert len(rows) == 1, f"{organ} {year}: {len(rows)} rows"
    return rows[0]


def table3(db, report_id: int) -> dict:
    out: dict = {}
    for r in db["applications"].rows_where("report_id = ?", [report_id]):
        out.setdefault(r["row_key"], {})[r["column_key"]] = r["value"]
    return out


def test_crawl_succeeds(archive):
    assert archive["first"].returncode == 0, archive["first"].stderr[-3000:]
    assert archive["second"].returncode == 0, archive["second"].stderr[-3000:]


def test_finds_every_report_and_no_distractor(archive):
    found = {urllib.parse.urlsplit(r["url"]).path for r in archive["db"]["reports"].rows}
    expected = {r["path"] for site in MANIFEST.values() for r in site["reports"]}
    distractors = {d["path"] for site in MANIFEST.values() for d in site["distractors"]}
    assert found == expected
    assert not found & distractors


def test_zhapu_values(archive):
    db = archive["db"]
    report = report_by_organ(db, "浙江乍浦经济开发区（嘉兴港区）", 2023)
    t3 = table3(db, report["id"])
    assert t3["new_received"]["total"] == 37
    assert t3["total_handled"]["total"] == 38
    assert t3["carried_over"]["total"] == 1
    active = {r["key"]: r for r in db["active_disclosure"].rows_where("report_id = ?", [report["id"]])}
    assert active["licensing"]["value"] == 22738
    assert active["fees_10k_yuan"]["value"] == 1341 and active["fees_10k_yuan"]["raw"] == "1341万元"
    assert report["format"] == "2021" and report["check_status"] == "ok"


def test_nanhu_values(archive):
    db = archive["db"]
    report = report_by_organ(db, "南湖区人民政府办公室", 2023)
    t3 = table3(db, report["id"])
    assert t3["new_received"]["total"] == 18
    assert t3["unable_not_held"]["total"] == 6
    assert t3["carried_forward"]["total"] == 2
    assert report["published"] == "2024-01-10"


@pytest.mark.parametrize("organ,name", [
    ("沭阳县发展和改革局", "shuyang-fgj-2023"),
    ("南湖区人民政府办公室", "nanhu-2023"),
    ("浙江乍浦经济开发区（嘉兴港区）", "zhapu-2023"),
])
def test_tables_as_the_page_shows_them(archive, organ, name):
    db, expected = archive["db"], label(name)
    report = report_by_organ(db, organ, 2023)
    assert table3(db, report["id"]) == expected["applications"]
    active = {r["key"]: r["value"] for r in db["active_disclosure"].rows_where("report_id = ?", [report["id"]])}
    assert active == expected["active"]
    review: dict = {}
    for r in db["review_litigation"].rows_where("report_id = ?", [report["id"]]):
        review.setdefault(r["block"], {})[r["outcome"]] = r["value"]
    assert review == expected["review_litigation"]


def test_every_report_has_source_and_capture(archive):
    db = archive["db"]
    for report in db["reports"].rows:
        assert report["url"].startswith("http://127.0.0.1:")
        assert report["final_url"] and report["fetched_at"] and report["capture_id"]
        capture, body = read_capture(db, report["capture_id"], archive["path"].parent)
        assert payload_digest(body) == capture["digest"] == report["content_digest"]
        # Re-extraction from the WARC alone gives the stored figures.
        again = extract_bytes(body, report["final_url"], capture["content_type"])
        assert again["report_year"] == report["report_year"]
        stored = {(r["row_key"], r["column_key"]): r["value"]
                  for r in db["applications"].rows_where("report_id = ?", [report["id"]])}
        assert stored == {(row, col): v for row, cols in again["applications"].items() for col, v in cols.items()}


def test_jcms_list_was_rendered_in_the_browser_and_trs_was_not(archive):
    runs = {r["portal"]: r for r in archive["db"]["crawl_runs"].rows_where("run = (select min(run) from crawl_runs)")}
    assert runs["replica-jiaxing"]["browser_renders"] >= 1
    assert runs["replica-pingtan"]["browser_renders"] == 0
    assert all(r["status"] == "ok" for r in runs.values())


def test_second_crawl_adds_nothing(archive):
    db = archive["db"]
    assert {t: db[t].count for t in archive["counts_after_first"]} == archive["counts_after_first"]
    second = list(db["crawl_runs"].rows_where("run = (select max(run) from crawl_runs)"))
    assert len(second) == 2
    assert all(r["reports_new"] == 0 and r["captures_new"] == 0 and r["reports_unchanged"] == r["reports_found"]
               for r in second)


def test_datasette_serves_the_same_numbers(archive):
    with datasette(archive["path"]) as base:
        sql = ("select r.organ, a.row_key, a.value from reports r join applications a on a.report_id = r.id "
               "where a.column_key = 'total' and a.row_key in ('new_received', 'total_handled', 'carried_over') "
               "and r.report_year = 2023 order by r.organ, a.row_key")
        rows = get_json(f"{base}/archive.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}))
        got = {(r["organ"], r["row_key"]): r["value"] for r in rows}
        assert got[("浙江乍浦经济开发区（嘉兴港区）", "new_received")] == 37
        assert got[("浙江乍浦经济开发区（嘉兴港区）", "total_handled")] == 38
        assert got[("浙江乍浦经济开发区（嘉兴港区）", "carried_over")] == 1
        assert got[("南湖区人民政府办公室", "new_received")] == 18
        table = get_json(f"{base}/archive/reports.json?_shape=array&"
                         + urllib.parse.urlencode({"organ": "沭阳县发展和改革局"}))
        assert table[0]["report_year"] == 2023 and table[0]["published"] == "2024-01-17"
        meta = get_json(f"{base}/-/metadata.json")
        assert "applications" in meta["databases"]["archive"]["tables"]


@pytest.mark.parametrize("query,organs", [
    ("复议", {"南湖区人民政府办公室", "浙江乍浦经济开发区（嘉兴港区）", "沭阳县发展和改革局", "平潭综合实验区"}),
    ("乍浦", {"浙江乍浦经济开发区（嘉兴港区）"}),
    ("发展和改革局", {"沭阳县发展和改革局"}),
])
def test_chinese_search_of_two_or_more_characters(archive, query, organs):
    with datasette(archive["path"]) as base:
        rows = get_json(f"{base}/archive/reports.json?_shape=array&" + urllib.parse.urlencode({"_search": query}))
    assert {r["organ"] for r in rows} == organs
