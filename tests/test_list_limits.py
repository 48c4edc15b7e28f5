"""The bounds of the list readers stop work visibly: one real crawl of two portals on
127.0.0.x with BROWSER_TAB_CLICKS=2 (a list of four year tabs switched by script) and
FEED_MAX_ENTRIES=3 (a feed of five reports): what was read within the bound is archived,
the rest is recorded once as an errors row of stage `limit` naming the setting."""
from __future__ import annotations

import html
import json

import pytest
import sqlite_utils
import yaml

from .servers import crawl
from .test_feeds import atom
from .world.portals import page, report_body, report_title
from .world.server import Answer, Site

YEARS = [2024, 2023, 2022, 2021, 2020]
LABELS = ["nanhu-2023", "zhapu-2023", "pingtan-2021", "nanhu-2023", "zhapu-2023"]


def _reports(organ: str, prefix: str) -> tuple[list, dict]:
    rows = [(f"{prefix}/{y}/art_{900 + i}.html", report_title(organ, y)) for i, y in enumerate(YEARS)]
    return rows, {p: Answer(200, report_body(name, organ, y).encode()) for (p, _), y, name in zip(rows, YEARS, LABELS)}


def tabs_portal(organ: str) -> dict:
    rows, routes = _reports(organ, "/xxgk/ndbg")
    years = YEARS[:4]
    data = "{" + ",".join(f"{y}:[{json.dumps(list(r), ensure_ascii=False)}]" for y, r in zip(years, rows)) + "}"
    tabs = "".join(f'<span class="tab" onclick="show({y})">{y}年</span>' for y in years)
    js = (f"var data={data};function show(y){{document.getElementById('list').innerHTML=data[y].map(function(r){{"
          "return '<li><a href=\"'+r[0]+'\">'+r[1]+'</a></li>';}).join('');}"
          f"show({years[0]});")
    routes["/xxgk/ndbg/index.html"] = Answer(200, page("政府信息公开工作年度报告",
                                                        f'<div>{tabs}</div><ul id="list"></ul><script>{js}</script>').encode())
    routes["/"] = Answer(200, page(organ, '<a href="/xxgk/ndbg/index.html">年度报告</a>').encode())
    return routes


def feed_portal(organ: str, netloc: str) -> dict:
    rows, routes = _reports(organ, "/gk/nb")
    routes["/gk/nb/atom.xml"] = Answer(200, atom([(t, f"http://{netloc}{p}") for p, t in rows]),
                                       content_type="application/atom+xml")
    shown = "".join(f'<li><a href="{p}">{html.escape(t)}</a></li>' for p, t in rows[:1])
    routes["/gk/nb/index.html"] = Answer(200, page("政府信息公开年报", f'<ul>{shown}</ul><a href="/gk/nb/atom.xml">RSS订阅</a>').encode())
    routes["/"] = Answer(200, page(organ, '<a href="/gk/nb/index.html">政府信息公开年报</a>').encode())
    return routes


@pytest.fixture(scope="module")
def bounded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("list-limits")
    organs = {"tabs": "江山市人民政府", "feed": "常山县人民政府"}
    sites = {}
    for i, (pid, organ) in enumerate(organs.items()):
        site = Site({}, host=f"127.0.3.{81 + i}")
        site.routes = tabs_portal(organ) if pid == "tabs" else feed_portal(organ, f"{site.host}:{site.port}")
        site.routes["/robots.txt"] = Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain")
        sites[pid] = site.start()
    seeds, db_path = tmp / "seeds.yml", tmp / "archive.db"
    seeds.write_text(yaml.safe_dump([{"id": pid, "name": organs[pid], "url": site.base + "/", "region": "浙江省",
                                      "level": "county", "allowed_hosts": [f"{site.host}:{site.port}"]}
                                     for pid, site in sites.items()], allow_unicode=True), encoding="utf-8")
    try:
        run = crawl(seeds, db_path, "-s", "BROWSER_TAB_CLICKS=2", "-s", "FEED_MAX_ENTRIES=3")
    finally:
        for site in sites.values():
            site.stop()
    return {"run": run, "db": sqlite_utils.Database(db_path)}


def test_the_crawl_ends_with_its_limits_line(bounded):
    assert "Traceback" not in bounded["run"].stderr
    assert bounded["run"].returncode in (0, 1), bounded["run"].stderr[-2000:]


@pytest.mark.parametrize("portal,setting,years", [
    ("tabs", "BROWSER_TAB_CLICKS", [2023, 2024]),  # two tabs clicked: the shown year again, then 2023
    ("feed", "FEED_MAX_ENTRIES", [2022, 2023, 2024]),  # the feed's first three
])
def test_bound_reached_is_recorded_as_limit(bounded, portal, setting, years):
    db = bounded["db"]
    limits = [r["message"] for r in db["errors"].rows_where("portal = ? and stage = 'limit'", [portal])]
    assert len(limits) == 1 and setting in limits[0], limits
    got = sorted(r["report_year"] for r in db["reports"].rows_where("portal = ?", [portal]))
    assert got == years, got
