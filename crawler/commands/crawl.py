"""`scrapy crawl` that exits non-zero when the crawl did not finish or a portal yielded no
report: a run that finds nothing is an error, not a success (cron mails it).

A resumable job uses CRAWL_STATE (crawler/session.py), not Scrapy's JOBDIR: JOBDIR keeps
the requests already seen, and a killed crawl loses those still queued in memory, so a
resumed leg would never fetch them. Given JOBDIR, the command takes it as CRAWL_STATE.
"""
from scrapy.commands.crawl import Command as ScrapyCrawl


class Command(ScrapyCrawl):
    def process_options(self, args, opts):
        super().process_options(args, opts)
        jobdir = self.settings.get("JOBDIR")
        if jobdir:
            self.settings.set("CRAWL_STATE", jobdir, priority="cmdline")
            self.settings.set("JOBDIR", None, priority="cmdline")

    def _create_crawler(self, spname):
        self._crawler = super()._create_crawler(spname)
        return self._crawler

    def run(self, args, opts):
        super().run(args, opts)
        crawler = getattr(self, "_crawler", None)
        spider = getattr(crawler, "spider", None)
        finished = crawler is not None and crawler.stats.get_value("finish_reason") == "finished"
        if not finished or getattr(spider, "failed_portals", None):
            self.exitcode = 1
