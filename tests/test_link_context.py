"""A link means what its context says, as a person reads it: a year-only link (2023年 /
2023年度 / 2023) under a heading or caption naming the report series is that year's report;
a notice announcing the reports (关于公开…年度报告的通知, 详见附件) is read for its attachments,
which are the reports; a frameset's <noframes> links are the page's. Offline rules, and one
crawl of portals built from these classes in several spellings (real servers on 127.0.x.x),
with distractors that must never be fetched or kept."""
from __future__ import annotations

import copy
import html
import random
import urllib.parse

import pytest
import sqlite_utils
import yaml

from crawler import discover

from .conftest import label
from .servers import crawl
from .world.captures import docx
from .world.portals import LABELS_2021, page, report_body, report_title
from .world.server import Answer, Site

SERIES = "青田县人民政府政府信息公开工作年度报告"


# --- the rules, offline ------------------------------------------------------------------

@pytest.mark.parametrize("heading", [f"<h3>{SERIES}</h3>", f"<h2><span>{SERIES}</span></h2>",
                                     f"<legend>{SERIES}</legend>", "<h4>政府信息公开年报</h4>"])
@pytest.mark.parametrize("spelling", ["{}年", "{}年度", "{}"])
def test_a_year_only_link_under_the_series_heading_is_that_years_report(heading, spelling):
    body = f'{heading}<p><a href="/gk/2023/c_1.html">{spelling.format(2023)}</a></p>'
    (href, text), = discover.links(f"<html><body>{body}</body></html>", "http://h/gk/")
    assert href == "http://h/gk/2023/c_1.html"
    assert discover.is_report_link(text) and "2023" in text, text


def test_a_year_only_link_in_a_table_under_its_caption_or_header():
    body = (f"<table><caption>{SERIES}</caption><tr><td><a href='/a.html'>2022年度</a></td></tr></table>"
            f"<table><tr><th>{SERIES}</th></tr><tr><td><a href='/b.html'>2021</a></td></tr></table>")
    found = dict(discover.links(body, "http://h/"))
    assert all(discover.is_report_link(found[u]) for u in ("http://h/a.html", "http://h/b.html")), found


@pytest.mark.parametrize("heading", ["<h3>政府信息公开指南</h3>", "<h3>通知公告</h3>", "",
                                     f"<h3>{SERIES}</h3><p>x</p><h3>工作动态</h3>",
                                     "<h3>青田县2023年政府信息公开工作年度报告</h3>"])
def test_a_year_only_link_elsewhere_is_no_report(heading):
    body = f'{heading}<p><a href="/gk/2023/c_1.html">2023年</a> <a href="/gk/x.html">2024</a></p>'
    assert not any(discover.is_report_link(text) for _, text in discover.links(body, "http://h/"))


@pytest.mark.parametrize("title, announces", [
    ("关于公开各部门2023年度政府信息公开工作年度报告的通知", True),
    ("青田县人民政府办公室关于公布2023年度政府信息公开工作年度报告的通知", True),
    ("关于发布县级部门2022年政府信息公开年报的通知", True),
    ("关于报送2023年政府信息公开工作年度报告的通知", False),
    ("关于做好2021年政府信息公开工作年度报告编制工作的通知", False),
    ("关于公布青田县2023年度政府信息公开工作年度报告的公告", False),
    ("青田县2023年政府信息公开工作年度报告新闻发布会", False),
    ("关于公开2023年政府信息公开工作年度报告（征求意见稿）意见征集的通知", False),
    ("关于印发《2024年政务公开工作要点》的通知", False),
])
def test_a_notice_that_announces_the_reports_is_read_the_others_are_not(title, announces):
    assert discover.is_report_notice(title) is announces


def test_noframes_links_are_the_pages():
    body = ('<html><head><title>x</title></head><frameset rows="100%"><frame src="/main/old.html">'
            '<noframes><body><a href="/xxgk/gknb/">政府信息公开年报</a></body></noframes></frameset></html>')
    assert discover.links(body, "http://h/") == [("http://h/xxgk/gknb/", "政府信息公开年报")]


# --- one crawl of portals built from these classes ------------------------------------------

def validators(path: str) -> list:
    return [("ETag", f'"{abs(hash(path))}"'), ("Last-Modified", "Mon, 01 Jan 2024 00:00:00 GMT")]


class Portal:
    def __init__(self, name: str, organ: str):
        self.name, self.organ = name, organ
        self.routes: dict = {"/robots.txt": Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"),
                             "/about.html": Answer(200, page("本站概况", "<p>概况</p>").encode())}
        self.reports: list = []  # (path, organ, year)
        self.never: list = []  # paths a crawler must never request
        self.rng = random.Random(name)

    def add(self, path: str, text: str):
        self.routes[path] = Answer(200, text.encode("utf-8"))

    def report(self, path: str, year: int):
        self.add(path, report_body(self.rng.choice(LABELS_2021), self.organ, year))
        self.routes[path].headers = validators(path)
        self.reports.append((path, self.organ, year))


def year_links(spelling: str, organ: str) -> Portal:
    """A column (no 年报 slug) where the series is named by a heading or a caption and the
    links name only the year; a guide's year link beside it is no report (followed as navigation, never kept)."""
    p = Portal(f"year-{spelling}", organ)
    fmt = {"nian": "{}年", "niandu": "{}年度", "bare": "{}"}[spelling]
    links = []
    for i, year in enumerate((2023, 2022)):
        path = f"/zwgk/bg/{year}/content_{5100 + i}.html"
        p.report(path, year)
        links.append(f'<a href="{path}">{fmt.format(year)}</a>')
    p.report("/zwgk/bg/2021/content_5102.html", 2021)
    body = (f"<h3>{p.organ}政府信息公开工作年度报告</h3><p>{' | '.join(links)}</p>"
            f"<table><caption>{p.organ}政府信息公开工作年度报告（往年）</caption>"
            f"<tr><td><a href='/zwgk/bg/2021/content_5102.html'>{fmt.format(2021)}</a></td></tr></table>"
            "<h3>政府信息公开指南</h3><p><a href='/zwgk/zn/2023/content_7001.html'>2023年</a></p>")
    p.add("/zwgk/zn/2023/content_7001.html", page("政府信息公开指南", "<p>指南</p>"))
    p.add("/zwgk/index.html", page("政府信息公开", body))
    p.add("/", page(p.organ, '<ul><li><a href="/about.html">本站概况</a></li>'
                              '<li><a href="/zwgk/index.html">政府信息公开</a></li></ul>'))
    return p


def notice(spelling: str, organ: str) -> Portal:
    """Reports only as attachments of a notice (a DOCX, or behind a download handler),
    listed in 通知公告 beside a notice about sending them (报送) and a 公告 (fetched as a
    report candidate, then dropped: it holds no report)."""
    p = Portal(f"notice-{spelling}", organ)
    links = []
    for i, dept in enumerate(("教育局", "民政局")):
        organ = p.organ.replace("人民政府", dept)
        lab = copy.deepcopy(label(LABELS_2021[i]))
        lab["agency"], lab["report_year"] = organ, 2023
        data, _ = docx(lab, random.Random(i))
        path = {"docx": f"/xxgk/tzgg/202401/P02024011{i}.docx",
                "handler": f"/common/DownLoad.aspx?FilePath=/upload/2024/{i}.docx&FileName={i}.docx"}[spelling]
        ctype = ("application/octet-stream" if spelling == "handler"
                 else "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        p.routes[path] = Answer(200, data, validators(path), ctype)
        p.reports.append((path, organ, 2023))
        links.append(f'<p><a href="{html.escape(path)}">附件{i + 1}：{report_title(organ, 2023)}.docx</a></p>')
    title = f"{p.organ}办公室关于公开县级部门2023年度政府信息公开工作年度报告的通知"
    p.add("/xxgk/tzgg/202401/t20240125_901.html",
          page(title, f"<h1>{title}</h1><p>县级部门2023年度政府信息公开工作年度报告已编制完成，现予公开，详见附件。</p>"
                      + "".join(links)))
    rows = [f'<li><a href="/xxgk/tzgg/202401/t20240125_901.html">{title}</a></li>']
    for k, other in enumerate(("关于报送2023年度政府信息公开工作年度报告的通知",
                               f"关于公布{p.organ}2023年度政府信息公开工作年度报告的公告")):
        path = f"/xxgk/tzgg/202312/t20231220_80{k}.html"
        # the notice about sending reports names one as its attachment: it is never read
        attachment = f"<p><a href='/xxgk/tzgg/202312/P{k}.docx'>附件：{report_title(p.organ, 2023)}.docx</a></p>"
        p.add(path, page(other, f"<h1>{other}</h1><p>详见附件。</p>" + (attachment if k == 0 else "")))
        if k == 0:
            p.never.append(path)
        rows.append(f'<li><a href="{path}">{other}</a></li>')
    p.add("/xxgk/tzgg/", page("通知公告", "<ul>" + "".join(rows) + "</ul>"))
    p.add("/", page(p.organ, '<ul><li><a href="/about.html">本站概况</a></li>'
                              '<li><a href="/xxgk/tzgg/">通知公告</a></li></ul>'))
    return p


def year_pages(spelling: str, organ: str) -> Portal:
    """A 年报 column whose links name only the year, with no heading: followed as a year's
    list, but each page holds the report itself — read as a report, not a sub-column."""
    p = Portal(f"year-pages-{spelling}", organ)
    fmt = {"nian": "{}年", "niandu": "{}年度"}[spelling]
    items = []
    for i, year in enumerate((2023, 2022)):
        path = f"/xxgk/gknb/{year}/content_{6100 + i}.html"
        p.report(path, year)
        items.append(f'<li><a href="{path}">{fmt.format(year)}</a></li>')
    p.add("/xxgk/gknb/index.html", page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    p.add("/", page(p.organ, '<ul><li><a href="/about.html">本站概况</a></li>'
                              '<li><a href="/xxgk/gknb/index.html">政府信息公开年报</a></li></ul>'))
    return p


def noframes() -> Portal:
    """A frameset homepage whose only frame is a 404; the navigation is in <noframes>."""
    p = Portal("noframes", "云和县人民政府")
    items = []
    for year in (2023, 2022):
        path = f"/xxgk/gknb/{year}.html"
        p.report(path, year)
        items.append(f'<li><a href="{path}">{report_title(p.organ, year)}</a></li>')
    p.add("/xxgk/gknb/", page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    p.add("/", '<!DOCTYPE html><html><head><meta charset="utf-8"><title>云和县人民政府</title></head>'
               '<frameset rows="100%"><frame src="/main/index_old.html"><noframes><body>'
               '<a href="/xxgk/gknb/">政府信息公开年报</a></body></noframes></frameset></html>')
    return p


PORTALS = [year_links("nian", "青田县人民政府"), year_links("niandu", "庆元县人民政府"),
           year_links("bare", "松阳县人民政府"), notice("docx", "缙云县人民政府"), notice("handler", "遂昌县人民政府"),
           year_pages("nian", "景宁畲族自治县人民政府"), year_pages("niandu", "龙泉市人民政府"), noframes()]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("link-context")
    sites = [Site(p.routes, host=f"127.0.3.{30 + i}").start() for i, p in enumerate(PORTALS)]
    try:
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump([
            {"id": f"ctx-{i}", "name": p.organ, "url": s.base + "/", "region": "浙江省", "level": "county",
             "allowed_hosts": [urllib.parse.urlsplit(s.base).netloc]} for i, (p, s) in enumerate(zip(PORTALS, sites))],
            allow_unicode=True), encoding="utf-8")
        db_path = tmp / "archive.db"
        first = crawl(seeds, db_path, "-s", "DOWNLOAD_TIMEOUT=10")
        first_logs = [list(s.log) for s in sites]
        for s in sites:
            s.log.clear()
        again = crawl(seeds, db_path, "-s", "DOWNLOAD_TIMEOUT=10")
        again_logs = [list(s.log) for s in sites]
    finally:
        for s in sites:
            s.stop()
    return {"first": first, "again": again, "db": sqlite_utils.Database(db_path),
            "logs": first_logs, "again_logs": again_logs}


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.unquote(parts.path + (f"?{parts.query}" if parts.query else ""))


def test_crawls_exit_0_without_traceback(crawled):
    for run in ("first", "again"):
        assert crawled[run].returncode == 0 and "Traceback" not in crawled[run].stderr, crawled[run].stderr[-3000:]


@pytest.mark.parametrize("i", range(len(PORTALS)), ids=[p.name for p in PORTALS])
def test_every_report_found_once_and_filed_no_distractor_fetched(crawled, i):
    portal, db = PORTALS[i], crawled["db"]
    rows = list(db["reports"].rows_where("portal = ?", [f"ctx-{i}"]))
    by_path: dict = {}
    for r in rows:
        paths = {_path(r["url"]), _path(r["final_url"])}
        paths |= {_path(a["url"]) for a in db["attachments"].rows_where("report_id = ?", [r["id"]])}
        for p in paths:
            by_path.setdefault(p, []).append(r)
    for path, organ, year in portal.reports:
        got = by_path.get(path, [])
        assert len(got) == 1, (portal.name, path, [(r["url"], r["title"]) for r in rows])
        assert (got[0]["organ"], got[0]["report_year"]) == (organ, year), (path, got[0]["organ"], got[0]["report_year"])
    assert len(rows) == len(portal.reports), [(r["url"], r["title"]) for r in rows]
    requested = {_path(p) for _, p, _ in crawled["logs"][i]}
    assert not requested & set(portal.never), (portal.name, requested & set(portal.never))


def test_an_unchanged_recrawl_only_revalidates_reports(crawled):
    for i, portal in enumerate(PORTALS):
        bodies = [(method, p, h) for method, p, h in crawled["again_logs"][i]
                  if _path(p) in {r[0] for r in portal.reports} and method == "GET"
                  and not (h.get("If-None-Match") or h.get("If-Modified-Since"))]
        assert not bodies, (portal.name, bodies)


def test_a_summary_table_of_organs_and_years_names_each_link():
    """查看 (or the year) in a table of organs × years: the row's organ and the column's year,
    with the heading over the table, are the link's name."""
    html = ("<h3>各单位政府信息公开工作年度报告</h3><table><tr><th>单位</th><th>2023年度</th><th>2022年度</th></tr>"
            "<tr><td>某县教育局</td><td><a href='/a.html'>查看</a></td><td><a href='/b.html'>2022</a></td></tr></table>"
            "<table><tr><th>栏目</th><th>2023年</th></tr><tr><td>通知公告</td><td><a href='/c.html'>查看</a></td></tr></table>")
    got = dict(discover.links(html, "http://x.gov.cn/"))
    assert discover.is_report_title(got["http://x.gov.cn/a.html"]) and "某县教育局2023" in got["http://x.gov.cn/a.html"]
    assert "某县教育局2022" in got["http://x.gov.cn/b.html"]
    assert not discover.is_report_title(got["http://x.gov.cn/c.html"])  # no series named over that table
