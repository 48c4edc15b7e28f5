"""`scrapy crawl` for the archive:
- the seeds file is read before anything starts: a bad one is one line on stderr, exit 2;
- one writer per archive at a time (archive/lock.py, the lock `ARCHIVE_DB.lock` every writing
  command takes): a second one says which lock and process hold it and exits 75;
- exit 1 when the crawl did not finish or a portal yielded no report (cron mails it).

A resumable job uses CRAWL_STATE (crawler/session.py), not Scrapy's JOBDIR: JOBDIR keeps
the requests already seen, and a killed crawl loses those still queued in memory, so a
resumed leg would never fetch them. Given JOBDIR, the command takes it as CRAWL_STATE.
"""
import sys

from scrapy.commands.crawl import Command as ScrapyCrawl

from archive.lock import ArchiveLock, ArchiveLocked

from ..seeds import SeedsError, load_seeds, select

EXIT_BAD_SEEDS = 2
EXIT_LOCKED = 75  # EX_TEMPFAIL: try again later


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
        if not finished or getattr(spider, "failed_portals", None):
            self.exitcode = 1
