"""Answers cut at their size cap, crawled for real on 127.0.6.x (crawler/size_caps.py): a
gzip bomb as a list page (LIST_PAGE_MAXSIZE), gzip / brotli / `gzip, gzip` bombs as reports
(DOWNLOAD_MAXSIZE), and a list drawn by script whose second API call is a gzip bomb (the
browser's request through Scrapy, LIST_PAGE_MAXSIZE). Each cut is one errors row, stage
`limit`, naming the setting; every real report is archived."""
from __future__ import annotations

import json
import subprocess
import urllib.parse

import pytest
import sqlite_utils
import yaml

from .servers import BIN, ROOT
from .world import attacks4 as a4
from .world.portals import li, page
from .world.server import Answer, Site

MB = 16  # inflated size of each bomb; the caps below are far under it


def _bombed_portal():
    p = a4.Portal("bombs", "bombs", "龙游县人民政府")
    column = a4._healthy(p, 1)
    p.routes["/xxgk/nb2/index.html"] = a4._encoded(a4.gzip_bomb(MB), "gzip")
    bombs = {"/xxgk/nb/2021/t1.html": (a4.gzip_bomb(MB), "gzip"), "/xxgk/nb/2020/t2.html": (a4.brotli_bomb(MB), "br"),
             "/xxgk/nb/2019/t3.html": (a4.gzip_bomb(MB, layers=2), "gzip, gzip")}
    links = ""
    for (path, bomb), year in zip(bombs.items(), (2021, 2020, 2019)):
        p.routes[path] = a4._encoded(*bomb)
        links += li(path, a4.report_title(p.organ, year))
    p.routes["/xxgk/nb/index.html"] = Answer(200, p.routes["/xxgk/nb/index.html"].body.replace(
        b"</ul>", links.encode() + b"</ul>"))
    a4._home(p, column, "/xxgk/nb2/index.html")
    p.dead = {"/xxgk/nb2/index.html": "LIST_PAGE_MAXSIZE", **{path: "DOWNLOAD_MAXSIZE" for path in bombs}}
    return p


def _scripted_portal():
    p = a4.Portal("script", "script", "吴起县人民政府")
    a4._healthy(p, 1)
    report = p.reports[0]
    good = json.dumps({"list": [{"u": report, "t": a4.report_title(p.organ, 2023)}]}, ensure_ascii=False).encode()
    p.routes["/api/nb2/list"] = Answer(200, good, content_type="application/json; charset=utf-8")
    p.routes["/api/nb2/more"] = a4._encoded(a4.gzip_bomb(MB, head=b'{"list":[{"t":"'), "gzip",
                                            "application/json; charset=utf-8")
    draw = ('function draw(d){document.getElementById("list").innerHTML+=d.list.map(function(x){return "<li><a href=\\""'
            '+x.u+"\\">"+x.t+"</a></li>";}).join("");}')
    p.routes["/xxgk/nb2/index.html"] = Answer(200, page("政府信息公开年报", '<ul id="list"></ul><script>' + draw +
                                                         'fetch("/api/nb2/list").then(function(r){return r.json();}).then(draw);'
                                                         'fetch("/api/nb2/more").then(function(r){return r.json();}).then(draw);'
                                                         '</script>').encode())
    a4._home(p, "/xxgk/nb2/index.html")
    p.dead = {"/api/nb2/more": "LIST_PAGE_MAXSIZE"}
    return p


@pytest.fixture(scope="module")
def bomb_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("size-caps")
    portals = [_bombed_portal(), _scripted_portal()]
    sites, entries = [], []
    try:
        for i, p in enumerate(portals):
            routes = dict(p.routes)
            routes.setdefault("/about.html", Answer(200, page("本站概况", "<p>概况</p>").encode()))
            routes.setdefault("/robots.txt", Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"))
            site = Site(routes, host=f"127.0.6.{30 + i}").start()
            sites.append(site)
            p.host = urllib.parse.urlsplit(site.base).netloc
            entries.append({"id": f"caps-{p.name}", "name": p.organ, "url": site.base + "/", "region": "浙江省",
                            "level": "county", "allowed_hosts": [p.host]})
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        proc = subprocess.run([str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}",
                               "-s", f"ARCHIVE_DB={tmp / 'archive.db'}", "-s", "DOWNLOAD_DELAY=0",
                               "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "BROWSER_REFERENCE=False",
                               "-s", f"LIST_PAGE_MAXSIZE={2**20}", "-s", f"DOWNLOAD_MAXSIZE={4 * 2**20}"],
                              cwd=ROOT, capture_output=True, text=True, timeout=600)
    finally:
        for s in sites:
            s.stop()
    return {"proc": proc, "db": sqlite_utils.Database(tmp / "archive.db"), "portals": portals}


def test_crawl_ends_without_traceback(bomb_crawl):
    proc = bomb_crawl["proc"]
    assert "Traceback" not in proc.stderr and proc.returncode in (0, 1), proc.stderr[-3000:]


@pytest.mark.parametrize("name", ["bombs", "script"])
def test_every_cut_is_one_limit_row_naming_its_setting_and_the_reports_archived(bomb_crawl, name):
    db, p = bomb_crawl["db"], next(p for p in bomb_crawl["portals"] if p.name == name)
    errors = list(db["errors"].rows_where("portal = ?", [f"caps-{name}"]))
    for path, setting in p.dead.items():
        rows = [(e["stage"], e["message"]) for e in errors if e["url"] == f"http://{p.host}{path}"]
        assert len(rows) == 1, (path, [(e["stage"], e["url"], e["message"][:100]) for e in errors])
        assert rows[0][0] == "limit" and setting in rows[0][1], (path, rows)
    got = {urllib.parse.urlsplit(r["url"]).path for r in db["reports"].rows_where("portal = ?", [f"caps-{name}"])}
    assert set(p.reports) <= got, (p.reports, got)


def test_which_setting_cut_an_answer():
    from scrapy import Request
    from scrapy.exceptions import DownloadCancelledError

    from crawler.size_caps import SizeCapExceeded, is_cut, setting_of

    assert setting_of(Request("http://127.0.6.1/r.pdf")) == "DOWNLOAD_MAXSIZE"
    assert setting_of(Request("http://127.0.6.1/list.html", meta={"download_maxsize": 1})) == "LIST_PAGE_MAXSIZE"
    assert setting_of(Request("http://127.0.6.1/robots.txt",
                              meta={"download_maxsize": 1, "dont_obey_robotstxt": True})) == "ROBOTSTXT_MAXSIZE"
    assert is_cut(SizeCapExceeded("decoded past it", 1000))
    assert is_cut(DownloadCancelledError("Received 9 bytes which is larger than download max size (8) in request"))
    assert not is_cut(DownloadCancelledError("the crawl is closing"))
