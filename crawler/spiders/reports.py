"""scrapy crawl reports -a seeds=PATH — find and archive the annual reports of each portal.

From the homepage the spider follows navigation (政务公开 → 政府信息公开 → 年报) within the
portal's own hosts, follows pagination, and fetches the pages whose titles name an annual
report. A report column whose list is built by JavaScript (no report links in its HTML,
list-building scripts present) is rendered in Chromium, and its pager clicked through.
"""
from __future__ import annotations

from urllib.parse import urljoin

import scrapy
from parsel import Selector
from scrapy import signals

from archive import runs
from archive.clock import now
from archive.store import save_portal

from .. import discover
from ..families import by_name, families_for
from ..items import AttachmentFile, ReportGone, ReportPage
from ..seeds import in_scope, load_seeds
from ..session import CrawlSession

MAX_HOPS = 6  # navigation links from the homepage to the report column


class ReportsSpider(scrapy.Spider):
    name = "reports"

    def __init__(self, seeds: str | None = None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not seeds:
            raise ValueError("usage: scrapy crawl reports -a seeds=PATH (a YAML list of portals)")
        self.seeds_path = seeds
        self.portals = {p["id"]: p for p in load_seeds(seeds)}
        self.failed_portals: list[str] = []

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.on_closed, signal=signals.spider_closed)
        return spider

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
        """The homepage and the sitemap: where a full discovery starts."""
        request = self.page_request(portal["id"], portal["url"], hops=0)
        if request is not None:
            yield request
        sitemap = urljoin(portal["url"], "/sitemap.xml")
        if self._allowed(portal["id"], sitemap):
            yield scrapy.Request(sitemap, callback=self.parse_sitemap, errback=self.on_error,
                                 meta={"portal": portal["id"], "handle_httpstatus_list": [404, 410]})

    def revalidation_requests(self, portal_id: str):
        """Known reports are asked for again conditionally (ETag / Last-Modified): an
        unchanged one answers 304 with no body, a removed one 404/410 or a not-found page."""
        for row in runs.known_reports(self.session.db, portal_id):
            headers = {}
            if row["etag"]:
                headers["If-None-Match"] = row["etag"]
            if row["last_modified"]:
                headers["If-Modified-Since"] = row["last_modified"]
            self.session.count(portal_id, "requests")
            yield scrapy.Request(row["url"], callback=self.parse_report, errback=self.on_error,
                                 headers=headers, priority=10,
                                 meta={"portal": portal_id, "list_title": row["title"],
                                       "known": True, "handle_httpstatus_list": [304, 404, 410]})

    # --- requests ------------------------------------------------------------------------

    def _allowed(self, portal_id: str, url: str) -> bool:
        if not in_scope(self.portals[portal_id], url):
            return False
        budget = self.settings.getint("PORTAL_PAGE_BUDGET")
        if self.session.stats.get(portal_id, {}).get("requests", 0) >= budget:
            self.session.count(portal_id, "budget_exhausted")
            return False
        self.session.count(portal_id, "requests")
        return True

    def page_request(self, portal_id, url, hops, column=False, dont_filter=False, from_memory=False,
                     column_url=None):
        if not self._allowed(portal_id, url):
            return None
        meta = {"portal": portal_id, "hops": hops, "column": column}
        if column:
            meta["column_url"] = column_url or url
        if from_memory:
            meta["from_memory"] = True
        return scrapy.Request(url, callback=self.parse_page, errback=self.on_error_page,
                              dont_filter=dont_filter, meta=meta)

    def report_request(self, portal_id, url, title):
        if not self._allowed(portal_id, url):
            return None
        return scrapy.Request(url, callback=self.parse_report, errback=self.on_error,
                              meta={"portal": portal_id, "list_title": title})

    def render_request(self, response):
        """The same page again, in Chromium, with the page kept open to click its pager."""
        portal_id = response.meta["portal"]
        self.session.count(portal_id, "browser_renders")
        return scrapy.Request(
            response.url, callback=self.parse_rendered, errback=self.on_error, dont_filter=True,
            meta={"portal": portal_id, "hops": response.meta["hops"], "column": True,
                  "column_url": response.meta.get("column_url", response.url), "playwright": True, "playwright_include_page": True,
                  # the list arrives after `load`: wait until its requests are done
                  "playwright_page_goto_kwargs": {"wait_until": "networkidle"}})

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
        yield from self.requests_from_links(discover.links(html, response.url), response.meta)
        if not response.meta.get("column"):
            return
        # The rest of the list: pagination and list APIs of the page's publishing system.
        listed = any(discover.is_report_title(label) for _, label in discover.links(html, response.url))
        for family in families_for(html):
            for request in family.list_requests(html, response.url, self._list_meta(response)):
                listed = True
                prepared = self._prepare(request, family)
                if prepared is not None:
                    yield prepared
        # Static parsing found no list: render the page in Chromium.
        if not listed and discover.builds_list_with_script(html):
            yield self.render_request(response)
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
        if failure.request.meta.get("from_memory"):
            return list(self.forget_column(failure.request))

    def _list_meta(self, response) -> dict:
        meta = response.meta
        return {"portal": meta["portal"], "hops": meta.get("hops", 0), "column": True,
                "column_url": meta.get("column_url", response.url)}

    def _prepare(self, request, family):
        if family.name == "generic":  # further HTML pages of the list
            if not self._allowed(request.meta["portal"], request.url):
                return None
            return request.replace(callback=self.parse_page, errback=self.on_error_page)
        return request.replace(callback=self.parse_list_answer, errback=self.on_error,
                               meta=dict(request.meta, family=family.name))

    def parse_list_answer(self, response):
        """An answer of a list API (JCMS dataproxy, gkmlpt, JPaas): links, and more pages."""
        portal_id = response.meta["portal"]
        self.session.count(portal_id, "pages")
        family = by_name(response.meta["family"])
        listing = family.read_answer(response)
        yield from self.requests_from_links(listing.links, response.meta)
        for request in listing.requests:
            if family.name == "generic" or self._allowed(portal_id, request.url):
                prepared = self._prepare(request, family)
                if prepared is not None:
                    yield prepared

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

    def requests_from_links(self, links, meta: dict):
        portal_id, hops = meta["portal"], meta.get("hops", 0)
        for href, label in links:
            if discover.is_trap(href):
                continue
            if discover.is_report_title(label):
                if meta.get("column_url"):
                    self.session.remember_column(portal_id, meta["column_url"])
                request = self.report_request(portal_id, href, label)
            elif hops < MAX_HOPS and discover.is_navigation(label, href):
                request = self.page_request(portal_id, href, hops + 1,
                                            column=discover.is_report_column(label, href))
            else:
                continue
            if request is not None:
                yield request

    async def parse_rendered(self, response):
        """Collect report links from each page of a script-built list, clicking 下一页."""
        page = response.meta["playwright_page"]
        portal_id = response.meta["portal"]
        limit = self.settings.getint("BROWSER_LIST_PAGES")
        meta = dict(response.meta, column=False)  # the pager is clicked here, not followed
        try:
            for n in range(limit):
                html = await page.content()
                if n:  # later pages of the list exist only in the browser: capture them too
                    _, new = self.session.capture.store(
                        f"{response.url}#page={n + 1}", html.encode("utf-8"),
                        content_type="text/html; charset=utf-8", rendered=True)
                    self.session.count(portal_id, "captures_new", int(new))
                for request in self.requests_from_links(discover.links(html, response.url), meta):
                    yield request
                following = page.locator("a", has_text="下一页")
                if not await following.count():
                    break
                following = following.first
                classes = (await following.get_attribute("class")) or ""
                if "disabled" in classes:
                    break
                before = _list_fingerprint(html, response.url)
                await following.click()
                for _ in range(50):  # wait until the list shows other records
                    await page.wait_for_timeout(100)
                    if _list_fingerprint(await page.content(), response.url) != before:
                        break
                else:
                    break
        except Exception as exc:
            self.session.error(portal_id, response.url, "render", f"{type(exc).__name__}: {exc}")
        finally:
            await page.close()

    def parse_report(self, response):
        portal_id = response.meta["portal"]
        first_url = response.request.meta.get("redirect_urls", [response.url])[0]
        known = response.meta.get("known", False)
        if response.status != 304:
            self.session.count(portal_id, "pages")
        gone = None
        if response.status in (404, 410):
            gone = f"HTTP {response.status}"
        elif response.status == 200 and first_url != response.url and discover.is_homepage(response.url):
            gone = "redirects to the homepage"
        elif response.status == 200 and _is_html(response) and discover.is_not_found_page(response.text):
            gone = "shows a not-found page"
        if gone:
            if known:
                yield ReportGone(portal=portal_id, url=first_url, final_url=response.url, reason=gone,
                                 capture_id=response.meta.get("capture_id"))
            else:
                self.session.error(portal_id, first_url, "fetch", f"listed report {gone}")
            return
        if _is_html(response) and discover.is_challenge_page(response.text):
            self.session.error(portal_id, response.url, "fetch",
                               "firewall challenge page instead of the report; not archived")
            return
        if not in_scope(self.portals[portal_id], response.url):
            self.session.error(portal_id, response.url, "scope",
                               "report redirected off the portal's hosts; not archived")
            return
        attachments = []
        if response.status == 200 and _is_html(response):
            attachments = [(href, label) for href, label in discover.attachment_links(response.text, response.url)
                           if self._allowed(portal_id, href)]
        # The report first (stored `pending` while its files are still to be read), then its files.
        yield ReportPage(
            portal=portal_id, url=first_url, final_url=response.url,
            list_title=response.meta.get("list_title"), fetched_at=now(),
            capture_id=response.meta.get("capture_id"),
            capture_new=bool(response.meta.get("capture_new")), status=response.status,
            content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            body=response.body, attachments=[href for href, _ in attachments])
        for href, label in attachments:  # one that fails leaves the report pending for the next run
            yield scrapy.Request(href, callback=self.parse_attachment, errback=self.on_error,
                                 meta={"portal": portal_id, "report_url": first_url, "label": label})

    def parse_attachment(self, response):
        self.session.count(response.meta["portal"], "pages")
        yield AttachmentFile(
            portal=response.meta["portal"], report_url=response.meta["report_url"],
            url=response.request.meta.get("redirect_urls", [response.url])[0], final_url=response.url,
            label=response.meta.get("label"), fetched_at=now(), capture_id=response.meta.get("capture_id"),
            status=response.status, content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            body=response.body)

    def on_error(self, failure):
        request = failure.request
        self.session.error(request.meta.get("portal"), request.url, "fetch",
                           f"{failure.type.__name__}: {failure.getErrorMessage()}")

    def on_closed(self, spider, reason):
        self.failed_portals = self.session.finish(list(self.portals.values()), reason)
        for portal_id in self.failed_portals:
            self.logger.error("portal %s yielded no report", portal_id)


def _is_html(response) -> bool:
    content_type = response.headers.get("Content-Type", b"").decode("latin-1").lower()
    return "html" in content_type or response.body[:512].lstrip().lower().startswith((b"<!doctype", b"<html"))


def _list_fingerprint(html: str, url: str) -> tuple:
    """The list's links, to see that a click on 下一页 has shown other records."""
    return tuple(Selector(text=html).css("li a::attr(href)").getall())
