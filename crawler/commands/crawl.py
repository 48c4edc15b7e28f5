"""`scrapy crawl` that exits non-zero when the crawl did not finish or a portal yielded no
report: a run that finds nothing is an error, not a success (cron mails it)."""
import shutil

from scrapy.commands.crawl import Command as ScrapyCrawl


class Command(ScrapyCrawl):
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
        jobdir = self.settings.get("JOBDIR")
        if finished and jobdir:
            # The crawl is complete: its saved queue and seen-requests must not hold back the
            # next periodic run. An interrupted crawl keeps them, and the next run resumes.
            shutil.rmtree(jobdir, ignore_errors=True)
