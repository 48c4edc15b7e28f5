"""List reading, the spider's static fast path: navigation pages and report columns read
from their HTML (frames included), the list APIs of the publishing families, static
pagination; a list no static route reads goes to the browser (rendering.py)."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.exceptions import DontCloseSpider

from .. import discover, site_search
from ..families import ListingFailed, by_name, families_for
from ..gate import scope_of
from ..retry import UNREACHABLE_OR_SILENT as UNREACHABLE
from ..seeds import in_scope

MAX_HOPS = 6  # navigation links from the homepage to the report column

# Meta keys that describe one download; a family copying a response's meta must not pass them on.
PER_RESPONSE = {"download_latency", "download_slot", "download_timeout", "depth", "retry_times",
                "redirect_times", "redirect_ttl", "redirect_urls", "redirect_reasons", "capture_id",
                "capture_new", "conditional_capture", "unconditional", "_slot_proxy", "challenge_tries"}


def is_html(response) -> bool:
    """By the bytes first (extract/sniff.py): a PDF or a Word file is never read as a page
    whatever its Content-Type says; then by the header."""
    from extract.sniff import BINARY_KINDS, file_kind

    kind = file_kind(response.body)
    if kind in BINARY_KINDS:
        return False
    content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
    return kind == "html" or "html" in content_type


def _where(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


class ListReading:
    """Spider component: parse_page, the family list answers."""

    def parse_page(self, response):
        portal_id = response.meta["portal"]
        self.session.count(portal_id, "pages")
        if response.meta.get("search") and response.status >= 400:
            self.routes.failed(portal_id, response.meta["column_url"], f"search answered HTTP {response.status}")
            return
        if not is_html(response):
            return
        html = response.text
        if discover.is_challenge_page(html):
            # A challenge the middleware did not recognise as passable (no script to run).
            self.session.error(portal_id, response.url, "challenge", "firewall challenge page instead of content")
            return
        page_links = discover.links(html, response.url, keep_fragment=True)
        if response.meta.get("column") and not response.meta.get("frame_of") and discover.holds_report(html) \
                and not any(discover.is_report_link(label, True) for _, label in page_links):
            # Reached as a list (a year's link, 2023年), but what it holds is a report: read as one.
            yield from self.read_as_report(response)
            return
        ended = response.meta.get("column") and self.list_ended(response, page_links)
        yield from self.frame_requests(html, response)
        yield from self.search_requests(html, response)
        yield from self.requests_from_links(page_links, response.meta,
                                            route="search" if response.meta.get("search") else "static links",
                                            page_url=response.url, list_ended=ended)
        if not response.meta.get("column") or ended or response.meta.get("search"):
            return
        if not response.meta.get("frame_of") and not response.meta.get("continues_list"):
            # the column's feed and the sitemap's entries under it: the rest of its list
            yield from self.feed_requests(html, response)
            yield from self.sitemap_probes(portal_id, response.meta.get("column_url", response.url))
        # The rest of the list, by the fallback chain: the list APIs of the page's publishing
        # system; static links and pagination; the browser when neither gives a list.
        listed = any(discover.is_report_link(label, True) for _, label in page_links)
        for family in families_for(html, response.url):
            for request in family.list_requests(html, response.url, self._list_meta(response)):
                prepared = self._prepare(request, family)
                if prepared is not None or family.name == "generic":
                    listed = True
                if prepared is not None:
                    yield prepared
        column_url = response.meta.get("column_url", response.url)
        if response.meta.get("frame_of"):
            return  # a frame's list is its column's: the column's page decides about the browser
        script_list = not listed and discover.builds_list_with_script(html)
        if script_list:
            self.routes.failed(portal_id, column_url, "static links: none, list built by script")
        # At a full discovery the browser renders every column as a person sees it (what it
        # finds is compared with the static routes when the crawl ends); a column known to
        # need it is rendered on every run.
        if script_list or response.meta.get("needs_browser") or self.reference_due(portal_id):
            request = self.render_request(self._list_meta(response), response.url, response=response,
                                          reference=not script_list and not response.meta.get("needs_browser"))
            if request is not None:
                yield request
        elif not listed and response.meta.get("from_memory") and not self.frames_of(html, response):
            yield from self.forget_column(response)

    def read_as_report(self, response):
        portal_id = response.meta["portal"]
        self.routes.found(portal_id, response.meta.get("column_url", response.url), "page holds a report",
                          {response.url})
        yield from self.parse_report(response)

    def list_ended(self, response, page_links) -> bool:
        """A later page of a list (reached by its pager) that adds no report link the list
        had not shown: an empty page past the end, or the last page served again. The list
        ends there — its pager is not followed further (an endless 下一页 is not a budget
        matter). Which report links a column showed is kept per column."""
        portal_id = response.meta["portal"]
        column = response.meta.get("column_url", response.url)
        reports = {href.split("#")[0] for href, label in page_links if discover.is_report_link(label, True)}
        seen = self._listed.setdefault((portal_id, column), set())
        new = reports - seen
        seen |= reports
        if new or not response.meta.get("continues_list"):
            return False
        self.routes.note(portal_id, column, "static links", f"list ended at {_where(response.url)}: no new report link")
        return True

    def frames_of(self, html: str, response) -> list[str]:
        portal = self.portals[response.meta["portal"]]
        return [url for url in discover.frame_urls(html, response.url) if in_scope(portal, url, any_path=True)]

    def frame_requests(self, html: str, response):
        """Each in-scope `<iframe>`/`<frame>` is part of its page: fetched with the page's hop
        count and column, trap rules not applied (a framed list's URL often looks like a search)."""
        meta = response.meta
        for url in self.frames_of(html, response):
            column = bool(meta.get("column")) or discover.is_report_column("", url)
            request = self.page_request(meta["portal"], url, meta.get("hops", 0), column=column,
                                        column_url=meta.get("column_url", response.url) if meta.get("column") else None,
                                        frame_of=response.url)
            if request is not None:
                yield request

    def search_requests(self, html: str, response):
        """At a full discovery, the portal's own search form (the first met on any of its
        pages): kept, and asked for the report's title words once every other route is done,
        if they left a gap (`ask_searches_left`); its results are a list of the portal's
        (crawler/site_search.py). A session that cannot see which years were found (a
        distributed worker) asks it at once."""
        portal_id = response.meta["portal"]
        if portal_id in self._searched or response.meta.get("search") or \
                self.session.discovery.get(portal_id) != "full":
            return
        form = site_search.search_form(html, response.url)
        if form is None or not in_scope(self.portals[portal_id], form.url):
            return
        self._searched.add(portal_id)
        if self.session.sees_found_years:
            self._search_forms[portal_id] = (form, response.url)
            return
        yield from self.ask_search(portal_id, form, response.url, "a distributed worker does not see "
                                                                   "which years were found")

    def ask_search(self, portal_id: str, form, page_url: str, why: str):
        self.routes.note(portal_id, form.url, "search", f"the search form of {_where(page_url)} asked for "
                                                        f"{site_search.query_words()} by {form.method}")
        self.routes.portal_note(portal_id, f"site search asked: {why}")
        request = self.page_request(portal_id, form.url, MAX_HOPS - 1, column=True, search=1,
                                    search_body=form.body or None)
        if request is not None:
            yield request

    def ask_searches_left(self, spider=None):
        """spider_idle: every other route of every portal is done and its reports stored. A
        kept search form is asked where they left a gap (site_search.gap); otherwise the
        route says why it was not."""
        waiting, self._search_forms = self._search_forms, {}
        asked = False
        for portal_id, (form, page_url) in waiting.items():
            if self.session.storage_error:
                return
            why = site_search.gap(self.session.found_years(portal_id))
            if why is None:
                self.routes.portal_note(portal_id, f"site search not asked (the form of {_where(page_url)}): "
                                                   "the other routes found a report of every year")
                continue
            for request in self.ask_search(portal_id, form, page_url, why):
                self.crawler.engine.crawl(request)
                asked = True
        if asked:
            raise DontCloseSpider

    def forget_column(self, response):
        """A remembered column shows no list any more: discover the portal again."""
        portal_id = response.meta["portal"]
        self.session.forget_column(portal_id, response.meta["column_url"])
        if self.session.discovery.get(portal_id) != "full":
            self.session.discovery[portal_id] = "full"
            yield from self.discovery_requests(self.portals[portal_id])

    def on_error_page(self, failure):
        self.on_error(failure)
        # A dead host has not lost its column: it is remembered for the next run.
        if failure.request.meta.get("from_memory") and not failure.check(*UNREACHABLE):
            return list(self.forget_column(failure.request))

    def _list_meta(self, response) -> dict:
        meta = response.meta
        out = {"portal": meta["portal"], "hops": meta.get("hops", 0), "column": True,
               "column_url": meta.get("column_url", response.url), "list_page": response.url}
        if meta.get("fragment"):
            out["fragment"] = meta["fragment"]
        return out

    def _prepare(self, request, family):
        """A family's request, admitted: more HTML pages of the list (pagination keeps the
        hop count: it is not depth), or a list API call answered to parse_list_answer."""
        request = request.replace(meta={k: v for k, v in request.meta.items() if k not in PER_RESPONSE})
        if family.name == "generic":  # the list's next page
            return self._admit(request.replace(callback=self.parse_page, errback=self.on_error_page,
                                               meta=dict(request.meta, continues_list=True)))
        return self._admit(request.replace(callback=self.parse_list_answer, errback=self.on_list_error,
                                           meta=dict(request.meta, family=family.name)), "api")

    def parse_list_answer(self, response):
        """An answer of a list API (JCMS dataproxy, gkmlpt, JPaas): links, and more pages.
        An answer that is not the family's list, or an empty first answer on a page that
        builds its list by script, sends the list page to the browser."""
        portal_id = response.meta["portal"]
        self.session.count(portal_id, "pages")
        family = by_name(response.meta["family"])
        try:
            listing = family.read_answer(response)
        except ListingFailed as exc:
            yield from self.list_failed(response.meta, f"{family.what} answer unreadable ({exc})")
            return
        if not listing.links and not response.meta.get("continued"):
            yield from self.list_failed(response.meta, f"{family.what} listed nothing")
            return
        yield from self.requests_from_links(listing.links, response.meta, route=family.what)
        for request in listing.requests:
            prepared = self._prepare(request.replace(meta=dict(request.meta, continued=True)), family)
            if prepared is not None:
                yield prepared

    def on_list_error(self, failure):
        """A list API request failed (4xx/5xx, no connection): note why, try the browser."""
        request = failure.request
        response = getattr(failure.value, "response", None)
        family = by_name(request.meta["family"])
        reason = (f"{family.what} answered {response.status}" if response is not None
                  else f"{family.what} failed ({failure.type.__name__})")
        # Not an error of the portal by itself: the route records it, and the browser tries.
        return list(self.list_failed(request.meta, reason))

    def list_failed(self, meta: dict, reason: str):
        self.routes.failed(meta["portal"], meta.get("column_url", meta.get("list_page")), reason)
        if meta.get("continued"):
            return  # a later page of a list already read: what was read stands
        request = self.render_request(meta, meta.get("list_page") or meta["column_url"].split("#")[0])
        if request is not None:
            yield request

    def requests_from_links(self, links, meta: dict, route: str | None = None, page_url: str | None = None,
                            list_ended: bool = False):
        portal_id, hops = meta["portal"], meta.get("hops", 0)
        # A framed list is part of a page a person sees: trap rules (a search system's
        # query-laden URLs) do not apply to its links; the page budget still bounds it.
        # A search's results are the route's own pages: its pager looks like a search too.
        trap = (lambda href: False) if meta.get("frame_of") or meta.get("search") else discover.is_trap
        in_list = bool(meta.get("column") or meta.get("column_url"))
        reports = {href.split("#")[0] for href, label in links
                   if discover.is_report_link(label, in_list) and not trap(href)
                   and in_scope(self.portals[portal_id], href)}
        if route and reports:
            self.routes.found(portal_id, meta.get("column_url") or meta.get("list_page") or "(navigation)",
                              route, reports)
        for href, label in links:
            if trap(href):
                continue
            if discover.is_report_link(label, in_list):
                refusal = scope_of(self.portals[portal_id]).refusal(href)
                if refusal is not None:  # one errors row per portal and reason, counted
                    self.session.refuse(portal_id, href, f"report link to {refusal}")
                    continue
                if meta.get("column_url"):
                    self.session.remember_column(portal_id, meta["column_url"],
                                                 meta.get("column_body", meta.get("search_body")),
                                                 bool(meta.get("search")))
                request = self.report_request(portal_id, href, label)
            elif hops < MAX_HOPS and discover.is_report_notice(label):
                # 关于公开…年度报告的通知: its attachments are the reports, read as a list's.
                request = self.page_request(portal_id, href, hops + 1, column=True)
            elif meta.get("column") and page_url and discover.is_pager(label, href, page_url):
                # Another page of the same list (首页/上一页/下一页/尾页/3): not a hop, not a new column.
                if list_ended:
                    continue
                search = meta.get("search")
                if search and search >= site_search.pages_at_most():
                    if (portal_id, "search.pages") not in self.limits_noted:
                        self.limits_noted.add((portal_id, "search.pages"))
                        self.session.error(portal_id, href, "limit", f"search.pages ({search}) result pages "
                                                                     "of the portal's search read: the rest not read")
                    continue
                request = self.page_request(portal_id, href, hops, column=True, column_url=meta["column_url"],
                                            frame_of=meta.get("frame_of"), search=search and search + 1)
                if request is not None:
                    request.meta["continues_list"] = True
                    if search:  # the column is the search's first answer (a POST's body kept)
                        request.meta["column_body"] = meta.get("column_body", meta.get("search_body"))
            elif meta.get("column") and hops < MAX_HOPS and discover.is_subcolumn(label, href, meta["column_url"]):
                # A year's or a department's list below the column: a column of its own.
                request = self.page_request(portal_id, href, hops + 1, column=True)
            elif hops < MAX_HOPS and discover.is_navigation(label, href):
                request = self.page_request(portal_id, href, hops + 1,
                                            column=discover.is_report_column(label, href))
            else:
                continue
            if request is not None:
                yield request
