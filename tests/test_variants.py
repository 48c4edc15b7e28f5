"""Portals the crawler was not written against: every family at a host's root and under a
sub-path of a shared host, its list configuration in other real-world spellings, on
several loopback addresses, plus a site whose list API no family knows (browser only).
All generated from replica/variants.yml; crawled three times as subprocesses: first, again
unchanged, and after one report's title was edited."""
from __future__ import annotations

import json
import urllib.parse

import pytest
import sqlite_utils
import yaml

from replica.variants import LABEL, build, long_column, origins

from .servers import crawl, replica


def seeds_for(path, variants, urls) -> None:
    entries = [{"id": v.name, "name": v.organ, "url": urls[v.origin].rstrip("/") + v.prefix, "level": "county"}
               for v in variants]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("variants")
    out, db_path, seeds = tmp / "sites", tmp / "archive.db", tmp / "seeds.yml"
    variants = build(out)
    edited = next(v for v in variants if v.name == "jcms-zhejiang-root")
    reworded = next(v for v in variants if v.name == "gkmlpt-config-subpath")
    with replica({origin: f"{host}:0" for origin, host in origins(variants).items()}, root=out) as urls:
        seeds_for(seeds, variants, urls)
        runs = {"first": crawl(seeds, db_path), "again": crawl(seeds, db_path)}
        # The report's own title is corrected (nothing else on the page changes).
        page = out / edited.origin / edited.reports[0].lstrip("/")
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace("年政府信息公开工作年度报告", "年度政府信息公开工作年度报告"), encoding="utf-8")
        # Another report's narrative is reworded (its tables stay).
        page = out / reworded.origin / reworded.reports[0].lstrip("/")
        html = page.read_text(encoding="utf-8")
        page.write_text(html.replace("公开质量仍需提高", "公开质量仍需进一步提高"), encoding="utf-8")
        runs["edited"] = crawl(seeds, db_path)
    db = sqlite_utils.Database(db_path)
    run_ids = [r["run"] for r in db.query("select distinct run from crawl_runs order by run")]
    rows = [{r["portal"]: r for r in db["crawl_runs"].rows_where("run = ?", [run])} for run in run_ids]
    return {"db": db, "variants": variants, "urls": urls, "runs": runs, "rows": rows, "run_ids": run_ids,
            "edited": edited, "reworded": reworded}


def test_variants_cover_every_family_placement_and_host(crawled):
    variants = crawled["variants"]
    assert {v.family for v in variants} == {"jcms", "gkmlpt", "jpaas", "trs", "generic", "unknown"}
    assert {v.placement for v in variants} == {"root", "subpath"}
    assert {v.host for v in variants} == {"127.0.0.2", "127.0.0.3", "127.0.0.4"}
    shared = [v for v in variants if v.placement == "subpath"]
    assert max(sum(1 for w in shared if w.origin == v.origin) for v in shared) >= 2  # portals sharing a host


def test_every_report_found_no_distractor_exit_0(crawled):
    runs = crawled["runs"]
    assert runs["first"].returncode == 0, runs["first"].stdout[-3000:] + runs["first"].stderr[-3000:]
    db = crawled["db"]
    found = {(r["portal"], urllib.parse.urlsplit(r["url"]).path) for r in db["reports"].rows}
    expected = {(v.name, path) for v in crawled["variants"] for path in v.reports}
    distractors = {(v.name, path) for v in crawled["variants"] for path in v.distractors}
    assert found == expected, (sorted(expected - found), sorted(found - expected))
    assert not found & distractors
    # Each report is archived from its own portal's scope (host and path prefix).
    for r in db["reports"].rows:
        v = next(v for v in crawled["variants"] if v.name == r["portal"])
        assert urllib.parse.urlsplit(r["url"]).path.startswith(v.prefix)
    assert {r["status"] for r in crawled["rows"][0].values()} == {"ok"}
    # The reports' own tables were read (the 南湖 2023 figures every variant report carries).
    label = json.loads(LABEL.read_text(encoding="utf-8"))
    for r in db["reports"].rows:
        cells = {(c["row_key"], c["column_key"]): c["value"] for c in db["applications"].rows_where("report_id = ?", [r["id"]])}
        assert cells[("new_received", "total")] == label["applications"]["new_received"]["total"], r["url"]


def test_routes_say_how_each_list_was_read(crawled):
    first = crawled["rows"][0]
    for v in crawled["variants"]:
        route = first[v.name]["route"]
        assert all(f"{name}: " in route for name in v.routes), (v.name, route)
    # The family recognised the page (a stale JCMS include), its request failed, the
    # browser read the list from the answers of the page's own script.
    unknown = first["unknown-json-api-subpath"]["route"]
    assert "jcms dataproxy answered 405 → browser: 3 links" in unknown, unknown
    assert "jcms dataproxy listed nothing → browser: 3 links" in first["unknown-json-api-root"]["route"]
    # At the first (full) discovery the browser renders every column once, as the reference the
    # static routes are checked against; a re-crawl renders only the columns whose list only
    # the browser read in full.
    assert {p: r["browser_renders"] for p, r in first.items()} == {p: 1 for p in first}
    again = crawled["rows"][1]
    assert {p: r["browser_renders"] for p, r in again.items()} == {
        p: (1 if p.startswith("unknown") else 0) for p in again}
    assert "the column needs the browser" in first["unknown-json-api-root"]["route"]
    # The answers the browser received are kept as evidence.
    db = crawled["db"]
    assert db["captures"].count_where("url like ? and content_type like ?", ["%/open/v3/docs/query%", "%json%"]) >= 4


def test_unchanged_recrawl_is_cheap(crawled):
    runs, (first, again) = crawled["runs"], crawled["rows"][:2]
    assert runs["again"].returncode == 0, runs["again"].stderr[-3000:]
    first_bytes, again_bytes = sum(r["bytes"] for r in first.values()), sum(r["bytes"] for r in again.values())
    assert again_bytes <= first_bytes * 0.05, (again_bytes, first_bytes)
    for portal, row in again.items():
        assert row["reports_found"] == row["reports_unchanged"] == first[portal]["reports_found"]
        assert row["reports_new"] == row["reports_changed"] == 0
    # No report body was downloaded again: no capture of a report URL in the second run.
    db, run2 = crawled["db"], crawled["run_ids"][1]
    report_urls = {r["url"] for r in db["reports"].rows}
    assert not [c["url"] for c in db["captures"].rows_where("run = ?", [run2]) if c["url"] in report_urls]


def test_an_edited_title_is_a_change(crawled):
    db, v = crawled["db"], crawled["edited"]
    assert crawled["runs"]["edited"].returncode == 0
    report = next(r for r in db["reports"].rows if r["url"].endswith(v.reports[0]))
    changes = list(db["changes"].rows_where("report_id = ?", [report["id"]]))
    assert [c["kind"] for c in changes] == ["changed"]
    assert "年度政府信息公开工作年度报告" in report["title"] and "title" in changes[0]["note"]


def test_a_reworded_narrative_is_a_change_with_a_short_diff(crawled):
    db, v = crawled["db"], crawled["reworded"]
    report = next(r for r in db["reports"].rows if r["url"].endswith(v.reports[0]))
    change = next(db["changes"].rows_where("report_id = ?", [report["id"]]))
    assert change["kind"] == "changed" and "[→进一步]" in change["note"], change["note"]
    assert db["changes"].count == 2  # nothing else changed (page chrome included)


def test_summary_at_the_end_of_a_crawl(crawled):
    out = crawled["runs"]["first"].stdout
    assert "crawl summary" in out and "unknown-json-api-subpath: ok — reports 3 found, 3 new" in out
    assert "Dumping Scrapy stats" not in crawled["runs"]["first"].stderr


def test_a_thousand_report_column_is_read_to_the_end(tmp_path):
    """50 list pages linked only by 首页/上一页/下一页/尾页: pagination is not depth, and
    every report is archived."""
    out, db_path, seeds = tmp_path / "sites", tmp_path / "archive.db", tmp_path / "seeds.yml"
    v = long_column(out, n_reports=1000, page_size=20)
    with replica({v.origin: "127.0.0.5:0"}, root=out) as urls:
        seeds_for(seeds, [v], urls)
        run = crawl(seeds, db_path)
    assert run.returncode == 0, run.stderr[-3000:]
    db = sqlite_utils.Database(db_path)
    assert db["reports"].count == 1000
    row = next(db["crawl_runs"].rows)
    assert row["status"] == "ok" and row["reports_new"] == 1000
    assert "static links: 1000 links" in row["route"]
