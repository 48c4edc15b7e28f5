"""Feeds and sitemaps as lists (pure: bytes in, links out). A column may show its last few
reports and keep the rest only in the RSS / Atom feed it links (a visible RSS订阅, a
`<link rel=alternate>`) or in the sitemap robots.txt names. A feed's entries are links with
their titles, read as the column's list; a sitemap's entries are bare URLs (no title), so
only those under a report column's directory are candidates (crawler/spiders/feeds.py asks
each page for its title).

Parsing: feedparser (RSS 0.9x/1.0/2.0, Atom; no external entities), Scrapy's Sitemap (lxml,
entities not resolved). Every count is bounded by the caller's limits."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from . import discover


def feed_urls(html: str, url: str) -> list[str]:
    """The feeds a page offers: `<link rel=alternate type=application/rss+xml|atom+xml>` and
    the links a person sees named RSS / 订阅 / Atom (rules.yml feeds), in page order, once each."""
    r = discover.rules()["feeds"]
    selector = discover.page_selector(html)
    base = discover.document_base(selector, url)
    out: list[str] = []
    for link in selector.css("link[href]"):
        if "alternate" in (link.attrib.get("rel") or "").lower() and r["link_type"].search(link.attrib.get("type") or ""):
            out.append(urljoin(base, link.attrib["href"].strip()))
    for href, label in discover.links(html, url):
        if r["link_text"].search(re.sub(r"\s+", "", label)) or r["link_href"].search(urlsplit(href).path):
            out.append(href)
    return list(dict.fromkeys(u for u in out if u.startswith(("http://", "https://"))))


def is_feed(body: bytes) -> bool:
    head = body[:2048].lstrip().lower()
    return b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head


def feed_entries(body: bytes, url: str) -> list[tuple[str, str]]:
    """(absolute link, title) of each entry of an RSS / Atom feed, in feed order; [] when the
    bytes are not a feed."""
    import feedparser

    if not is_feed(body):
        return []
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    out = []
    for entry in parsed.entries:
        link = entry.get("link") or next((x.get("href") for x in entry.get("links", ()) if x.get("href")), "")
        if link:
            out.append((urljoin(url, link.strip()), re.sub(r"\s+", " ", entry.get("title") or "").strip()))
    return out


def sitemap_locs(body: bytes, maxsize: int) -> tuple[bool, list[str]]:
    """(is an index, its locs) of a sitemap (gzipped or not, at most `maxsize` bytes
    unpacked); (False, []) when it is not one."""
    if body[:2] == b"\x1f\x8b":
        try:
            body = gunzip(body, max_size=maxsize)
        except Exception:  # noqa: BLE001 — a broken or oversized gzip: not read
            return False, []
    try:
        sitemap = Sitemap(body)
    except Exception:  # noqa: BLE001 — not XML
        return False, []
    if sitemap.type not in ("urlset", "sitemapindex"):
        return False, []
    return sitemap.type == "sitemapindex", [e["loc"].strip() for e in sitemap if e.get("loc")]


def robots_sitemaps(body: bytes, url: str) -> list[str]:
    """The sitemaps a robots.txt names (`Sitemap:` lines), absolute."""
    return list(dict.fromkeys(urljoin(url, u) for u in sitemap_urls_from_robots(body, base_url=url)))


def column_directory(column_url: str) -> str:
    """The directory a column's items sit under: /gk/nb/index.html → /gk/nb/."""
    path = urlsplit(column_url).path or "/"
    return path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"


def under_column(url: str, column_url: str) -> bool:
    """An entry below the column's directory on its host (not the column's own page, nor
    the site's root)."""
    a, c = urlsplit(url), urlsplit(column_url)
    directory = column_directory(column_url)
    return (a.netloc == c.netloc and directory != "/" and a.path.startswith(directory)
            and a.path.rstrip("/") != c.path.rstrip("/") and a.path != directory)


def page_title(html: str) -> str:
    """What the page calls itself: its first heading naming a report, else its `<title>`."""
    selector = discover.page_selector(html)
    for heading in selector.css("h1, h2")[:6]:
        text = "".join(heading.xpath(".//text()").getall())
        if discover.is_report_title(text):
            return text.strip()
    return re.sub(r"\s+", " ", " ".join(selector.xpath("//title//text()").getall())).strip()
