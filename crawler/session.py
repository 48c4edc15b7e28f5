"""One crawl run: the archive database, the WARC writer and the per-portal counters.

Shared by the capture middleware, the spider and the pipeline through `CrawlSession.of`.
"""
from __future__ import annotations

import os
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from archive import runs
from archive.clock import now
from archive.schema import open_archive
from archive.store import cross_year_checks
from archive.warc import WarcCapture


class CrawlSession:
    def __init__(self, settings):
        self.db_path = Path(settings.get("ARCHIVE_DB"))
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = open_archive(self.db_path)
        warc_dir = settings.get("WARC_DIR") or self.db_path.parent / "warcs"
        self.run = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"
        self.capture = WarcCapture(self.db, Path(warc_dir), self.run, base=self.db_path.parent)
        self.started_at = now()
        self.stats: dict[str, Counter] = {}
        self.seeds = None
        self.discovery: dict[str, str] = {}  # portal -> "full" or "known_columns"
        self.statuses: dict[str, tuple] = {}  # portal -> (status, note), once finished

    @classmethod
    def of(cls, crawler) -> "CrawlSession":
        if getattr(crawler, "_archive_session", None) is None:
            crawler._archive_session = cls(crawler.settings)
        return crawler._archive_session

    def known_columns(self, portal: str, full_every_days: float) -> list[str]:
        return runs.known_columns(self.db, portal, full_every_days)

    def remember_column(self, portal: str, url: str) -> None:
        runs.remember_column(self.db, portal, url, self.run)

    def forget_column(self, portal: str, url: str) -> None:
        runs.forget_column(self.db, portal, url)

    def count(self, portal: str | None, name: str, n: int = 1) -> None:
        self.stats.setdefault(portal or "-", Counter())[name] += n

    def error(self, portal: str | None, url: str | None, stage: str, message: str) -> None:
        self.count(portal, "errors")
        runs.record_error(self.db, self.run, portal, url, stage, message)

    def finish(self, portals: list[dict], reason: str = "finished", routes: dict | None = None,
               unreachable: dict | None = None, limits: dict | None = None) -> list[str]:
        """Write one crawl_runs row per portal; returns the portals that failed.
        `routes`: portal -> how its lists were read; `unreachable`: portal -> why its homepage
        could not be fetched; `limits`: portal -> the budget or limit that stopped part of it."""
        failed = []
        routes, unreachable, limits = routes or {}, unreachable or {}, limits or {}
        for portal in portals:
            c = self.stats.get(portal["id"], Counter())
            had_before = runs.report_count(self.db, portal["id"])
            if reason != "finished":
                status, note = "interrupted", f"crawl stopped ({reason}); the next run resumes"
            elif portal["id"] in unreachable and c["reports_found"] == 0:
                status, note = "unreachable", unreachable[portal["id"]]
                failed.append(portal["id"])
            elif portal["id"] in limits:
                # A limit stopped part of the portal: what was read is kept, the run is not ok.
                status, note = "incomplete", limits[portal["id"]]
                failed.append(portal["id"])
            elif c["reports_found"] == 0:
                status, note = "no_reports", ("had reports before and yields none now"
                                              if had_before else "found no report")
                failed.append(portal["id"])
                self.error(portal["id"], portal["url"], "discover", f"{portal['id']}: {note}")
            else:
                status, note = ("ok" if not c["errors"] else "ok_with_errors"), None
            runs.record_run(self.db, {
                "run": self.run, "portal": portal["id"], "seeds": self.seeds,
                "started_at": self.started_at, "finished_at": now(), "status": status,
                "pages": c["pages"], "reports_found": c["reports_found"],
                "reports_new": c["reports_new"], "reports_changed": c["reports_changed"],
                "reports_removed": c["reports_removed"], "reports_moved": c["reports_moved"],
                "reports_unchanged": c["reports_unchanged"], "captures_new": c["captures_new"],
                "browser_renders": c["browser_renders"], "bytes": c["bytes"],
                "errors": c["errors"], "note": note, "discovery": self.discovery.get(portal["id"], "full"),
                "route": routes.get(portal["id"]),
            })
            self.statuses[portal["id"]] = (status, note)
        self.capture.close()
        cross_year_checks(self.db)
        # Leave one self-contained file: Datasette serves it --immutable, which ignores a WAL.
        self.db.execute("PRAGMA journal_mode=DELETE")
        self.db.conn.close()
        return failed

    def summary(self, portals: list[dict], routes: dict) -> str:
        """A few lines per portal for the operator, printed at the end of a crawl."""
        lines = ["crawl summary (details: crawl_runs and errors tables)"]
        for portal in portals:
            c = self.stats.get(portal["id"], Counter())
            status, note = self.statuses.get(portal["id"], ("?", None))
            lines.append(f"{portal['id']}: {status} — reports {c['reports_found']} found, {c['reports_new']} new, "
                         f"{c['reports_changed']} changed, {c['reports_removed']} removed; "
                         f"{c['pages']} pages, {c['bytes']} bytes, {c['errors']} errors"
                         + (f"; {note}" if note else ""))
            for line in (routes.get(portal["id"]) or "").splitlines():
                lines.append(f"    {line}")
        return "\n".join(lines)
