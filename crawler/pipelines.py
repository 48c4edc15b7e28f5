"""The crawl's item pipeline: hands each fetched report, attachment or disappearance to the
archive's ingest functions (archive/ingest.py); what happened to each portal's reports is
read back from the archive at the end (crawler/session.py).

Extraction runs in bounded worker processes (extract/bounded.py), one per core, awaited
here so the reactor thread stays free to crawl; the database writes stay on this one thread
(one SQLite connection). An attachment waits until its report is stored. At the end of the
run, a report removed in this run whose figures reappear at a new URL is recorded as moved.
"""
from __future__ import annotations

import asyncio

from scrapy.exceptions import DropItem

from archive import corrections, ingest
from extract.bounded import Pool, unreadable

from .capture import stop_if_disk_full
from .items import AttachmentFile, ReportGone
from .session import UsesSession


class ArchivePipeline(UsesSession):
    def __init__(self, crawler):
        super().__init__(crawler)
        self.new_ids: dict[int, str] = {}  # report id -> portal, new in this run
        self.removed_ids: dict[int, str] = {}
        self.storing: dict[str, asyncio.Future] = {}  # report URL -> done when it is stored
        self._pool: Pool | None = None

    @property
    def pool(self) -> Pool:
        if self._pool is None:
            self._pool = Pool()  # limits and worker count: extract/limits.py (EXTRACT_*)
        return self._pool

    async def process_item(self, item, spider=None):
        try:
            return await self._process(item)
        except Exception as exc:
            if stop_if_disk_full(self.crawler, self.session, exc):
                raise DropItem(f"not stored: {self.session.storage_error}") from None
            raise

    async def _process(self, item):
        session = self.session
        if isinstance(item, ReportGone):
            report_id = ingest.mark_removed(session.db, item, run=session.run)
            if report_id is not None:
                self.removed_ids[report_id] = item.portal
            return item
        if isinstance(item, AttachmentFile):
            if item.report_url in self.storing:
                await asyncio.shield(self.storing[item.report_url])
            extracted = None
            if ingest.attachment_needs_extraction(session.db, item):
                extracted = await self.pool.extract(item.body, item.final_url, item.content_type)
            ingest.ingest_attachment(session.db, item, extracted)
            problem = extracted and (extracted.get("refused") or unreadable(extracted))
            if problem:
                session.error(item.portal, item.url, "extract", f"attachment not read: {problem}")
            return item
        stored = asyncio.get_running_loop().create_future()
        self.storing[item.url] = stored
        try:
            await self._report(item)
        finally:
            stored.set_result(None)
            if self.storing.get(item.url) is stored:
                del self.storing[item.url]
        return item

    async def _report(self, item) -> None:
        session = self.session
        extracted = None
        if ingest.needs_extraction(session.db, item):
            extracted = await self.pool.extract(item.body, item.final_url, item.content_type)
        outcome = ingest.ingest_report(session.db, item, run=session.run, extracted=extracted)
        if outcome.removed is not None:  # (its report may turn up at a new URL in this run: a move)
            self.removed_ids[outcome.removed] = item.portal
        if outcome.kind in ("invalid", "failed"):
            session.error(item.portal, item.url, outcome.stage, outcome.message)
            return
        if outcome.message:  # stored, but its document could not be read
            session.error(item.portal, item.url, outcome.stage, outcome.message)
        if outcome.kind == "new":
            self.new_ids[outcome.report_id] = item.portal

    def close_spider(self, spider=None):
        if self._pool is not None:
            self._pool.close()
        if self.session.storage_error:
            return
        new = ingest.record_moves(self.session.db, self.removed_ids, self.new_ids, run=self.session.run)
        merged = ingest.merge_duplicates(self.session.db, new)
        # a （更正版） new in this run supersedes the organ's earlier report of that year
        corrections.supersede_corrected(self.session.db, [i for i in new if i not in merged], run=self.session.run)
