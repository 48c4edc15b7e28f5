"""Depth first, so that reports flow early: a spider middleware that raises a request's
priority the nearer it is to a report. Attachments of a report come first, then reports,
then list pages of a report column, then navigation by its depth (hops from the homepage).
The scheduler (DownloaderAwarePriorityQueue) still spreads the requests over the hosts:
priority orders the requests of one host, not one host before another."""
from __future__ import annotations

from scrapy import Request

ATTACHMENT, REPORT, LIST, NAVIGATION = 40, 30, 20, 0


def priority_of(request: Request) -> int:
    meta = request.meta
    if "report_url" in meta:
        return ATTACHMENT
    if "list_title" in meta:
        return REPORT
    if meta.get("column") or meta.get("family"):
        return LIST
    return NAVIGATION + min(int(meta.get("hops") or 0), LIST - 1)


class DepthFirstMiddleware:
    def _raise(self, output):
        if isinstance(output, Request) and not output.meta.get("priority_set"):
            output.meta["priority_set"] = True
            output.priority += priority_of(output)
        return output

    def process_spider_output(self, response, result, spider=None):
        return (self._raise(output) for output in result)

    async def process_spider_output_async(self, response, result, spider=None):
        async for output in result:
            yield self._raise(output)

    async def process_start(self, start):
        async for output in start:
            yield self._raise(output)
