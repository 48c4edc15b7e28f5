"""A column's feed and the portal's sitemaps read as lists (crawler/feeds.py offline, over
several spellings; crawler/spiders/feeds.py in one real crawl of two portals on 127.0.0.x):
the column shows the last two reports, the rest are only in an Atom feed / RSS it links, or
in a gzipped sitemap behind a sitemap index that robots.txt names (not /sitemap.xml)."""
from __future__ import annotations

import gzip
import html

import pytest
import sqlite_utils
import yaml

from crawler import feeds

from .servers import crawl
from .world.portals import page, report_body, report_title
from .world.server import Answer, Site

TITLE = "某县人民政府2023年政府信息公开工作年度报告"


def rss(items: list[tuple[str, str]]) -> bytes:
    body = "".join(f"<item><title>{html.escape(t)}</title><link>{u}</link></item>" for t, u in items)
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>年报</title>{body}</channel></rss>'.encode()


def atom(items: list[tuple[str, str]]) -> bytes:
    body = "".join(f'<entry><title>{html.escape(t)}</title><link rel="alternate" href="{u}"/><id>{u}</id></entry>'
                   for t, u in items)
    return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>年报</title>{body}</feed>'.encode()


def rdf(items: list[tuple[str, str]]) -> bytes:
    body = "".join(f'<item rdf:about="{u}"><title>{html.escape(t)}</title><link>{u}</link></item>' for t, u in items)
    return ('<?xml version="1.0" encoding="gb2312"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            f'xmlns="http://purl.org/rss/1.0/"><channel rdf:about="x"><title>年报</title></channel>{body}</rdf:RDF>'
            ).encode("gb18030")


@pytest.mark.parametrize("make", [rss, atom, rdf])
def test_feed_entries_with_their_titles(make):
    items = [(TITLE, "http://h/gk/nb/2024/a.html"), ("某县人民政府2022年政府信息公开工作年度报告", "/gk/nb/2023/b.html")]
    got = feeds.feed_entries(make(items), "http://h/gk/nb/rss.xml")
    assert got == [("http://h/gk/nb/2024/a.html", TITLE),
                   ("http://h/gk/nb/2023/b.html", "某县人民政府2022年政府信息公开工作年度报告")]


def test_not_a_feed_reads_nothing():
    assert feeds.feed_entries(b"<html><body><a href='/a'>x</a></body></html>", "http://h/") == []
    assert feeds.feed_entries(b"\x00\xff" * 100, "http://h/") == []


@pytest.mark.parametrize("markup,want", [
    ('<link rel="alternate" type="application/rss+xml" title="年报" href="/gk/nb/rss.xml">', "http://h/gk/nb/rss.xml"),
    ('<link rel="alternate" type="application/atom+xml" href="atom.xml">', "http://h/gk/nb/atom.xml"),
    ('<a href="/gk/nb/feed.xml">RSS订阅</a>', "http://h/gk/nb/feed.xml"),
    ('<a href="/subscribe?c=12">RSS 订阅</a>', "http://h/subscribe?c=12"),
    ('<a href="/gk/nb/index.rss"><img src="rss.png" alt=""></a>', "http://h/gk/nb/index.rss"),
    ('<a href="/rss">RSS</a>', "http://h/rss"),
])
def test_feeds_a_page_offers(markup, want):
    doc = f"<html><head>{markup}</head><body><a href='/gk/nb/a.html'>{TITLE}</a></body></html>"
    if "<a " in markup:
        doc = f"<html><body><a href='/gk/nb/a.html'>{TITLE}</a><p>{markup}</p></body></html>"
    assert feeds.feed_urls(doc, "http://h/gk/nb/index.html") == [want]


def test_sitemaps_plain_gzipped_index_and_robots():
    urlset = (b'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
              b'<url><loc> http://h/gk/nb/2024/a.html </loc><lastmod>2024-01-15</lastmod></url><url><loc>http://h/b</loc></url></urlset>')
    assert feeds.sitemap_locs(urlset, 10**6) == (False, ["http://h/gk/nb/2024/a.html", "http://h/b"])
    assert feeds.sitemap_locs(gzip.compress(urlset), 10**6) == (False, ["http://h/gk/nb/2024/a.html", "http://h/b"])
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b'<sitemap><loc>http://h/maps/nb.xml.gz</loc></sitemap></sitemapindex>')
    assert feeds.sitemap_locs(index, 10**6) == (True, ["http://h/maps/nb.xml.gz"])
    assert feeds.sitemap_locs(b"<html><body>404</body></html>", 10**6) == (False, [])
    assert feeds.sitemap_locs(gzip.compress(b" " * 10**6), 1000) == (False, [])  # larger than allowed unpacked
    robots = b"User-agent: *\nDisallow: /admin/\nSitemap: /maps/index.xml\nsitemap: http://h/sitemap.xml\n"
    assert feeds.robots_sitemaps(robots, "http://h/robots.txt") == ["http://h/maps/index.xml", "http://h/sitemap.xml"]


def test_entries_under_a_column():
    col = "http://h/gk/nb/index.html"
    assert feeds.under_column("http://h/gk/nb/2024/01/t_1.html", col)
    assert not feeds.under_column("http://h/gk/nb/index.html", col)
    assert not feeds.under_column("http://h/news/1.html", col)
    assert not feeds.under_column("http://other/gk/nb/1.html", col)
    assert not feeds.under_column("http://h/a.html", "http://h/index.html")  # the site's root is no column


def test_page_title_prefers_a_heading_naming_the_report():
    doc = f"<html><head><title>某县人民政府门户网站</title></head><body><h1>{TITLE[:6]}<br>{TITLE[6:]}</h1></body></html>"
    assert feeds.page_title(doc) == TITLE
    assert feeds.page_title("<html><head><title> 工作动态 </title></head><body><h1>新闻</h1></body></html>") == "工作动态"


# --- one real crawl --------------------------------------------------------------------

YEARS = [2024, 2023, 2022, 2021, 2020]
LABELS = ["nanhu-2023", "zhapu-2023", "pingtan-2021", "nanhu-2023", "zhapu-2023"]


def _portal(organ: str, kind: str, netloc: str) -> dict:
    col = "/gk/nb/index.html"
    reports = [(f"/gk/nb/{y + 1}/t{y + 1}0105_{710 + i}.html", report_title(organ, y)) for i, y in enumerate(YEARS)]
    routes = {"/": Answer(200, page(organ, f'<ul><li><a href="{col}">政府信息公开年报</a></li></ul>').encode()),
              "/gk/nb/2025/news.html": Answer(200, page("工作动态", "<h1>工作动态</h1><p>动态</p>").encode())}
    for (path, _), y, name in zip(reports, YEARS, LABELS):
        routes[path] = Answer(200, report_body(name, organ, y).encode())
    shown = "".join(f'<li><a href="{p}">{html.escape(t)}</a></li>' for p, t in reports[:2])
    if kind == "atom":
        routes["/gk/nb/atom.xml"] = Answer(200, atom([(t, f"http://{netloc}{p}") for p, t in reports]),
                                           content_type="application/atom+xml")
        routes[col] = Answer(200, page("政府信息公开年报", f'<ul>{shown}</ul><p><a href="/gk/nb/atom.xml">RSS订阅</a></p>').encode())
        routes["/robots.txt"] = Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain")
    else:
        urls = "".join(f"<url><loc>http://{netloc}{p}</loc></url>" for p in [*(p for p, _ in reports), "/gk/nb/2025/news.html"])
        urlset = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                  f"{urls}</urlset>").encode()
        routes["/maps/nb.xml.gz"] = Answer(200, gzip.compress(urlset), content_type="application/x-gzip")
        routes["/maps/index.xml"] = Answer(200, ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/'
                                                 f'schemas/sitemap/0.9"><sitemap><loc>http://{netloc}/maps/nb.xml.gz</loc>'
                                                 '</sitemap></sitemapindex>').encode(), content_type="application/xml")
        routes["/robots.txt"] = Answer(200, b"User-agent: *\nAllow: /\nSitemap: /maps/index.xml\n", content_type="text/plain")
        routes[col] = Answer(200, page("政府信息公开年报", f"<ul>{shown}</ul>").encode())
    return routes


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("feeds")
    kinds = {"atom": "开化县人民政府", "robots-sitemap": "龙游县人民政府"}
    sites = {}
    for i, (kind, organ) in enumerate(kinds.items()):
        site = Site({}, host=f"127.0.3.{71 + i}")
        site.routes = _portal(organ, kind, f"{site.host}:{site.port}")
        sites[kind] = site.start()
    seeds, db_path = tmp / "seeds.yml", tmp / "archive.db"
    seeds.write_text(yaml.safe_dump([{"id": kind, "name": kinds[kind], "url": site.base + "/", "region": "浙江省",
                                      "level": "county", "allowed_hosts": [f"{site.host}:{site.port}"]}
                                     for kind, site in sites.items()], allow_unicode=True), encoding="utf-8")
    try:
        run = crawl(seeds, db_path, "-s", "BROWSER_REFERENCE=False")
    finally:
        for site in sites.values():
            site.stop()
    db = sqlite_utils.Database(db_path)
    return {"run": run, "db": db, "logs": {k: s.log for k, s in sites.items()},
            "rows": {r["portal"]: r for r in db["crawl_runs"].rows}}


def test_the_crawl_exits_0(crawled):
    assert crawled["run"].returncode == 0, crawled["run"].stderr[-3000:]
    assert "Traceback" not in crawled["run"].stderr


@pytest.mark.parametrize("kind,route", [("atom", "feed: 5 links"), ("robots-sitemap", "sitemap: 3 links")])
def test_every_report_of_the_feed_or_sitemap_archived(crawled, kind, route):
    years = sorted(r["report_year"] for r in crawled["db"]["reports"].rows_where("portal = ?", [kind]))
    assert years == sorted(YEARS), (years, crawled["rows"][kind]["route"])
    assert route in crawled["rows"][kind]["route"], crawled["rows"][kind]["route"]


def test_a_sitemap_entry_that_is_no_report_is_asked_and_dropped(crawled):
    asked = [p for _, p, _ in crawled["logs"]["robots-sitemap"]]
    assert asked.count("/gk/nb/2025/news.html") == 1 and asked.count("/maps/nb.xml.gz") == 1, asked
    assert not list(crawled["db"]["reports"].rows_where("url like '%news.html'"))
