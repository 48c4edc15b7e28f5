"""The portal's own search is the route a person takes when the columns leave a gap (no
report, or a year missing between the earliest and the latest found): asked then, once, and
the route says why; never asked when the columns gave every year. Two real portals on
127.0.0.x with the same 站内搜索 form, one crawl; `site_search.gap` offline."""
from __future__ import annotations

import pytest
import sqlite_utils
import yaml

from crawler import site_search

from .servers import crawl
from .world.portals import page, report_body, report_title
from .world.server import Answer, Site

FORM = ('<form action="/search/index.jsp" method="get" class="search"><input type="text" name="q" '
        'placeholder="请输入关键词"><button type="submit">搜索</button></form>')
LABELS = {2023: "nanhu-2023", 2022: "zhapu-2023", 2021: "pingtan-2021"}
# portal -> (organ, the years its column lists); the search lists every year
PORTALS = {"every-year": ("常山县人民政府", [2023, 2022, 2021]), "gap": ("龙游县人民政府", [2023, 2021])}


def _links(organ: str, years) -> str:
    return "<ul>" + "".join(f'<li><a href="/nb/{y}.html">{report_title(organ, y)}</a></li>' for y in years) + "</ul>"


def _routes(organ: str, listed) -> dict:
    routes = {"/": Answer(200, page(organ, f'<div class="head">{FORM}</div><ul><li><a href="/about.html">本站概况'
                                           '</a></li><li><a href="/xxgk/nb/index.html">政府信息公开年报</a></li></ul>').encode()),
              "/about.html": Answer(200, page("本站概况", "<p>概况</p>").encode()),
              "/xxgk/nb/index.html": Answer(200, page("政府信息公开年报", _links(organ, listed)).encode()),
              "/search/index.jsp": Answer(200, page("搜索结果", _links(organ, sorted(LABELS, reverse=True))).encode()),
              "/robots.txt": Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain")}
    for year, name in LABELS.items():
        routes[f"/nb/{year}.html"] = Answer(200, report_body(name, organ, year).encode())
    return routes


@pytest.fixture(scope="module")
def searched(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site-search")
    sites = {pid: Site(_routes(organ, years), host=f"127.0.3.{51 + i}").start()
             for i, (pid, (organ, years)) in enumerate(PORTALS.items())}
    seeds, db_path = tmp / "seeds.yml", tmp / "archive.db"
    seeds.write_text(yaml.safe_dump([{"id": pid, "name": PORTALS[pid][0], "url": site.base + "/", "region": "浙江省",
                                      "level": "county", "allowed_hosts": [f"{site.host}:{site.port}"]}
                                     for pid, site in sites.items()], allow_unicode=True), encoding="utf-8")
    try:
        run = crawl(seeds, db_path, "-s", "BROWSER_REFERENCE=False")
    finally:
        for site in sites.values():
            site.stop()
    db = sqlite_utils.Database(db_path)
    return {"run": run, "db": db, "logs": {pid: site.log for pid, site in sites.items()},
            "rows": {r["portal"]: r for r in db["crawl_runs"].rows}}


def test_the_crawl_exits_0(searched):
    assert searched["run"].returncode == 0, searched["run"].stderr[-3000:]
    assert "Traceback" not in searched["run"].stderr


def test_columns_that_give_every_year_send_no_search_request(searched):
    asked = [path for _, path, _ in searched["logs"]["every-year"] if path.startswith("/search/")]
    assert asked == [], asked
    row = searched["rows"]["every-year"]
    assert row["reports_found"] == 3 and "site search not asked (the form of /)" in row["route"], row["route"]
    assert not list(searched["db"]["report_columns"].rows_where("portal = 'every-year' and route = 'search'"))


def test_a_year_missing_between_the_found_ones_is_searched_for_once(searched):
    asked = [path for _, path, _ in searched["logs"]["gap"] if path.startswith("/search/")]
    assert len(asked) == 1 and "q=" in asked[0], asked
    row = searched["rows"]["gap"]
    assert "site search asked: the other routes found no report of 2022 (between 2021 and 2023)" in row["route"], \
        row["route"]
    assert "search: 3 links (the search form of / asked for 政府信息公开工作年度报告 by GET)" in row["route"], row["route"]
    years = sorted(r["report_year"] for r in searched["db"]["reports"].rows_where("portal = 'gap'"))
    assert years == [2021, 2022, 2023] and row["reports_found"] == 3
    assert list(searched["db"]["report_columns"].rows_where("portal = 'gap' and route = 'search'"))


@pytest.mark.parametrize("years,why", [
    ([], "the other routes found no report"),
    ([2021, 2022, 2023], None),
    ([2023], None),
    ([2023, 2019, None], "the other routes found no report of 2020, 2021, 2022 (between 2019 and 2023)"),
    ([2010, 2023], "the other routes found no report of 2011, 2012, 2013, 2014, 2015 and 7 more (between 2010 and 2023)"),
])
def test_the_gap_a_person_would_search_for(years, why):
    assert site_search.gap(years) == why
