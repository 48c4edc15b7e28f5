"""A portal rebuilt between two crawls, its old URLs answering redirects to the new ones
(a real server on 127.0.0.x, three real crawls): after the re-crawl each report's row says
where it is now (url and final_url the new URL), its id, earlier capture and old URL are kept
(a `moved` change, the old URL its alias, the redirect captured), no report counts twice,
and unchanged bytes are not read again — in that crawl or the next."""
from __future__ import annotations

import urllib.parse

import pytest
import sqlite_utils
import yaml

from .servers import crawl
from .world.portals import page, report_body, report_title
from .world.server import Answer, Site

ORGAN = "江山市人民政府"
OLD_COLUMN, NEW_COLUMN = "/xxgk/nb/index.html", "/zfxxgk/fdzdgknr/ndbg/index.shtml"
# year -> (label of its report, label after the move (an edit), how the old URL redirects)
REPORTS = {2023: ("nanhu-2023", "nanhu-2023", 301), 2022: ("zhapu-2023", "zhapu-2023", 302),
           2021: ("pingtan-2021", "shuyang-fgj-2023", 301)}


def old_path(year: int) -> str:
    return f"/xxgk/nb/{year}/t_{year}.html"


def new_path(year: int) -> str:
    return f"/zfxxgk/fdzdgknr/ndbg/{year}/art_{year}.shtml"


def _listing(paths: dict) -> bytes:
    items = "".join(f'<li><a href="{p}">{report_title(ORGAN, y)}</a></li>' for y, p in paths.items())
    return page("政府信息公开年报", f"<ul>{items}</ul>").encode()


def _home(column: str) -> bytes:
    return page(ORGAN, f'<ul><li><a href="/about.html">本站概况</a></li>'
                       f'<li><a href="{column}">政府信息公开年报</a></li></ul>').encode()


def first_edition() -> dict:
    routes = {"/": Answer(200, _home(OLD_COLUMN)), OLD_COLUMN: Answer(200, _listing({y: old_path(y) for y in REPORTS}))}
    for year, (name, _, _) in REPORTS.items():
        routes[old_path(year)] = Answer(200, report_body(name, ORGAN, year).encode())
    return routes


def second_edition() -> dict:
    routes = {"/": Answer(200, _home(NEW_COLUMN)), NEW_COLUMN: Answer(200, _listing({y: new_path(y) for y in REPORTS})),
              OLD_COLUMN: Answer(301, b"", [("Location", NEW_COLUMN)])}
    for year, (_, name, status) in REPORTS.items():
        routes[new_path(year)] = Answer(200, report_body(name, ORGAN, year).encode())
        routes[old_path(year)] = Answer(status, b"", [("Location", new_path(year))])
    return routes


def _path(url: str) -> str:
    return urllib.parse.urlsplit(url).path


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report-moves")
    site = Site(first_edition(), host="127.0.3.41").start()
    common = {"/about.html": Answer(200, page("本站概况", "<p>概况</p>").encode()),
              "/robots.txt": Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain")}
    site.routes.update(common)
    seeds, db_path = tmp / "seeds.yml", tmp / "archive.db"
    seeds.write_text(yaml.safe_dump([{"id": "moves", "name": ORGAN, "url": site.base + "/", "region": "浙江省",
                                      "level": "county", "allowed_hosts": [f"{site.host}:{site.port}"]}],
                                    allow_unicode=True), encoding="utf-8")
    quiet = ("-s", "BROWSER_REFERENCE=False")
    try:
        runs = {"first": crawl(seeds, db_path, *quiet)}
        db = sqlite_utils.Database(db_path)
        before = {r["report_year"]: dict(r) for r in db["reports"].rows}
        site.routes = {**second_edition(), **common}
        site.log.clear()
        runs["moved"] = crawl(seeds, db_path, *quiet)  # a periodic re-run: the remembered column, which redirects
        after_move = {r["report_year"]: dict(r) for r in sqlite_utils.Database(db_path)["reports"].rows}
        moved_log = list(site.log)
        site.log.clear()
        runs["again"] = crawl(seeds, db_path, *quiet)
        again_log = list(site.log)
    finally:
        site.stop()
    return {"runs": runs, "db": sqlite_utils.Database(db_path), "before": before, "after_move": after_move,
            "moved_log": moved_log, "again_log": again_log}


def test_every_crawl_exits_0(moved):
    for name, run in moved["runs"].items():
        assert run.returncode == 0, (name, run.stderr[-3000:])
        assert "Traceback" not in run.stderr, (name, run.stderr[run.stderr.find("Traceback"):][:3000])


def test_the_current_row_is_at_the_new_url_with_its_id_kept(moved):
    db, before = moved["db"], moved["before"]
    assert sorted(before) == sorted(REPORTS) and all(_path(r["url"]) == old_path(y) for y, r in before.items())
    rows = {r["report_year"]: r for r in db["reports"].rows}
    assert sorted(rows) == sorted(REPORTS), "one row per report, none added"
    for year, row in rows.items():
        assert row["status"] == "current", (year, row["status"])
        assert row["id"] == before[year]["id"], "the report keeps its id (its history)"
        assert _path(row["url"]) == _path(row["final_url"]) == new_path(year), (year, row["url"], row["final_url"])
        capture = db["captures"].get(row["capture_id"])
        assert _path(capture["url"]) == new_path(year) and capture["status"] == 200
    assert db.execute("select count(*) from current_reports").fetchone()[0] == len(REPORTS)


def test_the_old_url_stays_findable_and_the_redirect_is_captured(moved):
    db, before = moved["db"], moved["before"]
    for year, (_, _, status) in REPORTS.items():
        report_id = before[year]["id"]
        alias = db["report_aliases"].get(before[year]["url"])
        assert alias["report_id"] == report_id and alias["content_digest"] == before[year]["content_digest"]
        change = next(db["changes"].rows_where("report_id = ? and kind = 'moved'", [report_id]))
        assert _path(change["old_url"]) == old_path(year) and _path(change["new_url"]) == new_path(year)
        assert change["old_capture_id"] == before[year]["capture_id"]
        assert f"HTTP {status}" in change["note"], change["note"]
        old = db["captures"].get(before[year]["capture_id"])  # the earlier capture is still there
        assert _path(old["url"]) == old_path(year) and old["status"] == 200
        redirects = list(db["captures"].rows_where("url = ? and status = ?", [before[year]["url"], status]))
        assert len(redirects) == 1, f"the {status} of {old_path(year)} is the evidence of the move"
    assert not list(db["report_aliases"].rows_where("url like ?", ["%/zfxxgk/%"])), "a report's own URL is no alias"


def test_unchanged_bytes_are_not_read_again_an_edit_is(moved):
    db, before, after = moved["db"], moved["before"], moved["after_move"]
    for year, (first, second, _) in REPORTS.items():
        kinds = sorted(c["kind"] for c in db["changes"].rows_where("report_id = ?", [before[year]["id"]]))
        if first == second:
            assert after[year]["extracted_at"] == before[year]["extracted_at"], f"{year} read again unchanged"
            assert kinds == ["moved"], (year, kinds)
        else:  # moved and edited: read again, both recorded
            assert after[year]["extracted_at"] != before[year]["extracted_at"]
            assert kinds == ["changed", "moved"], (year, kinds)
    row = next(db["crawl_runs"].rows_where("portal = 'moves' order by id desc limit 1 offset 1"))
    assert (row["reports_found"], row["reports_new"], row["reports_moved"], row["reports_removed"]) == \
        (len(REPORTS), 0, len(REPORTS), 0), row


def test_each_new_url_is_fetched_once_per_run(moved):
    """Once after the move; in the run of the move once, or twice when the list's link to it
    was read before the old URL's redirect (the redirect is followed to its end whatever
    came first)."""
    for log, most in (("moved_log", 2), ("again_log", 1)):
        gets = [path for method, path, _ in moved[log] if method == "GET"]
        for year in REPORTS:
            assert 1 <= gets.count(new_path(year)) <= most, (log, year, gets)


def test_the_next_run_finds_them_unchanged_at_their_new_urls(moved):
    db, after = moved["db"], moved["after_move"]
    row = next(db["crawl_runs"].rows_where("portal = 'moves' order by id desc limit 1"))
    assert (row["reports_found"], row["reports_new"], row["reports_moved"], row["reports_changed"],
            row["reports_unchanged"]) == (len(REPORTS), 0, 0, 0, len(REPORTS)), row
    for year, report in ((r["report_year"], r) for r in db["reports"].rows):
        assert report["extracted_at"] == after[year]["extracted_at"] and _path(report["url"]) == new_path(year)
    asked = [path for method, path, _ in moved["again_log"] if method == "GET"]
    assert not [p for p in asked if p in {old_path(y) for y in REPORTS}], asked


def _page(url: str, body: bytes, final_url: str | None = None, by: str | None = None):
    from archive.records import ReportPage

    return ReportPage(portal="moves", url=url, final_url=final_url or url, list_title=None,
                      fetched_at="2026-12-02T07:00:00+00:00", capture_id=None, capture_new=True, status=200,
                      content_type="text/html; charset=utf-8", body=body, redirected_by=by)


def test_the_order_the_two_urls_are_read_in_does_not_matter(tmp_path):
    """The list's link to the new URL read before the old URL's redirect: still one row,
    the old id, at the new URL, the old URL its alias (archive/moves.py)."""
    from archive import ingest
    from archive.schema import open_archive
    from archive.store import save_portal

    results = {}
    for order in ("redirect first", "new url first"):
        db = open_archive(tmp_path / f"{order}.db")
        save_portal(db, {"id": "moves", "name": ORGAN, "url": "http://127.0.3.41/", "region": "浙江省",
                         "level": "county"})
        body = report_body("nanhu-2023", ORGAN, 2023).encode()
        old, new = "http://127.0.3.41" + old_path(2023), "http://127.0.3.41" + new_path(2023)
        first = ingest.ingest_report(db, _page(old, body), run="r1")
        pages = [_page(old, body, new, "HTTP 301"), _page(new, body)]
        outcomes = [ingest.ingest_report(db, p, run="r2") for p in (pages if order == "redirect first" else pages[::-1])]
        new_ids = {o.report_id: "moves" for o in outcomes if o.kind == "new"}
        ingest.merge_duplicates(db, ingest.record_moves(db, {}, new_ids, run="r2"))
        rows = [(r["id"], _path(r["url"]), _path(r["final_url"]), r["status"]) for r in db["reports"].rows]
        assert rows == [(first.report_id, new_path(2023), new_path(2023), "current")], (order, rows)
        assert db["report_aliases"].get(old)["report_id"] == first.report_id
        assert [c["kind"] for c in db["changes"].rows] == ["moved"], order
        results[order] = outcomes
    assert [o.kind for o in results["redirect first"]] == ["unchanged", "unchanged"], "nothing read again"


def test_an_old_url_that_now_leads_elsewhere_moves_nothing_there(tmp_path):
    """Redirected to the new column's list: the report is gone from its URL (removed, the
    redirect named; nothing stored from the list), and found at its new URL in the same run it
    has moved; redirected to another year's report: its own is gone from the old URL, the
    other is a report of its own."""
    from archive import ingest
    from archive.schema import open_archive
    from archive.store import save_portal

    db = open_archive(tmp_path / "elsewhere.db")
    save_portal(db, {"id": "moves", "name": ORGAN, "url": "http://127.0.3.41/", "region": "浙江省", "level": "county"})
    base = "http://127.0.3.41"
    kept = ingest.ingest_report(db, _page(base + old_path(2023), report_body("nanhu-2023", ORGAN, 2023).encode()), run="r1")
    gone = ingest.ingest_report(db, _page(base + old_path(2022), report_body("zhapu-2023", ORGAN, 2022).encode()), run="r1")
    to_list = ingest.ingest_report(db, _page(base + old_path(2023), _listing({2023: new_path(2023)}),
                                             base + NEW_COLUMN, "HTTP 301"), run="r2")
    assert (to_list.kind, to_list.removed) == ("skipped", kept.report_id), to_list
    row = db["reports"].get(kept.report_id)
    assert (_path(row["url"]), row["status"]) == (old_path(2023), "removed") and db["reports"].count == 2
    change = next(db["changes"].rows_where("report_id = ?", [kept.report_id]))
    assert change["kind"] == "removed" and "answers HTTP 301: it shows no report" in change["note"], change
    found = ingest.ingest_report(db, _page(base + new_path(2023), report_body("nanhu-2023", ORGAN, 2023).encode()),
                                 run="r2")
    assert ingest.record_moves(db, {kept.report_id: "moves"}, {found.report_id: "moves"}, run="r2") == {}
    row = db["reports"].get(kept.report_id)
    assert (_path(row["url"]), row["status"]) == (new_path(2023), "current")
    assert [c["kind"] for c in db["changes"].rows_where("report_id = ?", [kept.report_id])] == ["moved"]
    other = ingest.ingest_report(db, _page(base + old_path(2022), report_body("pingtan-2021", ORGAN, 2021).encode(),
                                           base + new_path(2021), "HTTP 302"), run="r2")
    assert other.kind == "new" and other.report_id != gone.report_id
    old = db["reports"].get(gone.report_id)
    assert (old["status"], _path(old["url"])) == ("removed", old_path(2022))
    change = next(db["changes"].rows_where("report_id = ?", [gone.report_id]))
    assert change["kind"] == "removed" and "answers HTTP 302: it shows another report" in change["note"]
    assert _path(db["reports"].get(other.report_id)["url"]) == new_path(2021)
