"""Portals built from publication mechanisms real portals use (replica/mechanisms.py: frames,
shell report pages, firewall challenges, pagers that are no links, download handlers,
scanned PDFs, sub-columns, scripted links, year pickers, script-drawn lists, another host),
each class in several spellings, crawled as subprocesses three times: first, again
unchanged, and after one report was edited and another removed. Each class must yield
every report (read: the real figures it carries), no distractor, a cheap unchanged
re-crawl with no report body fetched again, the edit and the removal seen, exit 0."""
from __future__ import annotations

import json
import os
import shutil
import urllib.parse
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from replica.mechanisms import build, description, origins

from .servers import crawl, replica

LABELS = Path(__file__).resolve().parent / "files" / "labels"
# MECHANISM_CLASSES=search,split: only those classes (a developer's quicker loop)
ONLY = [c for c in os.environ.get("MECHANISM_CLASSES", "").split(",") if c]
SPEC = {**description(), "classes": {c: s for c, s in description()["classes"].items() if not ONLY or c in ONLY}}
CLASSES = list(SPEC["classes"])
pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="the Word files need LibreOffice")


def where(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.unquote(parts.path + (f"?{parts.query}" if parts.query else ""))


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("mechanisms")
    out, db_path, seeds = tmp / "sites", tmp / "archive.db", tmp / "seeds.yml"
    portals = build(out, SPEC)
    with replica({origin: f"{host}:0" for origin, host in origins(portals).items()}, root=out) as urls:
        netloc = lambda origin: urllib.parse.urlsplit(urls[origin]).netloc  # noqa: E731
        seeds.write_text(yaml.safe_dump([
            {"id": m.name, "name": m.organ, "url": urls[m.origin], "level": "county",
             "allowed_hosts": [netloc(m.origin)] + ([netloc(m.other_origin)] if m.other_origin else [])}
            for m in portals], allow_unicode=True), encoding="utf-8")
        runs = {"first": crawl(seeds, db_path), "again": crawl(seeds, db_path)}
        # a firewall that changes the cookie it accepts: the cookies kept since run 1 are refused
        for m in of_class({"portals": portals}, "challenge")[:1]:
            mech = json.loads((out / m.origin / "_mech.json").read_text(encoding="utf-8"))
            (out / m.origin / "_mech.json").write_text(json.dumps({**mech, "token": 8}), encoding="utf-8")
        for m in portals:
            target = out / m.edit["file"]
            if m.edit.get("source"):
                target.write_bytes((out / m.edit["source"]).read_bytes())
            else:
                text = target.read_text(encoding="utf-8")
                assert m.edit["old"] in text, (m.name, m.edit)
                target.write_text(text.replace(m.edit["old"], m.edit["new"]), encoding="utf-8")
            (out / m.removal["file"]).unlink()
        runs["changed"] = crawl(seeds, db_path)
    db = sqlite_utils.Database(db_path)
    run_ids = [r["run"] for r in db.query("select distinct run from crawl_runs order by run")]
    rows = [{r["portal"]: r for r in db["crawl_runs"].rows_where("run = ?", [run])} for run in run_ids]
    return {"db": db, "portals": portals, "runs": runs, "rows": rows, "run_ids": run_ids}


def of_class(crawled, cls):
    return [m for m in crawled["portals"] if m.family == cls]


def test_every_crawl_exits_0_and_no_row_stays_running(crawled):
    for name, run in crawled["runs"].items():
        assert run.returncode == 0, (name, run.stdout[-3000:], run.stderr[-3000:])
        assert "Traceback" not in run.stderr, run.stderr[-3000:]
    assert not list(crawled["db"]["crawl_runs"].rows_where("status = 'running'"))


def test_every_class_has_several_spellings(crawled):
    assert len(CLASSES) >= 11
    assert all(len(of_class(crawled, cls)) >= 1 for cls in CLASSES)
    assert sum(len(of_class(crawled, cls)) >= 2 for cls in CLASSES) >= 8


@pytest.mark.parametrize("cls", CLASSES)
def test_every_report_found_and_read_no_distractor(crawled, cls):
    db = crawled["db"]
    for m in of_class(crawled, cls):
        # (a report published twice is one row, at whichever of its URLs)
        found = {m.aliases.get(where(r["url"]), where(r["url"])) for r in db["reports"].rows_where("portal = ?", [m.name])}
        assert found == set(m.reports), (m.name, sorted(set(m.reports) - found), sorted(found - set(m.reports)),
                                         crawled["rows"][0][m.name]["route"])
        assert not found & set(m.distractors), m.name
        for r in db["reports"].rows_where("portal = ?", [m.name]):
            if where(r["url"]) in m.image_only:
                errors = [e["message"] for e in db["errors"].rows_where("url = ?", [r["url"]])]
                assert any("image-only" in e for e in errors), (m.name, errors)
                continue
            label = json.loads((LABELS / f"{m.figures[m.aliases.get(where(r['url']), where(r['url']))]}.json")
                               .read_text(encoding="utf-8"))
            cells = {(c["row_key"], c["column_key"]): c["value"]
                     for c in db["applications"].rows_where("report_id = ?", [r["id"]])}
            assert cells.get(("new_received", "total")) == label["applications"]["new_received"]["total"], \
                (m.name, r["url"], r["title"])


@pytest.mark.parametrize("cls", CLASSES)
def test_unchanged_recrawl_is_cheap_and_fetches_no_report_again(crawled, cls):
    db, (first, again) = crawled["db"], crawled["rows"][:2]
    run2 = crawled["run_ids"][1]
    for m in of_class(crawled, cls):
        # A column only the browser reads in full is rendered again on every run, and a browser
        # asks for its list pages whole (no conditional request): its small list pages count.
        bound = 0.15 if "needs the browser" in (first[m.name]["route"] or "") else 0.10
        assert again[m.name]["bytes"] <= first[m.name]["bytes"] * bound, (m.name, again[m.name]["bytes"],
                                                                            first[m.name]["bytes"])
        assert again[m.name]["reports_unchanged"] == first[m.name]["reports_found"] == len(m.reports), m.name
        report_urls = {r["url"] for r in db["reports"].rows_where("portal = ?", [m.name])}
        refetched = [c["url"] for c in db["captures"].rows_where("run = ?", [run2])
                     if c["url"] in report_urls or where(c["url"]) in m.aliases]
        assert not refetched, (m.name, refetched)


@pytest.mark.parametrize("cls", CLASSES)
def test_an_edit_and_a_removal_are_seen(crawled, cls):
    db = crawled["db"]
    run3 = crawled["run_ids"][2]
    for m in of_class(crawled, cls):
        kinds = {}
        for r in db["reports"].rows_where("portal = ?", [m.name]):
            for c in db["changes"].rows_where("report_id = ? and run = ?", [r["id"], run3]):
                kinds.setdefault(where(r["url"]), set()).add(c["kind"])
        assert kinds.get(m.edit["report"]) == {"changed"}, (m.name, kinds)
        assert kinds.get(m.removal["report"]) == {"removed"}, (m.name, kinds)
        assert len(kinds) == 2, (m.name, kinds)


def test_routes_record_what_the_browser_saw(crawled):
    first, again = crawled["rows"][:2]
    for m in of_class(crawled, "pager") + of_class(crawled, "script-list"):
        assert "the column needs the browser" in first[m.name]["route"], (m.name, first[m.name]["route"])
        assert again[m.name]["browser_renders"] >= 1, m.name  # the fast path of this column is the browser
    assert "page 2 by form post" in first["pager-form-post"]["route"], first["pager-form-post"]["route"]
    assert "page 2 by javascript: link" in first["pager-js-href"]["route"]
    assert "page 2 by load more" in first["pager-load-more"]["route"]
    for m in of_class(crawled, "frames") + of_class(crawled, "scripted-links") + of_class(crawled, "subcolumns"):
        # the static route reads these lists whole: re-crawls need no browser for them
        assert "needs the browser" not in first[m.name]["route"], (m.name, first[m.name]["route"])
        assert again[m.name]["browser_renders"] == 0, (m.name, again[m.name]["route"])


def test_challenges_are_passed_and_recorded(crawled):
    db, first = crawled["db"], crawled["rows"][0]
    for m in of_class(crawled, "challenge"):
        assert "passed in the browser" in first[m.name]["route"], first[m.name]["route"]
        assert not list(db["errors"].rows_where("portal = ? and stage = 'fetch' and run = ?",
                                                [m.name, crawled["run_ids"][0]]))


def test_challenge_cookies_are_kept_between_runs_until_refused(crawled):
    """Run 2 carries the cookies run 1 earned: no challenge, no browser pass. Before run 3 one
    firewall changes the cookie it accepts: that portal is challenged again, passes, and keeps
    the new cookies; the other reuses its own again."""
    again, changed = crawled["rows"][1], crawled["rows"][2]
    challenged = of_class(crawled, "challenge")
    for m in challenged:
        assert "reused: no browser pass" in again[m.name]["route"], again[m.name]["route"]
        assert again[m.name]["browser_renders"] == 0, again[m.name]
    rotated, *others = challenged
    assert "refused (the challenge again): passed again in the browser" in changed[rotated.name]["route"], \
        changed[rotated.name]["route"]
    assert "kept for the next runs (renewed)" in changed[rotated.name]["route"]
    for m in others:
        assert "reused: no browser pass" in changed[m.name]["route"], changed[m.name]["route"]


def test_shells_are_rendered_and_titled_by_their_report(crawled):
    db = crawled["db"]
    for m in of_class(crawled, "shell"):
        for r in db["reports"].rows_where("portal = ?", [m.name]):
            assert r["title"].endswith("政府信息公开工作年度报告") and "门户网站" not in r["title"], r["title"]


def test_the_search_route_is_recorded_and_used_again(crawled):
    """A 年报 no column links is found through the portal's own search form (GET, POST, the
    信息公开 page's 检索); the route is remembered (report_columns.route = 'search', a POST's
    body kept) and a re-crawl asks the search again, not the whole navigation."""
    db, (first, again) = crawled["db"], crawled["rows"][:2]
    for m in of_class(crawled, "search"):
        assert "search: 3 links" in first[m.name]["route"], (m.name, first[m.name]["route"])
        assert f"asked for 政府信息公开工作年度报告 by {'POST' if m.spelling == 'post' else 'GET'}" \
            in first[m.name]["route"], first[m.name]["route"]
        columns = list(db["report_columns"].rows_where("portal = ? and route = 'search'", [m.name]))
        assert columns, m.name
        assert any(c["post_body"] for c in columns) == (m.spelling == "post"), columns
        assert again[m.name]["discovery"] == "known_columns" and "search: 3 links" in again[m.name]["route"], \
            again[m.name]


def test_a_republished_report_is_one_row_and_its_copy_is_not_read_again(crawled):
    """The copy's URL is remembered as the report's alias (report_aliases): the unchanged
    re-crawl revalidates it (a 304) and reads nothing again."""
    db, run2 = crawled["db"], crawled["run_ids"][1]
    for m in of_class(crawled, "republished"):
        rows = {where(r["url"]): r["id"] for r in db["reports"].rows_where("portal = ?", [m.name])}
        (copy, original), = m.aliases.items()
        assert (copy in rows) != (original in rows), (m.name, rows)  # one row, at either URL
        kept = rows.get(copy) or rows[original]
        aliases = list(db["report_aliases"].rows_where("portal = ?", [m.name]))
        assert [(where(a["url"]), a["report_id"]) for a in aliases] == [(original if copy in rows else copy, kept)], \
            (m.name, aliases)
        assert aliases[0]["last_run"] >= run2, aliases


def test_a_split_report_is_one_row_read_from_all_its_pages(crawled):
    """第1页 第2页 …: one report row whose text and figures come from every page (table 3 is on
    page 2), each page captured with its own URL and remembered as what the report came from."""
    db = crawled["db"]
    for m in of_class(crawled, "split"):
        rows = list(db["reports"].rows_where("portal = ? and status = 'current'", [m.name]))
        assert {where(r["url"]) for r in rows} <= set(m.reports) and len(rows) == 2, (m.name, rows)
        for r in rows:
            parts = [s["source_url"] for s in db["report_sources"].rows_where("report_url = ? order by position",
                                                                           [r["url"]])]
            assert len(parts) == (1 if m.spelling == "query" else 2), (m.name, parts)
            for url in [r["url"]] + parts:
                assert db["captures"].count_where("url = ? and rendered = 0", [url]), url
            assert "五、存在的主要问题" in r["body_text"] and "一、总体情况" in r["body_text"], r["body_text"][:300]
