"""Report pages → extract → validate → load into the archive (extract/), with history:
a known report whose bytes changed gets a `changes` row with the cells that changed; one
that disappeared is marked removed; the same report at a new URL is recorded as moved."""
from __future__ import annotations

import json

from extract import load
from extract.report import extract_bytes
from extract.validate import InvalidReport, validate

from .capture import payload_digest
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
        if isinstance(item, ReportGone):
            self.gone(item)
            return item
        if isinstance(item, AttachmentFile):
            self.attachment(item)
            return item
        session, portal = self.session, item.portal
        db = session.db
        session.count(portal, "reports_found")
        known = next(iter(db["reports"].rows_where("url = ?", [item.url])), None)
        if item.status == 304 or (known and known["content_digest"] == payload_digest(item.body)):
            session.count(portal, "reports_unchanged")
            if known:
                db["reports"].update(known["id"], {"last_checked_at": item.fetched_at, "status": "current"})
            return item
        try:
            result = validate(extract_bytes(item.body, item.final_url, item.content_type))
        except InvalidReport as exc:
            session.error(portal, item.url, "validate", str(exc))
            return item
        except Exception as exc:  # one bad page must not end the crawl
            session.error(portal, item.url, "extract", f"{type(exc).__name__}: {exc}")
            return item
        before = load.report_cells(db, known["id"]) if known else None
        if known and known["body_text"] == result.get("body_text") and before == _cells(result):
            # Only the page around the report changed (a counter, a generation time): keep the
            # new capture, record no change.
            db["reports"].update(known["id"], {"capture_id": item.capture_id, "last_checked_at": item.fetched_at,
                                               "content_digest": payload_digest(item.body), "status": "current"})
            session.count(portal, "reports_unchanged")
            return item
        report_id, new = load.save_report(
            db, result, url=item.url, final_url=item.final_url, portal=portal,
            fetched_at=item.fetched_at, capture_id=item.capture_id,
            digest=payload_digest(item.body), list_title=item.list_title)
        if new:
            self.new_ids[report_id] = portal
            session.count(portal, "reports_new")
        else:
            diff = load.diff_cells(before, load.report_cells(db, report_id))
            load.record_change(db, report_id, "changed", run=session.run, old_url=known["final_url"],
                               new_url=item.final_url, old_capture_id=known["capture_id"],
                               new_capture_id=item.capture_id, diff=diff,
                               note=f"{len(diff)} cells changed" if diff else "page changed, cells did not")
            session.count(portal, "reports_changed")
        return item

    def attachment(self, item: AttachmentFile) -> None:
        """Keep the file's record; read the report's figures from it if the page had none."""
        db = self.session.db
        report = next(iter(db["reports"].rows_where("url = ?", [item.report_url])), None)
        if report is None:
            return
        row = {"report_id": report["id"], "url": item.url, "final_url": item.final_url, "label": item.label,
               "capture_id": item.capture_id, "content_type": item.content_type, "length": len(item.body),
               "fetched_at": item.fetched_at, "used_for_figures": 0, "errors": None}
        if item.status == 200 and not load.has_figures(db, report["id"]):
            try:
                result = validate(extract_bytes(item.body, item.final_url, item.content_type))
            except Exception as exc:  # recorded, and the crawl goes on
                result = None
                row["errors"] = f"{type(exc).__name__}: {exc}"
            if result is not None:
                row["errors"] = json.dumps(result["errors"], ensure_ascii=False) if result["errors"] else None
                if result.get("applications") and any(
                        v is not None for cols in result["applications"].values() for v in cols.values()):
                    load.replace_figures(db, report["id"], result, item.final_url)
                    row["used_for_figures"] = 1
        db["attachments"].insert(row, ignore=True)  # one row per report and file URL

    def gone(self, item: ReportGone) -> None:
        session, db = self.session, self.session.db
        known = next(iter(db["reports"].rows_where("url = ?", [item.url])), None)
        if known is None or known["status"] != "current":
            return
        db["reports"].update(known["id"], {"status": "removed", "last_checked_at": load.now()})
        load.record_change(db, known["id"], "removed", run=session.run, old_url=known["final_url"],
                           new_url=item.final_url, old_capture_id=known["capture_id"],
                           new_capture_id=item.capture_id, note=item.reason)
        self.removed_ids[known["id"]] = item.portal
        session.count(item.portal, "reports_removed")

    def close_spider(self, spider=None):
        """A report removed in this run whose figures reappear at a new URL has moved."""
        db = self.session.db
        for old_id, portal in list(self.removed_ids.items()):
            old = db["reports"].get(old_id)
            for new_id in [i for i, p in self.new_ids.items() if p == portal]:
                new = db["reports"].get(new_id)
                if not _same_report(db, old, new):
                    continue
                self._merge_moved(old, new)
                del self.new_ids[new_id], self.removed_ids[old_id]
                self.session.count(portal, "reports_moved")
                self.session.count(portal, "reports_removed", -1)
                self.session.count(portal, "reports_new", -1)
                break

    def _merge_moved(self, old: dict, new: dict) -> None:
        """Keep the report's id (and history); it now lives at the new URL."""
        db = self.session.db
        with db.conn:
            for table in load.DERIVED:
                db[table].delete_where("report_id = ?", [new["id"]])
            db.execute("delete from reports_fts where rowid = ?", [new["id"]])
            db["reports"].delete(new["id"])
            moved = {k: new[k] for k in ("url", "final_url", "fetched_at", "capture_id",
                                         "content_digest", "last_checked_at")}
            db["reports"].update(old["id"], dict(moved, status="current"))
            db.execute("delete from changes where report_id = ? and kind = 'removed' and run = ?",
                       [old["id"], self.session.run])
        load.record_change(db, old["id"], "moved", run=self.session.run, old_url=old["final_url"],
                           new_url=new["final_url"], old_capture_id=old["capture_id"],
                           new_capture_id=new["capture_id"], note="same report at a new URL")


def _cells(result: dict) -> dict:
    """An extraction's cells in the shape of load.report_cells."""
    cells = {}
    for row, cols in (result.get("applications") or {}).items():
        cells.update({f"applications.{row}.{col}": v for col, v in cols.items()})
    cells.update({f"active_disclosure.{k}": v for k, v in (result.get("active") or {}).items()
                  if not k.endswith("_unit")})
    for block, outs in (result.get("review_litigation") or {}).items():
        cells.update({f"review_litigation.{block}.{o}": v for o, v in outs.items()})
    return cells


def _same_report(db, old: dict, new: dict) -> bool:
    if old["content_digest"] == new["content_digest"]:
        return True
    same_identity = (old["organ"], old["report_year"], old["title"]) == (new["organ"], new["report_year"], new["title"])
    return same_identity and load.report_cells(db, old["id"]) == load.report_cells(db, new["id"]) != {}
