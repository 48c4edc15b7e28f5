"""The crawl's item pipeline: hands each fetched report, attachment or disappearance to the
archive's ingest functions (archive/ingest.py); what happened to each portal's reports is
read back from the archive at the end (crawler/session.py). At the end of the run, a report
removed in this run whose figures reappear at a new URL is recorded as moved."""
from __future__ import annotations

from archive import ingest

from .items import AttachmentFile, ReportGone
from .session import CrawlSession


class ArchivePipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.new_ids: dict[int, str] = {}  # report id -> portal, new in this run
        self.removed_ids: dict[int, str] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def session(self) -> CrawlSession:
        return CrawlSession.of(self.crawler)

    def process_item(self, item, spider=None):
        session = self.session
        if isinstance(item, ReportGone):
            report_id = ingest.mark_removed(session.db, item, run=session.run)
            if report_id is not None:
                self.removed_ids[report_id] = item.portal
            return item
        if isinstance(item, AttachmentFile):
            ingest.ingest_attachment(session.db, item)
            return item
        outcome = ingest.ingest_report(session.db, item, run=session.run)
        if outcome.kind in ("invalid", "failed"):
            session.error(item.portal, item.url, outcome.stage, outcome.message)
        elif outcome.kind == "new":
            self.new_ids[outcome.report_id] = item.portal
        return item

    def close_spider(self, spider=None):
        db = self.session.db
        for old_id, portal in list(self.removed_ids.items()):
            for new_id in [i for i, p in self.new_ids.items() if p == portal]:
                if not ingest.same_report(db, old_id, new_id):
                    continue
                ingest.merge_moved(db, old_id, new_id, run=self.session.run)
                del self.new_ids[new_id], self.removed_ids[old_id]
                break
