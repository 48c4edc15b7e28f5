"""`scrapy crawl` for the archive:
- the seeds file is read before anything starts: a bad one is one line on stderr, exit 2;
- one writer per archive at a time (archive/lock.py, the lock `ARCHIVE_DB.lock` every writing
  command takes): a second one says which lock and process hold it and exits 75;
- exit 1 when the crawl did not finish or a portal yielded no report (cron mails it);
- exit 2 with one line when the archive is truncated, not an archive, its folder unwritable,
  or its disk without room (CRAWL_MIN_FREE_MB, default 256, and twice the archive's size);
- exit 74 with one line when the crawl could not be published (disk full, permission).

A resumable job uses CRAWL_STATE (crawler/session.py), not Scrapy's JOBDIR: JOBDIR keeps
the requests already seen, and a killed crawl loses those still queued in memory, so a
resumed leg would never fetch them. Given JOBDIR, the command takes it as CRAWL_STATE.
"""
import os
import shutil
import sys
from pathlib import Path

from scrapy.commands.crawl import Command as ScrapyCrawl

from archive.lock import ArchiveLock, ArchiveLocked

from ..seeds import SeedsError, load_seeds, select

EXIT_BAD_SEEDS = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later
EXIT_BAD_ARCHIVE = 2  # the archive file is truncated, foreign or unwritable: nothing started
EXIT_NOT_PUBLISHED = 74  # EX_IOERR: crawled, but the archive could not be published (disk full, permission)


class Command(ScrapyCrawl):
    def process_options(self, args, opts):
        super().process_options(args, opts)
        # Before Scrapy starts (and logs): a bad seeds file is one line, nothing else.
        seeds = opts.spargs.get("seeds")
        if not seeds:
            print("usage: scrapy crawl reports -a seeds=PATH (a YAML list of portals)", file=sys.stderr)
            sys.exit(EXIT_BAD_SEEDS)
        try:
            region, level = opts.spargs.get("region"), opts.spargs.get("level")
            if not select(load_seeds(seeds), region, level):
                raise SeedsError(f"{seeds}: no portal of region {region or 'any'!r} and level {level or 'any'!r}")
        except SeedsError as exc:
            print(f"bad seeds: {exc}", file=sys.stderr)
            sys.exit(EXIT_BAD_SEEDS)
        problem = self._unusable_archive()
        if problem:
            print(problem, file=sys.stderr)
            sys.exit(EXIT_BAD_ARCHIVE)
        jobdir = self.settings.get("JOBDIR")
        if jobdir:
            self.settings.set("CRAWL_STATE", jobdir, priority="cmdline")
            self.settings.set("JOBDIR", None, priority="cmdline")

    def _create_crawler(self, spname):
        self._crawler = super()._create_crawler(spname)
        return self._crawler

    def run(self, args, opts):
        lock = self._lock()
        if lock is None:
            return
        try:
            self._crawl(args, opts)
        finally:
            lock.release()

    def _lock(self):
        """The archive's one lock (archive/lock.py), shared with every command that writes it."""
        try:
            return ArchiveLock(self.settings.get("ARCHIVE_DB"), "crawl").acquire()
        except ArchiveLocked as exc:
            print(f"{exc}; not starting", file=sys.stderr)
            self.exitcode = EXIT_LOCKED
            return None

    def _crawl(self, args, opts):
        super().run(args, opts)
        crawler = getattr(self, "_crawler", None)
        spider = getattr(crawler, "spider", None)
        finished = crawler is not None and crawler.stats.get_value("finish_reason") == "finished"
        session = getattr(crawler, "_archive_session", None)
        if session is not None and session.publish_error:
            print(f"crawl not published: {session.publish_error}", file=sys.stderr)
            self.exitcode = EXIT_NOT_PUBLISHED
        elif not finished or getattr(spider, "failed_portals", None):
            print(self._why_not_ok(crawler, spider, session), file=sys.stderr, flush=True)
            self.exitcode = 1

    @staticmethod
    def _why_not_ok(crawler, spider, session) -> str:
        """The one last line of a crawl that exits 1 (after every log line): why."""
        reason = crawler.stats.get_value("finish_reason") if crawler is not None else None
        if reason is None and crawler is not None and crawler.stats.get_value("start_time"):
            # started, but never closed: forced (a second Ctrl-C / SIGTERM) before it could publish
            return ("crawl did not finish (forced to stop before it closed: this run is not published, "
                    "its work waits in the working file); the next run resumes")
        if reason != "finished":
            return f"crawl did not finish ({reason or 'it never started'}); the next run resumes"
        failed = list(getattr(spider, "failed_portals", None) or [])
        rows = getattr(session, "finished_rows", {}) if session is not None else {}
        by_status: dict[str, list[str]] = {}
        for portal in failed:
            by_status.setdefault((rows.get(portal) or {}).get("status") or "error", []).append(portal)
        counts = ", ".join(f"{len(ids)} {status}" for status, ids in sorted(by_status.items()))
        named = ", ".join(failed[:3]) + (f" and {len(failed) - 3} more" if len(failed) > 3 else "")
        said = f"{counts}: {named}"
        total = len(getattr(spider, "portals", None) or failed)
        return (f"crawl finished with errors: {len(failed)} of {total} portals not complete ({said}); "
                "details in crawl_runs and errors")

    def _unusable_archive(self) -> str | None:
        """One line when the archive (or its working copy) cannot be used, before anything starts."""
        from archive import snapshot
        from archive.health import archive_problem

        published = Path(self.settings.get("ARCHIVE_DB"))
        for path in (published, snapshot.working_path(published)):
            problem = archive_problem(path, missing_ok=True)
            if problem:
                return f"cannot crawl into {path}: {problem}"
        folder = published.parent
        if folder.exists() and not os.access(folder, os.W_OK):
            return f"cannot crawl into {published}: no permission to write in {folder}"
        if folder.exists():
            # room for the working copy to grow and for one published copy beside it
            sizes = sum(p.stat().st_size for p in (published, snapshot.working_path(published)) if p.exists())
            need = max(self.settings.getint("CRAWL_MIN_FREE_MB", 256) * 2**20, 2 * sizes)
            free = shutil.disk_usage(folder).free
            if free < need:
                return (f"cannot crawl into {published}: the disk is full ({free / 2**20:.0f} MB free in {folder}, "
                        f"{need / 2**20:.0f} MB needed; CRAWL_MIN_FREE_MB)")
        return None
