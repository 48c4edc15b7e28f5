"""scrapy crawl reports -a seeds=PATH — find and archive the annual reports of each portal.

From the homepage the spider follows navigation (政务公开 → 政府信息公开 → 年报) within the
portal's own scope (hosts and path prefix), and fetches the pages whose titles name an
annual report. The spider is made of one component per responsibility:
- lists.py: the static fast path — navigation, frames, the families' list APIs, pagination;
- rendering.py: the browser's view, the reference each full discovery checks the static
  routes against, and the route for lists only a browser reads;
- report_pages.py: report pages (shells rendered) and their files.
Which route produced each list, and why earlier ones failed, is recorded per portal
(routes.py → crawl_runs.route). Challenges are passed by crawler/challenge.py.
"""
from __future__ import annotations

import sqlite3
from urllib.parse import urljoin

import scrapy
from scrapy import signals
from scrapy.spidermiddlewares.httperror import HttpError

from archive import runs
from archive.store import save_portal

from .. import report_files, report_parts, size_caps
from ..gate import ANOTHER_HOST, ANOTHER_PORT, scope_of
from ..challenge import ChallengeNotPassed
from ..retry import UNREACHABLE_OR_SILENT as UNREACHABLE
from ..retry import first_contact, http_error_record
from ..routes import RouteLog
from ..scope import OffScope
from ..seeds import in_scope, load_seeds, select
from ..session import CrawlSession
from .feeds import FeedsAndSitemaps
from .lists import MAX_HOPS, ListReading
from .rendering import BrowserReference
from .bundles import ReportBundles
from .report_pages import ReportPages



class ReportsSpider(ListReading, FeedsAndSitemaps, BrowserReference, ReportPages, ReportBundles, scrapy.Spider):
    name = "reports"

    def __init__(self, seeds: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not seeds:
            raise ValueError("usage: scrapy crawl reports -a seeds=PATH (a YAML list of portals)")
        self.seeds_path = seeds
        self.portals = self.load_portals(seeds)
        self.failed_portals: list[str] = []
        self.routes = RouteLog()
        self._seen: set = set()  # requests already made: a duplicate spends no budget
        self._rendered: set = set()  # list pages already sent to the browser
        self._listed: dict = {}  # (portal, column) -> report links its static pages showed
        self._searched: set = set()  # portals whose search form was met in this run
        self._search_forms: dict = {}  # portal -> (its search form, the page it is on), asked if a gap is left
        self.limits_noted: set = set()  # (portal, limit) recorded once
        self.unreachable: dict[str, str] = {}  # portal -> why its homepage could not be fetched
        self.limits: dict[str, str] = {}  # portal -> the limit that stopped part of it

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        crawler.signals.connect(spider.ask_searches_left, signal=signals.spider_idle)
        crawler.signals.connect(spider.robots_sitemap_requests, signal=signals.response_downloaded)
        return spider

    def load_portals(self, seeds: str) -> dict:
        """portal id -> seed entry (distributed mode reads them from Redis instead); `-a region=`
        and `-a level=` keep the portals of a region and/or level."""
        portals = select(load_seeds(seeds), getattr(self, "region", None), getattr(self, "level", None))
        return {p["id"]: p for p in portals}

    @property
    def session(self) -> CrawlSession:
        return CrawlSession.of(self.crawler)

    async def start(self):
        self.session.seeds = self.seeds_path
        for portal in self.portals.values():
            save_portal(self.session.db, portal)
            for request in self.revalidation_requests(portal["id"]):
                yield request
            columns = self.session.known_columns(portal["id"], self.settings.getfloat("FULL_DISCOVERY_DAYS"))
            if columns:
                # A periodic re-run goes straight to the columns where reports were listed
                # (rendered if the browser saw more there); the whole navigation is walked
                # again, and every column checked in the browser, every FULL_DISCOVERY_DAYS.
                self.session.discovery[portal["id"]] = "known_columns"
                needs = self.session.column_routes(portal["id"])
                bodies = self.session.column_bodies(portal["id"])
                for url in columns:
                    request = self.page_request(portal["id"], url, hops=MAX_HOPS - 1, column=True,
                                                dont_filter=True, from_memory=True, search_body=bodies.get(url),
                                                search=needs.get(url) == "search")
                    if request is not None:
                        request.meta["needs_browser"] = needs.get(url) == "browser"
                        yield request
                continue
            self.session.discovery[portal["id"]] = "full"
            for request in self.discovery_requests(portal):
                yield request

    def discovery_requests(self, portal: dict):
        """The seeds' 年报 columns, the homepage and the sitemap (and those robots.txt names:
        crawler/spiders/feeds.py): where a full discovery starts."""
        for url in portal.get("columns") or []:
            request = self.page_request(portal["id"], url, hops=MAX_HOPS - 1, column=True)
            if request is not None:
                yield request
        request = self.page_request(portal["id"], portal["url"], hops=0)
        if request is not None:
            yield request
        sitemap = urljoin(portal["url"], "/sitemap.xml")
        request = self.sitemap_request(portal["id"], sitemap)
        if request is not None:
            yield request

    def revalidation_requests(self, portal_id: str):
        """Known reports are asked for again conditionally (ETag / Last-Modified): an
        unchanged one answers 304 with no body, a removed one 404/410 or a not-found page.
        A report read from its rendered page is revalidated through its page and the
        answers its text came from."""
        for row in runs.known_reports(self.session.db, portal_id):
            headers, meta = {}, {}
            validators = row
            if row["rendered"]:
                meta["sources"] = runs.report_sources(self.session.db, row["url"])
                # a report joined from its pages is read again page by page, not rendered
                meta["split"] = bool(meta["sources"]) and all(report_parts.is_part_of(row["url"], u)
                                                              for u in meta["sources"])
                validators = runs.last_validated_capture(self.session.db, row["url"]) or {}
            if validators.get("etag"):
                headers["If-None-Match"] = validators["etag"]
            if validators.get("last_modified"):
                headers["If-Modified-Since"] = validators["last_modified"]
            # dont_filter: a known report's URL that now redirects is followed to its end even
            # when a list links the new URL too (which one comes first must not matter)
            request = self._admit(scrapy.Request(
                row["url"], callback=self.parse_report, errback=self.on_error, headers=headers, priority=10,
                dont_filter=True, meta={"portal": portal_id, "list_title": row["title"], "known": True, **meta,
                      "handle_httpstatus_list": [304, 404, 410]}), "reports")
            if request is not None:
                yield request

    # --- requests ------------------------------------------------------------------------

    def _admit(self, request, kind: str = "pages"):
        """The request if it is in the portal's scope, new, and within the portal's budget
        (PORTAL_PAGE_BUDGET for navigation, list pages and list APIs; PORTAL_REPORT_BUDGET
        for reports and their files). A duplicate is dropped here without spending budget;
        a budget that runs out is recorded as an error of the portal. Every request of a
        portal uses the portal's own cookie jar (cookies a challenge earned)."""
        portal_id = request.meta["portal"]
        if not in_scope(self.portals[portal_id], request.url, any_path=kind == "api"):
            scope = scope_of(self.portals[portal_id])
            refusal = scope.refusal(request.url, any_path=kind == "api")
            if refusal in (ANOTHER_PORT, ANOTHER_HOST) and scope.own_domain(request.url):
                # a lead on the portal's own domain (another port, a sibling host): the operator
                # sees it (one errors row per portal and reason); links to other sites stay quiet
                self.session.refuse(portal_id, request.url, f"a link on the portal's own domain to {refusal}")
            return None
        key = (self.crawler.request_fingerprinter.fingerprint(request), request.meta.get("fragment"))
        if key in self._seen and not request.meta.get("from_memory") and not request.meta.get("read_again"):
            return None
        kind = "pages" if kind == "api" else kind  # list API calls spend the page budget
        budget = self.settings.getint("PORTAL_REPORT_BUDGET" if kind == "reports" else "PORTAL_PAGE_BUDGET")
        counter = f"requests_{kind}"
        if self.session.stats.get(portal_id, {}).get(counter, 0) >= budget:
            self.session.count(portal_id, "budget_exhausted")
            if portal_id not in self.limits:
                setting = "PORTAL_REPORT_BUDGET" if kind == "reports" else "PORTAL_PAGE_BUDGET"
                self.limits[portal_id] = f"{setting} ({budget}) reached"
                self.session.error(portal_id, request.url, "limit",
                                   f"{setting} of {budget} {kind} reached: the rest of the portal was not read")
            return None
        self._seen.add(key)
        self.session.count(portal_id, counter)
        self.session.count(portal_id, "requests")
        request.meta.setdefault("cookiejar", portal_id)
        return request

    def page_request(self, portal_id, url, hops, column=False, dont_filter=False, from_memory=False,
                     column_url=None, frame_of=None, search=False, search_body=None):
        """A navigation or list page; `search`: a page of the portal's search results (its
        number), asked by POST with `search_body` when the form posts."""
        whole = url
        url, _, fragment = url.partition("#")
        meta = {"portal": portal_id, "hops": hops, "column": column,
                "download_maxsize": self.settings.getint("LIST_PAGE_MAXSIZE")}
        if column:  # with its fragment: a remembered gkmlpt column keeps its category
            meta["column_url"] = column_url or whole
        if from_memory:
            meta["from_memory"] = True
        if frame_of:
            meta["frame_of"] = frame_of
        if fragment:  # kept for the families that read it; pages differing only there are distinct
            meta["fragment"] = fragment
            dont_filter = True
        post = {}
        if search:  # a search's answer is the route's to judge (an error page is no error of the portal)
            meta.update(search=int(search), search_body=search_body, handle_httpstatus_all=True)
            if search_body is not None:
                post = {"method": "POST", "body": search_body,
                        "headers": {"Content-Type": "application/x-www-form-urlencoded"}}
        return self._admit(scrapy.Request(url, callback=self.parse_page, errback=self.on_error_page,
                                          dont_filter=dont_filter, meta=meta, **post))

    def report_request(self, portal_id, url, title):
        """The report a list links; a viewer's link (pdf.js, kkFileView) is its file's."""
        url = url.split("#")[0]
        viewed = report_files.viewed_file(url)
        if viewed is not None:
            refusal = scope_of(self.portals[portal_id]).refusal(viewed)
            if refusal is not None:  # the file a viewer shows is put to the scope as any link
                self.session.refuse(portal_id, viewed, f"report file behind a viewer: {refusal}")
                return None
            url = viewed
        return self._admit(scrapy.Request(url, callback=self.parse_report, errback=self.on_error,
                                          meta={"portal": portal_id, "list_title": title}), "reports")

    # --- errors and the end --------------------------------------------------------------

    def on_error(self, failure):
        if failure.check(OffScope, ChallengeNotPassed):
            return  # recorded where it was dropped
        request = failure.request
        portal_id = request.meta.get("portal")
        if size_caps.is_cut(failure):  # a bound that stopped work: stage `limit`, naming the setting
            self.session.error(portal_id, request.url, "limit",
                               size_caps.cut_message(request, self.settings, failure.value))
            return
        stage, message = "fetch", f"{failure.type.__name__}: {failure.getErrorMessage()}"
        if failure.check(HttpError):  # the status, and when the server asked us to come back
            stage, message = http_error_record(failure.value.response)
        self.session.error(portal_id, request.url, stage, message)
        # The portal's first contact decides, so a dead host is `unreachable` in every run.
        if portal_id and first_contact(request) and failure.check(*UNREACHABLE):
            self.unreachable[portal_id] = f"homepage unreachable ({message})"
            self.logger.warning("portal %s: homepage %s unreachable: %s", portal_id, request.url, message)

    def compare_with_browser(self, portal_id: str) -> None:
        """Each column the browser rendered: did the static routes see every report link it
        saw? If not, the column is remembered as needing the browser on re-crawls."""
        for column in self.routes.columns(portal_id):
            extra = self.routes.browser_only(portal_id, column)
            if extra is None:
                continue
            if extra:
                self.routes.note(portal_id, column, "browser",
                                 f"{len(extra)} not seen by the static routes: the column needs the browser")
            if self.session.discovery.get(portal_id) == "full":
                self.session.mark_column(portal_id, column, "browser" if extra else "static")

    def on_closed(self, spider, reason):
        portals = list(self.portals.values())
        try:
            for portal in portals:
                self.compare_with_browser(portal["id"])
        except Exception as exc:  # the comparison must never keep the runs from being closed
            if not self.session.storage_failed(exc):  # a full disk: the crawl's one line says why
                self.logger.error("browser comparison failed: %s", exc)
        routes = {p["id"]: self.routes.summary(p["id"]) for p in portals}
        try:
            self.failed_portals = self.session.finish(portals, reason, routes=routes, unreachable=self.unreachable,
                                                      limits=self.limits)
        except (OSError, sqlite3.Error) as exc:  # the disk filled up: one line (crawl command), not a traceback
            self.session.publish_error = f"cannot record the crawl's end in {self.session.working_path}: {exc}"
            self.failed_portals = list(self.portals)
            return
        if self.settings.getbool("CRAWL_SUMMARY", True):
            print(self.session.summary(portals), flush=True)
