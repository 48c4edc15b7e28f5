"""Report pages → extract → validate → load into the archive (extract/)."""
from __future__ import annotations

from extract.load import save_report
from extract.report import extract_bytes
from extract.validate import InvalidReport, validate

from .capture import payload_digest
from .session import CrawlSession


class ArchivePipeline:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        session = CrawlSession.of(self.crawler)
        portal = item.portal
        session.count(portal, "reports_found")
        digest = payload_digest(item.body)
        known = list(session.db["reports"].rows_where(
            "url = ?", [item.url], select="id, content_digest"))
        if known and known[0]["content_digest"] == digest:
            session.count(portal, "reports_unchanged")
            return item
        try:
            result = validate(extract_bytes(item.body, item.final_url, item.content_type))
        except InvalidReport as exc:
            session.error(portal, item.url, "validate", str(exc))
            return item
        except Exception as exc:  # one bad page must not end the crawl
            session.error(portal, item.url, "extract", f"{type(exc).__name__}: {exc}")
            return item
        for message in result["errors"]:
            session.count(portal, "extract_warnings")
        _, new = save_report(
            session.db, result, url=item.url, final_url=item.final_url, portal=portal,
            fetched_at=item.fetched_at, capture_id=item.capture_id, digest=digest,
            list_title=item.list_title)
        session.count(portal, "reports_new" if new else "reports_updated")
        return item
