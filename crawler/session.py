"""One crawl job: the archive's working database, the WARC writer and the per-portal counters.

Shared by the capture middleware, the spider and the pipeline through `CrawlSession.of`.

Settings read here:
- ARCHIVE_DB: the published archive; the crawl writes `<name>.working.db` beside it and
  publishes it atomically when the crawl ends (archive/snapshot.py).
- WARC_DIR: where the WARC files go (default: `warcs/` beside ARCHIVE_DB).
- CRAWL_STATE: a folder that makes the crawl a resumable job. A crawl that is killed or
  interrupted leaves `job.json` there; the next crawl with the same folder continues the
  same job (same run id, counts of the whole job) and a complete crawl removes the folder.
  Nothing else is kept there: the archive itself says what is done (known reports are
  revalidated, reports still waiting for attachments are `pending`), so a leg killed at any
  moment loses nothing.
"""
from __future__ import annotations

import errno
import json
import os
import sqlite3
import time
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

from archive import challenge_cookies, runs, snapshot
from archive.clock import now
from archive.schema import open_archive
from archive.store import cross_year_checks
from archive.warc import WarcCapture, repair_tails

# Counters kept in memory and saved in crawl_runs while the crawl goes on (the report
# counts are read from the archive itself at the end).
FLOW_COUNTERS = ("pages", "bytes", "captures_new", "browser_renders")
SAVE_EVERY = 5.0  # seconds between saves of the running counters
REFUSAL_EXAMPLES = 20  # URLs named in the one errors row of a portal's refusals for one reason


class CrawlSession:
    def __init__(self, settings):
        self.db_path = Path(settings.get("ARCHIVE_DB"))
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self.working_path = snapshot.prepare_working(self.db_path)
        self.db = open_archive(self.working_path)
        self.job = _Job(settings.get("CRAWL_STATE"))
        self.run, self.started_at, self.leg = self.job.run, self.job.started_at, self.job.leg
        warc_dir = Path(settings.get("WARC_DIR") or self.db_path.parent / "warcs")
        for name, removed in repair_tails(self.db, warc_dir, self.db_path.parent, run=self.run):
            runs.record_error(self.db, self.run, None, name, "capture",
                              f"{removed} bytes after the last complete record (a killed crawl) removed")
        self.capture = WarcCapture(self.db, warc_dir, self.run, base=self.db_path.parent,
                                   leg=f"leg{self.leg}" if self.leg > 1 else None)
        self.stats: dict[str, Counter] = {}
        self.seeds = None
        self.discovery: dict[str, str] = {}  # portal -> "full" or "known_columns"
        self._earlier = runs.running_counters(self.db, self.run)  # legs before this one
        self._saved_at = time.monotonic()
        self.finished_rows: dict[str, dict] = {}  # portal -> its crawl_runs row, once finished
        self._refusals: dict[tuple, dict] = {}  # (portal, reason) -> its errors row and count
        self.publish_error: str | None = None  # why the archive could not be published
        self.storage_error: str | None = None  # the disk filled up (or became read-only) mid-crawl
        self.closing = False
        # cookies earned by firewall challenges in earlier runs (archive/challenge_cookies.py)
        self.kept_cookies, problem = challenge_cookies.load(
            self.db_path, settings.getfloat("CHALLENGE_COOKIES_KEEP_HOURS", 12) * 3600)
        if problem:
            self.error(None, str(challenge_cookies.state_path(self.db_path)), "cookie", problem)

    @classmethod
    def of(cls, crawler) -> "CrawlSession":
        if getattr(crawler, "_archive_session", None) is None:
            crawler._archive_session = cls(crawler.settings)
        return crawler._archive_session

    sees_found_years = True  # the archive says which years this run found (the site search's gap)

    def found_years(self, portal: str) -> set[int]:
        """The years of the reports found for a portal in this run so far."""
        return runs.found_years(self.db, self.run, portal)

    def known_columns(self, portal: str, full_every_days: float) -> list[str]:
        return runs.known_columns(self.db, portal, full_every_days)

    def remember_column(self, portal: str, url: str, search_body: str | None = None, search: bool = False) -> None:
        runs.remember_column(self.db, portal, url, self.run, search_body, search)

    def column_bodies(self, portal: str) -> dict[str, str]:
        return runs.column_bodies(self.db, portal)

    def forget_column(self, portal: str, url: str) -> None:
        runs.forget_column(self.db, portal, url)

    def mark_column(self, portal: str, url: str, route: str) -> None:
        """'browser' when the browser saw report links there that the static routes did not."""
        runs.mark_column(self.db, portal, url, route)

    def column_routes(self, portal: str) -> dict[str, str]:
        return runs.column_routes(self.db, portal)

    def remember_sources(self, report_url: str, sources: list[str]) -> None:
        """The answers a rendered report's text came from (revalidated on re-crawls)."""
        runs.remember_sources(self.db, report_url, sources)

    def keep_cookies(self, portal: str, cookies: list[dict]) -> None:
        """The cookies a challenge pass earned: used again by the next runs until they expire
        or are refused."""
        challenge_cookies.save(self.db_path, portal, cookies, self.run)

    def drop_cookies(self, portal: str) -> None:
        self.kept_cookies.pop(portal, None)
        challenge_cookies.drop(self.db_path, portal)

    def count(self, portal: str | None, name: str, n: int = 1) -> None:
        self.stats.setdefault(portal or "-", Counter())[name] += n
        if time.monotonic() - self._saved_at > SAVE_EVERY:
            self.save_running()

    def flow(self, portal: str) -> dict:
        """This job's flow counters for a portal: earlier legs plus this one."""
        mine = self.stats.get(portal, Counter())
        before = self._earlier.get(portal, {})
        return {name: (before.get(name) or 0) + mine[name] for name in FLOW_COUNTERS}

    def save_running(self) -> None:
        """Keep the running counters in crawl_runs, so a killed leg's work is still counted."""
        self._saved_at = time.monotonic()
        if self.storage_error or self.closing:
            return  # a full disk, or the rows are being finished (a running row must not overwrite a final one)
        self._save_refusals()
        for portal in [p for p in self.stats if p != "-" and p not in self.finished_rows]:
            runs.save_run(self.db, dict(self._row(portal), status="running", finished_at=None))

    def _row(self, portal: str) -> dict:
        counts = runs.report_counts(self.db, self.run, portal)
        return {"run": self.run, "portal": portal, "seeds": self.seeds, "started_at": self.started_at,
                "discovery": self.discovery.get(portal, "full"), **self.flow(portal), **counts}

    def storage_failed(self, exc: BaseException) -> bool:
        """Whether `exc` says the archive's disk is full or unwritable; if so the crawl is to
        stop (crawler/capture.py) and nothing more is written."""
        if not isinstance(exc, (OSError, sqlite3.OperationalError)):
            return False
        text = str(exc).lower()
        if not (getattr(exc, "errno", None) in (errno.ENOSPC, errno.EDQUOT, errno.EROFS)
                or "disk is full" in text or "readonly" in text or "read-only" in text):
            return False
        self.storage_error = self.storage_error or str(exc)
        return True

    def error(self, portal: str | None, url: str | None, stage: str, message: str) -> None:
        if self.storage_error:
            return  # the disk is full: the crawl is stopping, the one line says why
        self.count(portal, "errors")
        runs.record_error(self.db, self.run, portal, url, stage, message)

    def refuse(self, portal: str | None, url: str, reason: str) -> None:
        """A request the gate refused: one `errors` row (stage `scope`) per portal and reason,
        its message counting the refusals and naming the first few URLs."""
        if self.storage_error:
            return
        key = (portal, reason)
        refusal = self._refusals.get(key)
        if refusal is None:
            rowid = runs.record_error(self.db, self.run, portal, url, "scope", f"{reason}; not requested: {url}")
            self.count(portal, "errors")
            refusal = self._refusals[key] = {"rowid": rowid, "count": 0, "examples": []}
        refusal["count"] += 1
        self.count(portal, "refused")
        if len(refusal["examples"]) < REFUSAL_EXAMPLES and url not in refusal["examples"]:
            refusal["examples"].append(url)
        refusal["dirty"] = True

    def _save_refusals(self) -> None:
        for (portal, reason), refusal in self._refusals.items():
            if refusal.pop("dirty", False):
                more = refusal["count"] - len(refusal["examples"])
                runs.update_error_message(
                    self.db, refusal["rowid"],
                    f"{reason}; {refusal['count']} request(s) refused, not requested: "
                    + " ".join(refusal["examples"]) + (f" … and {more} more" if more > 0 else ""))

    def finish(self, portals: list[dict], reason: str = "finished", routes: dict | None = None,
               unreachable: dict | None = None, limits: dict | None = None) -> list[str]:
        """Write one crawl_runs row per portal, publish the archive; returns the portals that failed.
        `routes`: portal -> how its lists were read; `unreachable`: portal -> why its homepage
        could not be fetched; `limits`: portal -> the budget or limit that stopped part of it."""
        if self.storage_error:  # nothing more can be written: the working copy stands as it is
            self.publish_error = f"the archive's disk filled up during the crawl ({self.storage_error})"
            return [p["id"] for p in portals]
        failed = []
        self.closing = True
        routes, unreachable, limits = routes or {}, unreachable or {}, limits or {}
        self._save_refusals()
        for portal in portals:
            row = self._row(portal["id"])
            if reason != "finished":
                status, note = "interrupted", f"crawl stopped ({reason}); the next run resumes"
            elif portal["id"] in unreachable and row["reports_found"] == 0:
                status, note = "unreachable", unreachable[portal["id"]]
                failed.append(portal["id"])
            elif portal["id"] in limits:
                # A limit stopped part of the portal: what was read is kept, the run is not ok.
                status, note = "incomplete", limits[portal["id"]]
                failed.append(portal["id"])
            elif row["reports_found"] == 0:
                status, note = "no_reports", ("had reports before and yields none now"
                                              if runs.report_count(self.db, portal["id"]) else "found no report")
                failed.append(portal["id"])
                self.error(portal["id"], portal["url"], "discover", f"{portal['id']}: {note}")
                row = self._row(portal["id"])
            else:
                status, note = ("ok" if not row["errors"] else "ok_with_errors"), None
            row = dict(row, status=status, note=note, finished_at=now(), route=routes.get(portal["id"]))
            runs.save_run(self.db, row)
            self.finished_rows[portal["id"]] = row
        # Any row still `running` (a portal seen in the counters but not in the seeds, or a
        # save that raced the loop above) ends with the crawl's outcome too.
        runs.close_running(self.db, self.run, "interrupted" if reason != "finished" else "ok_with_errors",
                           now())
        self.capture.close()
        cross_year_checks(self.db)
        self.db.conn.close()
        try:
            snapshot.publish(self.working_path, self.db_path)
        except snapshot.PublishFailed as exc:  # the working copy keeps it all: the next run publishes
            self.publish_error = str(exc)
            return [p["id"] for p in portals]
        if reason == "finished":
            self.job.complete()
        return failed

    def summary(self, portals: list[dict]) -> str:
        """A few lines per portal for the operator, printed at the end of a crawl."""
        lines = ["crawl summary (details: crawl_runs and errors tables)"]
        for portal in portals:
            row = self.finished_rows.get(portal["id"])
            if row is None:
                continue
            lines.append(f"{portal['id']}: {row['status']} — reports {row['reports_found']} found, "
                         f"{row['reports_new']} new, {row['reports_changed']} changed, {row['reports_removed']} removed; "
                         f"{row['pages']} pages, {row['bytes']} bytes, {row['errors']} errors"
                         + (f"; {row['note']}" if row["note"] else ""))
            lines.extend(f"    {line}" for line in (row.get("route") or "").splitlines())
        return "\n".join(lines)


class UsesSession:
    """A downloader middleware that reaches the crawl's session (its archive, counters, errors)."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    @property
    def session(self) -> CrawlSession:
        return CrawlSession.of(self.crawler)


class _Job:
    """The run id shared by every leg of a resumable crawl (CRAWL_STATE/job.json)."""

    def __init__(self, state_dir: str | None):
        self.path = Path(state_dir) / "job.json" if state_dir else None
        saved = json.loads(self.path.read_text()) if self.path and self.path.exists() else None
        if saved:
            self.run, self.started_at, self.leg = saved["run"], saved["started_at"], saved["legs"] + 1
        else:
            self.run = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ") + f"-{os.getpid()}"
            self.started_at, self.leg = now(), 1
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps({"run": self.run, "started_at": self.started_at, "legs": self.leg}))
            os.replace(tmp, self.path)

    def complete(self) -> None:
        if self.path:
            self.path.unlink(missing_ok=True)
            try:
                self.path.parent.rmdir()
            except OSError:
                pass  # other files: not ours to remove
