"""scrapy crawl reports -a seeds=PATH — find and archive the annual reports of each portal.

From the homepage the spider follows navigation (政务公开 → 政府信息公开 → 年报) within the
portal's own scope (hosts and path prefix), and fetches the pages whose titles name an
annual report. Each list page goes through a fallback chain: the list API of its
publishing system (families/, endpoints and ids read from the page) → static links and
pagination → Chromium, which renders the page, captures the XHR/fetch answers its scripts
receive (read for report links too) and clicks its pager. Which route produced each list,
and why earlier ones failed, is recorded per portal (routes.py → crawl_runs.route).
"""
from __future__ import annotations

import sqlite3
from urllib.parse import urljoin

import scrapy
from parsel import Selector
from scrapy import signals
from scrapy.exceptions import DownloadCancelledError, DownloadTimeoutError
from twisted.internet.error import ConnectError, TCPTimedOutError

from archive import runs
from archive.clock import now
from archive.store import save_portal

from .. import discover
from ..families import ListingFailed, by_name, families_for
from ..gate import scope_of
from ..items import AttachmentFile, ReportGone, ReportPage
from ..retry import UNREACHABLE as RETRY_UNREACHABLE
from ..routes import RouteLog
from ..scope import OffScope
from ..seeds import in_scope, load_seeds, select
from ..session import CrawlSession

MAX_HOPS = 6  # navigation links from the homepage to the report column
# Failures that mean the host cannot be reached at all (the portal is recorded unreachable).
UNREACHABLE = RETRY_UNREACHABLE + (TCPTimedOutError, TimeoutError, ConnectError, DownloadTimeoutError)


class ReportsSpider(scrapy.Spider):
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
        self.unreachable: dict[str, str] = {}  # portal -> why its homepage could not be fetched
        self.limits: dict[str, str] = {}  # portal -> the limit that stopped part of it

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
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
                # A periodic re-run goes straight to the columns where reports were listed;
                # the whole navigation is walked again every FULL_DISCOVERY_DAYS.
                self.session.discovery[portal["id"]] = "known_columns"
                for url in columns:
                    request = self.page_request(portal["id"], url, hops=MAX_HOPS - 1, column=True,
                                                dont_filter=True, from_memory=True)
                    if request is not None:
                        yield request
                continue
            self.session.discovery[portal["id"]] = "full"
            for request in self.discovery_requests(portal):
                yield request

    def discovery_requests(self, portal: dict):
        """The seeds' 年报 columns, the homepage and the sitemap: where a full discovery starts."""
        for url in portal.get("columns") or []:
            request = self.page_request(portal["id"], url, hops=MAX_HOPS - 1, column=True)
            if request is not None:
                yield request
        request = self.page_request(portal["id"], portal["url"], hops=0)
        if request is not None:
            yield request
        sitemap = urljoin(portal["url"], "/sitemap.xml")
        request = self._admit(scrapy.Request(sitemap, callback=self.parse_sitemap, errback=self.on_error,
                                             meta={"portal": portal["id"], "handle_httpstatus_list": [404, 410]}))
        if request is not None:
            yield request

    def revalidation_requests(self, portal_id: str):
        """Known reports are asked for again conditionally (ETag / Last-Modified): an
        unchanged one answers 304 with no body, a removed one 404/410 or a not-found page."""
        for row in runs.known_reports(self.session.db, portal_id):
            headers = {}
            if row["etag"]:
                headers["If-None-Match"] = row["etag"]
            if row["last_modified"]:
                headers["If-Modified-Since"] = row["last_modified"]
            request = self._admit(scrapy.Request(
                row["url"], callback=self.parse_report, errback=self.on_error, headers=headers, priority=10,
                meta={"portal": portal_id, "list_title": row["title"], "known": True,
                      "handle_httpstatus_list": [304, 404, 410]}), "reports")
            if request is not None:
                yield request

    # --- requests ------------------------------------------------------------------------

    def _admit(self, request, kind: str = "pages"):
        """The request if it is in the portal's scope, new, and within the portal's budget
        (PORTAL_PAGE_BUDGET for navigation, list pages and list APIs; PORTAL_REPORT_BUDGET
        for reports and their files). A duplicate is dropped here without spending budget;
        a budget that runs out is recorded as an error of the portal."""
        portal_id = request.meta["portal"]
        if not in_scope(self.portals[portal_id], request.url, any_path=kind == "api"):
            return None
        key = (self.crawler.request_fingerprinter.fingerprint(request), request.meta.get("fragment"))
        if key in self._seen and not request.meta.get("from_memory"):
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
        return request

    def page_request(self, portal_id, url, hops, column=False, dont_filter=False, from_memory=False,
                     column_url=None):
        whole = url
        url, _, fragment = url.partition("#")
        meta = {"portal": portal_id, "hops": hops, "column": column,
                "download_maxsize": self.settings.getint("LIST_PAGE_MAXSIZE")}
        if column:  # with its fragment: a remembered gkmlpt column keeps its category
            meta["column_url"] = column_url or whole
        if from_memory:
            meta["from_memory"] = True
        if fragment:  # kept for the families that read it; pages differing only there are distinct
            meta["fragment"] = fragment
            dont_filter = True
        return self._admit(scrapy.Request(url, callback=self.parse_page, errback=self.on_error_page,
                                          dont_filter=dont_filter, meta=meta))

    def report_request(self, portal_id, url, title):
        return self._admit(scrapy.Request(url.split("#")[0], callback=self.parse_report, errback=self.on_error,
                                          meta={"portal": portal_id, "list_title": title}), "reports")

    def render_request(self, meta: dict, url: str):
        """The list page again, in Chromium, kept open to click its pager; the answers its
        scripts receive (XHR/fetch) are captured and read for report links. Once per page."""
        portal_id = meta["portal"]
        column_url = meta.get("column_url", url)
        if (portal_id, column_url) in self._rendered:
            return None
        self._rendered.add((portal_id, column_url))
        self.session.count(portal_id, "browser_renders")
        answers: list = []
        target = url + (f"#{meta['fragment']}" if meta.get("fragment") else "")
        return scrapy.Request(
            target, callback=self.parse_rendered, errback=self.on_error, dont_filter=True,
            meta={"portal": portal_id, "hops": meta.get("hops", 0), "column": True,
                  "column_url": column_url, "playwright": True, "playwright_include_page": True,
                  "answers": answers,
                  "playwright_page_event_handlers": {"response": self._answer_catcher(portal_id, answers)},
                  # the list arrives after `load`: wait until its requests are done
                  "playwright_page_goto_kwargs": {"wait_until": "networkidle"}})

    def _answer_catcher(self, portal_id: str, answers: list):
        """A Playwright `response` handler: each XHR/fetch answer is captured to WARC and
        its report links are kept for parse_rendered."""
        async def catch(response):
            try:
                if response.request.resource_type not in ("xhr", "fetch") or not (200 <= response.status < 300):
                    return
                body = await response.body()
                headers = list((await response.all_headers()).items())
                content_type = response.headers.get("content-type", "")
                _, new = self.session.capture.store(response.url, body, status=response.status,
                                                    headers=headers, content_type=content_type)
                self.session.count(portal_id, "bytes", len(body))
                self.session.count(portal_id, "captures_new", int(new))
                answers.extend(discover.answer_links(body, content_type, response.frame.url))
            except Exception as exc:  # a closed page, an aborted request: the DOM still counts
                self.logger.debug("browser answer not read: %s", exc)
        return catch

    # --- callbacks -----------------------------------------------------------------------

    def parse_page(self, response):
        portal_id = response.meta["portal"]
        self.session.count(portal_id, "pages")
        if not _is_html(response):
            return
        html = response.text
        if discover.is_challenge_page(html):
            self.session.error(portal_id, response.url, "fetch", "firewall challenge page instead of content")
            return
        page_links = discover.links(html, response.url, keep_fragment=True)
        yield from self.requests_from_links(page_links, response.meta, route="static links", page_url=response.url)
        if not response.meta.get("column"):
            return
        # The rest of the list, by the fallback chain: the list APIs of the page's publishing
        # system; static links and pagination; the browser when neither gives a list.
        listed = any(discover.is_report_title(label) for _, label in page_links)
        for family in families_for(html, response.url):
            for request in family.list_requests(html, response.url, self._list_meta(response)):
                prepared = self._prepare(request, family)
                if prepared is not None or family.name == "generic":
                    listed = True
                if prepared is not None:
                    yield prepared
        if not listed and discover.builds_list_with_script(html):
            self.routes.failed(response.meta["portal"], response.meta.get("column_url", response.url),
                               "static links: none, list built by script")
            request = self.render_request(self._list_meta(response), response.url)
            if request is not None:
                yield request
        elif not listed and response.meta.get("from_memory"):
            yield from self.forget_column(response)

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
        request = request.replace(meta={k: v for k, v in request.meta.items() if k not in _PER_RESPONSE})
        if family.name == "generic":
            return self._admit(request.replace(callback=self.parse_page, errback=self.on_error_page))
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

    def parse_sitemap(self, response):
        """A sitemap can point straight at the report column."""
        if response.status != 200:
            return
        portal_id = response.meta["portal"]
        for loc in Selector(text=response.text, type="xml").xpath("//*[local-name()='loc']/text()").getall():
            loc = loc.strip()
            if discover.is_report_column("", loc) and not discover.is_trap(loc):
                request = self.page_request(portal_id, loc, hops=MAX_HOPS - 1, column=True)
                if request is not None:
                    yield request

    def requests_from_links(self, links, meta: dict, route: str | None = None, page_url: str | None = None):
        portal_id, hops = meta["portal"], meta.get("hops", 0)
        reports = {href.split("#")[0] for href, label in links
                   if discover.is_report_title(label) and not discover.is_trap(href)
                   and in_scope(self.portals[portal_id], href)}
        if route and reports:
            self.routes.found(portal_id, meta.get("column_url") or meta.get("list_page") or "(navigation)",
                             route, reports)
        for href, label in links:
            if discover.is_trap(href):
                continue
            if discover.is_report_title(label):
                refusal = scope_of(self.portals[portal_id]).refusal(href)
                if refusal is not None:  # one errors row per portal and reason, counted
                    self.session.refuse(portal_id, href, f"report link to {refusal}")
                    continue
                if meta.get("column_url"):
                    self.session.remember_column(portal_id, meta["column_url"])
                request = self.report_request(portal_id, href, label)
            elif meta.get("column") and page_url and discover.is_pager(label, href, page_url):
                # Another page of the same list (首页/上一页/下一页/尾页/3): not a hop, not a new column.
                request = self.page_request(portal_id, href, hops, column=True, column_url=meta["column_url"])
            elif hops < MAX_HOPS and discover.is_navigation(label, href):
                request = self.page_request(portal_id, href, hops + 1,
                                            column=discover.is_report_column(label, href))
            else:
                continue
            if request is not None:
                yield request

    async def parse_rendered(self, response):
        """Report links of a script-built list: from the rendered DOM and from the answers its
        scripts received, page after page, clicking the pager's 下一页."""
        page = response.meta["playwright_page"]
        portal_id = response.meta["portal"]
        answers = response.meta["answers"]
        limit = self.settings.getint("BROWSER_LIST_PAGES")
        meta = dict(response.meta, column=False)  # the pager is clicked here, not followed
        try:
            for n in range(limit):
                html = await page.content()
                if n:  # later pages of the list exist only in the browser: capture them too
                    _, new = self.session.capture.store(
                        f"{response.url.split('#')[0]}#page={n + 1}", html.encode("utf-8"),
                        content_type="text/html; charset=utf-8", rendered=True)
                    self.session.count(portal_id, "captures_new", int(new))
                found = discover.links(html, response.url) + answers[:]
                del answers[:]
                for request in self.requests_from_links(found, meta, route="browser"):
                    yield request
                following = page.locator("a, button", has_text=discover.rules()["pagination"]["next_text"])
                if not await following.count():
                    break
                following = following.first
                classes = (await following.get_attribute("class")) or ""
                if "disabled" in classes or await following.get_attribute("disabled") is not None:
                    break
                if n == limit - 1:
                    self.limits.setdefault(portal_id, f"BROWSER_LIST_PAGES ({limit}) reached")
                    self.session.error(portal_id, response.url, "limit",
                                       f"BROWSER_LIST_PAGES of {limit} reached: the rest of the list was not read")
                    break
                before = _list_fingerprint(html)
                await following.click()
                for _ in range(50):  # wait until the list shows other records
                    await page.wait_for_timeout(100)
                    if answers or _list_fingerprint(await page.content()) != before:
                        break
                else:
                    break
                await page.wait_for_timeout(100)  # let the answer's handler finish
        except Exception as exc:
            self.session.error(portal_id, response.url, "render", f"{type(exc).__name__}: {exc}")
        finally:
            await page.close()
        if not self.routes.count(portal_id, response.meta["column_url"], "browser"):
            self.routes.failed(portal_id, response.meta["column_url"], "browser: no report links")

    def parse_report(self, response):
        portal_id = response.meta["portal"]
        first_url = response.request.meta.get("redirect_urls", [response.url])[0]
        known = response.meta.get("known", False)
        if response.status != 304:
            self.session.count(portal_id, "pages")
        gone = None
        short_page = discover.short_page_kind(response.text) if _is_html(response) else None
        if response.status in (404, 410):
            gone = f"HTTP {response.status}"
        elif response.status == 200 and first_url != response.url and discover.is_homepage(response.url):
            gone = "redirects to the homepage"
        elif response.status == 200 and short_page == "not_found":
            gone = "shows a not-found page"
        if gone:
            if known:
                yield ReportGone(portal=portal_id, url=first_url, final_url=response.url, reason=gone,
                                 capture_id=response.meta.get("capture_id"))
            else:
                self.session.error(portal_id, first_url, "fetch", f"listed report {gone}")
            return
        if short_page == "challenge":
            self.session.error(portal_id, response.url, "fetch",
                               "firewall challenge page instead of the report; not archived")
            return
        if not in_scope(self.portals[portal_id], response.url):
            self.session.error(portal_id, response.url, "scope",
                               "report redirected off the portal's hosts; not archived")
            return
        attachments = []
        if response.status == 200 and _is_html(response):
            for href, label in discover.attachment_links(response.text, response.url):
                request = self._admit(scrapy.Request(href, callback=self.parse_attachment, errback=self.on_error,
                                                     meta={"portal": portal_id, "report_url": first_url,
                                                           "label": label}), "reports")
                if request is not None:
                    attachments.append(request)
        # The report first (stored `pending` while its files are still to be read), then its files.
        yield ReportPage(
            portal=portal_id, url=first_url, final_url=response.url,
            list_title=response.meta.get("list_title"), fetched_at=now(),
            capture_id=response.meta.get("capture_id"),
            capture_new=bool(response.meta.get("capture_new")), status=response.status,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            body=response.body, attachments=[request.url for request in attachments])
        for request in attachments:  # one that fails leaves the report pending for the next run
            yield request

    def parse_attachment(self, response):
        self.session.count(response.meta["portal"], "pages")
        yield AttachmentFile(
            portal=response.meta["portal"], report_url=response.meta["report_url"],
            url=response.request.meta.get("redirect_urls", [response.url])[0], final_url=response.url,
            label=response.meta.get("label"), fetched_at=now(), capture_id=response.meta.get("capture_id"),
            status=response.status, content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            body=response.body)

    def on_error(self, failure):
        if failure.check(OffScope):
            return  # recorded where it was dropped
        request = failure.request
        portal_id = request.meta.get("portal")
        reason = failure.getErrorMessage()
        if failure.check(DownloadCancelledError) and not reason:  # the size cap, while streaming
            setting = "LIST_PAGE_MAXSIZE" if "download_maxsize" in request.meta else "DOWNLOAD_MAXSIZE"
            cap = request.meta.get("download_maxsize") or self.settings.getint("DOWNLOAD_MAXSIZE")
            reason = f"download stopped: larger than {setting} ({cap / 2**20:.0f} MB)"
        message = f"{failure.type.__name__}: {reason}"
        self.session.error(portal_id, request.url, "fetch", message)
        # The portal's first contact: its homepage, or on a re-run the remembered columns
        # (the homepage is then not asked for), so a dead host is `unreachable` in every run.
        first_contact = request.meta.get("hops") == 0 or request.meta.get("from_memory")
        if portal_id and first_contact and failure.check(*UNREACHABLE):
            self.unreachable[portal_id] = f"homepage unreachable ({message})"
            self.logger.warning("portal %s: homepage %s unreachable: %s", portal_id, request.url, message)

    def on_closed(self, spider, reason):
        portals = list(self.portals.values())
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


# Meta keys that describe one download; a family copying a response's meta must not pass them on.
_PER_RESPONSE = {"download_latency", "download_slot", "download_timeout", "depth", "retry_times",
                 "redirect_times", "redirect_ttl", "redirect_urls", "redirect_reasons", "capture_id",
                 "capture_new", "conditional_capture", "unconditional", "_slot_proxy"}


def _is_html(response) -> bool:
    content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
    return "html" in content_type or response.body[:512].lstrip().lower().startswith((b"<!doctype", b"<html"))


def _list_fingerprint(html: str) -> tuple:
    """The list's items, to see that a click on 下一页 has shown other records."""
    selector = Selector(text=html)
    return tuple(selector.css("li a::attr(href)").getall()) + tuple(
        " ".join(li.css("::text").getall()) for li in selector.css("li"))
