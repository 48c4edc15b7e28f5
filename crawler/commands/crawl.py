"""`scrapy crawl` that exits non-zero when a portal yields no report: a run that finds
nothing is an error, not a success (cron mails it)."""
from scrapy.commands.crawl import Command as ScrapyCrawl


class Command(ScrapyCrawl):
    def _create_crawler(self, spname):
        self._crawler = super()._create_crawler(spname)
        return self._crawler

    def run(self, args, opts):
        super().run(args, opts)
        spider = getattr(getattr(self, "_crawler", None), "spider", None)
        if spider is not None and getattr(spider, "failed_portals", None) and not self.exitcode:
            self.exitcode = 1
