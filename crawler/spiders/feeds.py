"""Spider component: a column's feed and the portal's sitemaps read as lists (crawler/feeds.py).

- A column page's feeds (at most FEEDS_PER_COLUMN) are fetched; their entries (at most
  FEED_MAX_ENTRIES a feed) are the column's links with their titles (route `feed`).
- The sitemaps: /sitemap.xml and those robots.txt names (`Sitemap:`), an index's children
  too, at most SITEMAPS_PER_PORTAL files, SITEMAP_MAX_ENTRIES entries kept. An entry that
  is a report column is read as one; an entry under a report column's directory is asked
  for (at most SITEMAP_PROBES a portal) and read as a report when its title names one
  (route `sitemap`). Each limit reached is recorded once (stage `limit`)."""
from __future__ import annotations

from urllib.parse import urljoin

import scrapy

from .. import discover, feeds
from ..gate import portal_for
from .lists import MAX_HOPS, is_html


class FeedsAndSitemaps:
    """feed_requests (from parse_page), parse_feed, parse_sitemap, sitemap_probes,
    parse_sitemap_entry, robots_sitemap_requests."""

    def _limit_once(self, portal_id: str, url: str, setting: str, what: str) -> None:
        noted = self.__dict__.setdefault("_feed_limits", set())
        if (portal_id, setting) in noted:
            return
        noted.add((portal_id, setting))
        limit = self.settings.getint(setting)
        self.limits.setdefault(portal_id, f"{setting} ({limit}) reached")
        self.session.error(portal_id, url, "limit", f"{setting} of {limit} reached: {what}")

    # --- feeds ---------------------------------------------------------------------------

    def feed_requests(self, html: str, response):
        """The feeds a column page links, each asked once, answered to parse_feed."""
        meta = self._list_meta(response)
        for url in feeds.feed_urls(html, response.url)[: self.settings.getint("FEEDS_PER_COLUMN", 3)]:
            request = self._admit(scrapy.Request(
                url, callback=self.parse_feed, errback=self.on_error,
                meta={**meta, "feed": True, "download_maxsize": self.settings.getint("LIST_PAGE_MAXSIZE")}))
            if request is not None:
                yield request

    def parse_feed(self, response):
        portal_id = response.meta["portal"]
        if response.status != 200:
            return
        entries = feeds.feed_entries(response.body, response.url)
        cap = self.settings.getint("FEED_MAX_ENTRIES", 500)
        if len(entries) > cap:
            self._limit_once(portal_id, response.url, "FEED_MAX_ENTRIES", f"{len(entries) - cap} entries of the feed not read")
            entries = entries[:cap]
        if entries:
            self.routes.note(portal_id, response.meta["column_url"], "feed", f"{len(entries)} entries")
        meta = {k: v for k, v in response.meta.items() if k in ("portal", "hops", "column", "column_url", "list_page")}
        yield from self.requests_from_links(entries, meta, route="feed")

    # --- sitemaps ------------------------------------------------------------------------

    def sitemap_request(self, portal_id: str, url: str, depth: int = 0):
        count = self.__dict__.setdefault("_sitemaps_asked", {})
        if count.get(portal_id, 0) >= self.settings.getint("SITEMAPS_PER_PORTAL", 10):
            self._limit_once(portal_id, url, "SITEMAPS_PER_PORTAL", "further sitemaps not read")
            return None
        request = self._admit(scrapy.Request(url, callback=self.parse_sitemap, errback=self.on_error,
                                             meta={"portal": portal_id, "handle_httpstatus_list": [404, 410],
                                                   "sitemap_depth": depth,
                                                   "download_maxsize": self.settings.getint("LIST_PAGE_MAXSIZE")}))
        if request is not None:
            count[portal_id] = count.get(portal_id, 0) + 1
        return request

    def parse_sitemap(self, response):
        """A sitemap can point straight at the report column; its other entries are kept as
        candidates under the columns found (sitemap_probes)."""
        if response.status != 200:
            return
        portal_id = response.meta["portal"]
        is_index, locs = feeds.sitemap_locs(response.body, self.settings.getint("LIST_PAGE_MAXSIZE"))
        if is_index:
            if response.meta.get("sitemap_depth", 0) >= 2:
                self._limit_once(portal_id, response.url, "SITEMAPS_PER_PORTAL", "sitemap index nested too deep")
                return
            for loc in locs:
                request = self.sitemap_request(portal_id, urljoin(response.url, loc),
                                               response.meta.get("sitemap_depth", 0) + 1)
                if request is not None:
                    yield request
            return
        entries = self.__dict__.setdefault("_sitemap_entries", {}).setdefault(portal_id, [])
        cap = self.settings.getint("SITEMAP_MAX_ENTRIES", 5000)
        for loc in locs:
            loc = urljoin(response.url, loc)
            if discover.is_report_column("", loc) and not discover.is_trap(loc):
                request = self.page_request(portal_id, loc, hops=MAX_HOPS - 1, column=True)
                if request is not None:
                    yield request
            elif len(entries) < cap:
                entries.append(loc)
            else:
                self._limit_once(portal_id, response.url, "SITEMAP_MAX_ENTRIES", "further sitemap entries not read")
                break
        for column in self.routes.columns(portal_id):
            yield from self.sitemap_probes(portal_id, column)

    def sitemap_probes(self, portal_id: str, column_url: str):
        """The sitemap's entries under this report column's directory, each asked once."""
        entries = self.__dict__.get("_sitemap_entries", {}).get(portal_id)
        if not entries or not column_url.startswith("http"):
            return
        probed = self.__dict__.setdefault("_sitemap_probed", {}).setdefault(portal_id, set())
        cap = self.settings.getint("SITEMAP_PROBES", 100)
        for loc in entries:
            if loc in probed or not feeds.under_column(loc, column_url) or discover.is_trap(loc):
                continue
            if len(probed) >= cap:
                self._limit_once(portal_id, loc, "SITEMAP_PROBES", "further sitemap entries under the column not asked")
                return
            probed.add(loc)
            request = self._admit(scrapy.Request(loc, callback=self.parse_sitemap_entry, errback=self.on_error,
                                                 meta={"portal": portal_id, "column_url": column_url,
                                                       "list_title": ""}), "reports")
            if request is not None:
                yield request

    def parse_sitemap_entry(self, response):
        """A sitemap entry under a report column: a report when its page's title names one."""
        if response.status != 200 or not is_html(response):
            return
        title = feeds.page_title(response.text)
        if not discover.is_report_title(title):
            return
        portal_id = response.meta["portal"]
        self.routes.found(portal_id, response.meta["column_url"], "sitemap", {response.url})
        response.meta["list_title"] = title
        yield from self.parse_report(response)

    def robots_sitemap_requests(self, response, request, spider=None):
        """response_downloaded: a robots.txt's `Sitemap:` lines, asked (once each)."""
        from urllib.parse import urlsplit

        if urlsplit(request.url).path != "/robots.txt" or response.status != 200:
            return
        portal_id = request.meta.get("portal") or portal_for(self.portals, request.url)
        if portal_id is None or portal_id not in self.portals or self.session.discovery.get(portal_id) != "full":
            return  # sitemaps are read at a full discovery, as /sitemap.xml
        for url in feeds.robots_sitemaps(response.body[:65536], response.url):
            sitemap = self.sitemap_request(portal_id, url)
            if sitemap is not None:
                self.crawler.engine.crawl(sitemap)
