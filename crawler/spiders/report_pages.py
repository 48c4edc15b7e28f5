"""Report pages and their files. A page is accepted as a report only when it holds one: a
page with no report table, none of a report's words and no attachment (a shell whose text
arrives by script) is rendered in the browser, and the rendered text — with the answers its
scripts received, captured — is the report; what it came from (those answers) is
remembered, and a re-crawl revalidates each conditionally, so an edit behind a script is
seen and an unchanged one costs a few 304s. A shell that stays empty is never stored
without a recorded error. A file is read by its bytes (extract/sniff.py), whatever its URL
or Content-Type: a Word file behind a download handler is an attachment like any other.
A page that shows a file (an embed, a viewer, a script sending the reader on) leads to that
file (crawler/report_files.py); a zip of reports is read member by member (bundles.py); a
更正说明 is no report, the corrected report it links is (archive/corrections.py)."""
from __future__ import annotations

import re

import scrapy
from scrapy.http import HtmlResponse

from archive import corrections
from archive.clock import now
from extract.sniff import file_kind

from .. import discover, report_files, report_images, report_parts
from ..items import AttachmentFile, ReportGone, ReportPage
from ..seeds import in_scope
from .lists import is_html


class ReportPages:
    """Spider component: parse_report, parse_rendered_report, parse_attachment, sources."""

    def parse_report(self, response):
        portal_id = response.meta["portal"]
        first_url = response.request.meta.get("redirect_urls", [response.url])[0]
        known = response.meta.get("known", False)
        if response.status != 304:
            self.session.count(portal_id, "pages")
        html = is_html(response)
        gone = None
        short_page = discover.short_page_kind(response.text) if html else None
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
            self.session.error(portal_id, response.url, "challenge",
                               "firewall challenge page instead of the report; not archived")
            return
        if not in_scope(self.portals[portal_id], response.url):
            self.session.error(portal_id, response.url, "scope",
                               "report redirected off the portal's hosts; not archived")
            return
        sources = response.meta.get("sources") or []
        if response.status == 304 and sources:
            # Its text came from these answers: unchanged only if each of them is.
            yield from self.check_sources(response.meta, first_url)
            return
        if response.status == 200 and not html and file_kind(response.body) == "zip":
            yield from self.bundle_reports(response)  # a zip of reports: each member a report
            return
        if response.status == 200 and html and corrections.is_correction_notice(
                response.meta.get("list_title") or _title(response.text)):
            yield from self.correction_notice(response)  # not a report: the corrected one it links is
            return
        attachments, bundles = [], []
        following = report_parts.next_part(response.text, response.url) if response.status == 200 and html else None
        if following:  # a report split over several pages: read them all, then store it as one
            yield from self.part_request(response.meta, first_url, following, [response.text], [])
            return
        if response.status == 200 and html:
            for href, label in report_files.report_files(response.text, response.url):
                request = self._admit(scrapy.Request(href, callback=self.parse_attachment, errback=self.on_error,
                                                     meta={"portal": portal_id, "report_url": first_url,
                                                           "label": label}), "reports")
                if request is not None:
                    attachments.append(request)
            zips = report_files.bundle_links(response.text, response.url)
            bundles = [r for r in (self.bundle_request(response.meta, href, label) for href, label in zips) if r]
            if not attachments and _small_text(response.body) and discover.is_shell(response.text):
                if zips:  # a notice of a zip of reports holds none itself: the zip's members are the reports
                    yield from bundles
                    return
                request = self.render_report_request(response.meta, first_url)
                if request is not None:
                    yield request
                return
        # The report first (stored `pending` while its files are still to be read), then its files.
        yield self.report_item(response, first_url, [request.url for request in attachments],
                               redirected_by=self.redirect_of(response, first_url))
        for request in attachments + bundles:  # one that fails leaves the report pending for the next run
            yield request

    def correction_notice(self, response):
        """A 更正说明 (…原报告同时废止, 附件: the corrected report): the reports and files it
        links are read as reports (a （更正版） supersedes its original: archive/corrections.py)."""
        portal_id = response.meta["portal"]
        links = [(h, label) for h, label in discover.links(response.text, response.url) if discover.is_report_link(label)]
        for href, label in links + report_files.report_files(response.text, response.url):
            request = self.report_request(portal_id, href, label or response.meta.get("list_title"))
            if request is not None:
                yield request

    def redirect_of(self, response, first_url: str) -> str | None:
        """How the report's URL sent it on ("HTTP 301", "meta refresh"), None when it answered
        itself. Its target is then this run's copy of the report: a list's link to it is not
        fetched again (archive/moves.py decides whether the report moved)."""
        reasons = response.meta.get("redirect_reasons") or []
        if first_url == response.url or not reasons:
            return None
        final = response.url.split("#")[0]
        self._seen.add((self.crawler.request_fingerprinter.fingerprint(scrapy.Request(final)), None))
        return f"HTTP {reasons[0]}" if isinstance(reasons[0], int) else str(reasons[0])

    def report_item(self, response, first_url: str, attachments=(), body: bytes | None = None,
                    capture_id=None, capture_new=None, status=None, redirected_by=None) -> ReportPage:
        return ReportPage(
            portal=response.meta["portal"], url=first_url, final_url=response.url.split("#")[0],
            list_title=response.meta.get("list_title"), fetched_at=now(),
            capture_id=capture_id or response.meta.get("capture_id"),
            capture_new=bool(response.meta.get("capture_new") if capture_new is None else capture_new),
            status=status or response.status,
            content_type="text/html; charset=utf-8" if body is not None
            else response.headers.get("Content-Type", b"").decode("latin-1"),
            body=response.body if body is None else body, attachments=list(attachments),
            redirected_by=redirected_by)

    def render_report_request(self, meta: dict, url: str):
        portal_id = meta["portal"]
        if not self._browser_budget(portal_id, url):
            return None
        answers, sources, documents = [], [], []
        keep = {k: meta[k] for k in ("portal", "list_title", "known") if k in meta}
        browser = self.browser_meta(portal_id, answers, sources)
        handlers = browser["playwright_page_event_handlers"]
        handlers["response"] = _also_noting_files(handlers["response"], documents)
        return scrapy.Request(url, callback=self.parse_rendered_report, errback=self.on_render_error,
                              dont_filter=True,
                              meta={**keep, "cookiejar": portal_id, "answers": answers, "sources": sources,
                                    "documents": documents, **browser})

    async def parse_rendered_report(self, response):
        """A shell's report as the browser shows it: the page's DOM with its same-portal
        frames' bodies appended."""
        page = response.meta["playwright_page"]
        portal_id = response.meta["portal"]
        try:
            frames = [(u, h) for u, h in await self.frames_html(page)
                      if in_scope(self.portals[portal_id], u, any_path=True)]
        except Exception as exc:
            frames = []
            self.session.error(portal_id, response.url, "render", f"{type(exc).__name__}: {exc}")
        finally:
            await page.close()
        html = frames[0][1] if frames else response.text
        for _, inner in frames[1:]:  # a framed text is part of the page a person reads
            body = inner.split("<body", 1)[-1].split(">", 1)[-1].rsplit("</body>", 1)[0]
            html = html.replace("</body>", body + "</body>", 1) if "</body>" in html else html + body
        url = response.request.url
        went = response.url.split("#")[0]
        if went != url.split("#")[0] and (went in response.meta.get("documents", ()) or report_files.is_file_url(went)):
            # its script sent the reader on to a file (location.replace): that file is the
            # report, as after a redirect (the page's URL is the link, the file its source)
            request = self._admit(scrapy.Request(
                went, callback=self.parse_report, errback=self.on_error,
                meta={k: response.meta[k] for k in ("portal", "list_title", "known") if k in response.meta}
                | {"redirect_urls": [url], "redirect_reasons": ["script navigation"]}), "reports")
            if request is not None:
                yield request
            return
        # what the reader sees when the page shows a file: that file
        shown = [(u, "") for u in response.meta.get("documents", ()) if u != url]
        shown += [f for u, h in frames for f in report_files.shown_files(h, u)]
        if discover.is_shell(html) and "<img" not in html.lower() and not shown:
            self.session.error(portal_id, url, "shell",
                               "report page holds no report, even rendered in the browser; not archived")
            return
        pictures = report_images.pictures(html, url) if discover.is_shell(html) and not shown else []
        if pictures:  # the report as page images: they are the report (report_images.py)
            cap = self.settings.getint("REPORT_PAGES_MAX", 20)
            if len(pictures) > cap:
                self.session.error(portal_id, url, "limit", f"report of {len(pictures)} page images: "
                                                            f"the first {cap} read (REPORT_PAGES_MAX)")
            keep = {k: response.meta[k] for k in ("portal", "list_title", "known") if k in response.meta}
            meta = {**keep, "report_url": url, "html": html, "pictures": pictures[:cap], "fetched": {},
                    "sources": list(response.meta["sources"])}
            for out in self.next_picture(meta):
                yield out
            return
        for out in self.assembled_report(response, url, html, response.meta["sources"], shown):
            yield out  # (an async generator cannot `yield from`)

    def next_picture(self, meta: dict) -> list:
        """The report's next page image, asked like any file of the report (archived as a
        capture); after the last, the report with its pictures inside, as one capture."""
        fetched = meta["fetched"]
        for picture in meta["pictures"]:
            if picture in fetched:
                continue
            request = self._admit(scrapy.Request(
                picture, callback=self.parse_report_picture, errback=self.on_picture_error, dont_filter=True,
                meta={**meta, "read_again": True}), "reports")
            if request is not None:
                return [request]
            if not in_scope(self.portals[meta["portal"]], picture):  # (over budget: recorded by _admit)
                self.session.error(meta["portal"], picture, "scope", "a page image of the report off the portal; not read")
            fetched[picture] = b""
        url = meta["report_url"]
        keep = {k: meta[k] for k in ("portal", "list_title", "known") if k in meta}
        page = HtmlResponse(url, body=b"", encoding="utf-8", request=scrapy.Request(url, meta=keep))
        html = report_images.embedded(meta["html"], url, fetched)
        return list(self.assembled_report(page, url, html, meta["sources"] + meta["pictures"]))

    def parse_report_picture(self, response):
        meta = response.meta
        self.session.count(meta["portal"], "pages")
        body = response.body if response.status in (200, 304) else b""  # (304: the archived copy, if any)
        if body and report_images.media_type(body) is None:
            self.session.error(meta["portal"], response.url, "extract", "a page image of the report is no picture; not read")
            body = b""
        keep = {k: v for k, v in meta.items() if k in PICTURE_META}
        return self.next_picture({**keep, "fetched": {**meta["fetched"], response.request.url: body}})

    def on_picture_error(self, failure):
        self.on_error(failure)
        meta = failure.request.meta
        keep = {k: v for k, v in meta.items() if k in PICTURE_META}
        return self.next_picture({**keep, "fetched": {**meta["fetched"], failure.request.url: b""}})

    def assembled_report(self, response, url: str, html: str, sources: list, shown=()):
        """A report the crawler put together (rendered, or joined from its pages): kept as
        one more capture of its URL, what it came from remembered, then its files."""
        portal_id = response.meta["portal"]
        body = html.encode("utf-8")
        capture_id, new = self.session.capture.store(url, body, content_type="text/html; charset=utf-8",
                                                     rendered=True)
        self.session.count(portal_id, "captures_new", int(new))
        self.session.remember_sources(url, sources)
        attachments, files = [], report_files.report_files(html, url)
        for href, label in files + [f for f in shown if f[0] not in {h for h, _ in files}]:
            request = self._admit(scrapy.Request(href, callback=self.parse_attachment, errback=self.on_error,
                                                 meta={"portal": portal_id, "report_url": url, "label": label}),
                                  "reports")
            if request is not None:
                attachments.append(request)
        yield self.report_item(response, url, [r.url for r in attachments], body=body,
                               capture_id=capture_id, capture_new=new, status=200)
        for request in attachments:
            yield request

    def part_request(self, meta: dict, report_url: str, url: str, pages: list, part_urls=()):
        """The next page of a split report (`pages`: the HTML read so far; `part_urls`: the
        later pages among them), asked conditionally like any URL the archive has."""
        keep = {k: meta[k] for k in ("portal", "list_title") if k in meta}  # (not `known`: that is unconditional)
        request = self._admit(scrapy.Request(url, callback=self.parse_report_part, errback=self.on_error,
                                             dont_filter=True, meta={**keep, "report_url": report_url,
                                                                     "pages": pages, "part_urls": list(part_urls),
                                                                     "read_again": True}),
                              "reports")
        if request is not None:
            yield request

    def parse_report_part(self, response):
        """A later page of a split report; after the last (or REPORT_PAGES_MAX), the report:
        its pages joined, kept as one capture beside each page's own, the pages remembered
        as what it came from (a re-crawl revalidates each)."""
        meta, portal_id = response.meta, response.meta["portal"]
        self.session.count(portal_id, "pages")
        report_url, pages = meta["report_url"], meta["pages"] + [response.text if is_html(response) else ""]
        cap = self.settings.getint("REPORT_PAGES_MAX", 20)
        following = report_parts.next_part(response.text, response.url) if is_html(response) else None
        if following and len(pages) < cap:
            yield from self.part_request(meta, report_url, following, pages, meta["part_urls"] + [response.request.url])
            return
        if following:
            self.session.error(portal_id, report_url, "limit", f"report split over more than {cap} pages: "
                                                               f"the first {cap} read (REPORT_PAGES_MAX)")
        yield from self.assembled_report(response, report_url, report_parts.joined([p for p in pages if p]),
                                         meta["part_urls"] + [response.request.url])

    def check_sources(self, meta: dict, report_url: str):
        """Revalidate the next source of a rendered report (conditional GET: the middleware
        names the validators of its last capture)."""
        sources = list(meta["sources"])
        source = sources.pop(0)
        request = self._admit(scrapy.Request(
            source, callback=self.parse_source, errback=self.on_source_error, dont_filter=True,
            meta={"portal": meta["portal"], "list_title": meta.get("list_title"),
                  "report_url": report_url, "sources": sources, "split": meta.get("split")}), "api")
        if request is not None:
            yield request

    def parse_source(self, response):
        """An answer a rendered report's text came from: read from the archive (304, the
        conditional middleware's `from-archive`) means unchanged."""
        meta, report_url = response.meta, response.meta["report_url"]
        if "from-archive" not in response.flags:
            yield from self._render_again(meta, report_url)
        elif meta["sources"]:
            yield from self.check_sources(meta, report_url)
        else:  # nothing it came from changed: the report is unchanged (as a 304 is)
            yield ReportPage(portal=meta["portal"], url=report_url, final_url=report_url,
                             list_title=meta.get("list_title"), fetched_at=now(), capture_id=None,
                             capture_new=False, status=304, content_type="", body=b"", attachments=[])

    def on_source_error(self, failure):
        self.on_error(failure)
        return list(self._render_again(failure.request.meta, failure.request.meta["report_url"]))

    def _render_again(self, meta: dict, report_url: str):
        """Something a report came from changed: a split report is read again page by page
        (its unchanged pages answer 304), a rendered one rendered again."""
        if meta.get("split"):
            request = self._admit(scrapy.Request(
                report_url, callback=self.parse_report, errback=self.on_error, dont_filter=True,
                meta={"portal": meta["portal"], "list_title": meta.get("list_title"), "known": True,
                      "read_again": True, "handle_httpstatus_list": [404, 410]}), "reports")
        else:
            request = self.render_report_request(dict(meta, known=True), report_url)
        if request is not None:
            yield request

    def parse_attachment(self, response):
        self.session.count(response.meta["portal"], "pages")
        yield AttachmentFile(
            portal=response.meta["portal"], report_url=response.meta["report_url"],
            url=response.request.meta.get("redirect_urls", [response.url])[0], final_url=response.url,
            label=response.meta.get("label"), fetched_at=now(), capture_id=response.meta.get("capture_id"),
            status=response.status, content_type=response.headers.get("Content-Type", b"").decode("latin-1"),
            body=response.body)


_TITLE = re.compile(r"<title[^>]*>([^<]{1,300})</title>", re.I)


def _title(html: str) -> str | None:
    """The page's <title>, by a scan of its head (no parse of the whole page)."""
    found = _TITLE.search(html[:20000])
    return found.group(1).strip() if found else None


def _also_noting_files(catch, documents: list):
    """The answer catcher, also noting each report file the page loaded as a document, a
    frame or an embedded object (PDFObject, location.replace): what the reader sees."""
    async def handler(response):
        try:
            kind = response.request.resource_type
            content_type = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
            if kind in ("document", "object", "other") and 200 <= response.status < 300 and (
                    discover.rules()["embedded_file"]["types"].search(content_type)
                    or (kind != "document" and report_files.is_file_url(response.url))):
                if response.url not in documents:
                    documents.append(response.url.split("#")[0])
        except Exception:  # a closed page: what it showed is still read
            pass
        await catch(response)
    return handler


PICTURE_META = ("portal", "list_title", "known", "report_url", "html", "pictures", "sources")

SHELL_MAX_BYTES = 512 * 1024  # a shell is a small page: a larger one holds what it holds


def _small_text(body: bytes) -> bool:
    """Small and text (a page of control bytes or megabytes is read as it is, and its
    extraction records what is wrong with it)."""
    head = body[:4096]
    return len(body) < SHELL_MAX_BYTES and b"\0" not in head and \
        sum(1 for b in head if b < 9 or 13 < b < 27 or 27 < b < 32) <= len(head) // 20
