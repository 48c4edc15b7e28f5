"""Zips of reports (各部门…年度报告.zip, linked from a notice or listed as a report): each
member that is a report file becomes a report of its own — its URL the zip's with the
member's name as fragment (`….zip#各部门/教育局2023年….docx`), its capture the zip's (the
raw zip is the evidence). Read within bounds (extract/bundles.py; BUNDLE_* settings); a
limit hit is recorded as an error of stage `limit`, a zip that does not open as `extract`."""
from __future__ import annotations

import scrapy

from archive.clock import now

from extract.bundles import member_url, read_bundle
from ..items import ReportPage


class ReportBundles:
    """Spider component: bundle_request, parse_bundle, bundle_reports."""

    def bundle_request(self, meta: dict, href: str, label: str | None):
        return self._admit(scrapy.Request(href, callback=self.parse_bundle, errback=self.on_error,
                                          meta={"portal": meta["portal"], "list_title": label or meta.get("list_title")}),
                           "reports")

    def parse_bundle(self, response):
        self.session.count(response.meta["portal"], "pages")
        yield from self.bundle_reports(response)

    def bundle_reports(self, response):
        portal_id = response.meta["portal"]
        zip_url = response.url.split("#")[0]
        s = self.settings
        bundle = read_bundle(response.body, members_max=s.getint("BUNDLE_MEMBERS_MAX", 200),
                             member_max=s.getint("BUNDLE_MEMBER_MAXSIZE", 64 << 20),
                             total_max=s.getint("BUNDLE_TOTAL_MAXSIZE", 512 << 20))
        if bundle.problem:
            self.session.error(portal_id, zip_url, "extract", f"zip of reports not read: {bundle.problem}")
            return
        for limit in bundle.limits:
            self.session.error(portal_id, zip_url, "limit", limit)
        for unread in bundle.unread:
            self.session.error(portal_id, zip_url, "extract", f"zip member not read: {unread}")
        if not bundle.members and not bundle.limits and not bundle.unread:
            self.session.error(portal_id, zip_url, "extract",
                               f"zip holds no report file ({bundle.skipped} other files); not archived")
        for member in bundle.members:
            url = member_url(zip_url, member.name)
            yield ReportPage(portal=portal_id, url=url, final_url=url, list_title=member.title, fetched_at=now(),
                             capture_id=response.meta.get("capture_id"),
                             capture_new=bool(response.meta.get("capture_new")), status=200,
                             content_type=member.content_type, body=member.data, attachments=[])
