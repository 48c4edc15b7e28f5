"""Retries with exponential backoff: a failing government server gets time to recover
(RETRY_BACKOFF_BASE seconds, doubling per attempt, at most RETRY_BACKOFF_MAX)."""
from __future__ import annotations

import asyncio
import logging

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError
from twisted.internet.error import ConnectError, ConnectionRefusedError, DNSLookupError, NoRouteError, TCPTimedOutError

from .gate_resolver import refusal_of
from .watchdog import remaining

# Failures that mean the host cannot be reached at all (not a slow or flaky answer).
UNREACHABLE = (ConnectionRefusedError, DNSLookupError, NoRouteError, DownloadConnectionRefusedError,
               CannotResolveHostError)
# ... and with time-outs: the failures of a first contact that make a portal `unreachable`.
UNREACHABLE_OR_SILENT = UNREACHABLE + (TCPTimedOutError, TimeoutError, ConnectError, DownloadTimeoutError)


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.unreachable_times = settings.getint("RETRY_UNREACHABLE_TIMES", 1)
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT", 180)

    async def _backoff(self, result):
        if isinstance(result, Request):
            wait = min(self.base * 2 ** (result.meta.get("retry_times", 1) - 1), self.cap) if self.base > 0 else 0
            left = remaining(result, float("inf")) - wait
            if left < 1:  # URL_TIME_LIMIT spent: no further attempt (the last failure stands)
                return None
            result.meta["download_timeout"] = min(left, result.meta.get("download_timeout") or self.timeout)
            if wait:
                await asyncio.sleep(wait)
        return result

    async def process_response(self, request, response, spider=None):
        return await self._backoff(super().process_response(request, response)) or response

    async def process_exception(self, request, exception, spider=None):
        if refusal_of(request.url):  # refused by the gate after DNS: asking again changes nothing
            return None
        if isinstance(exception, UNREACHABLE):  # once more, at once: then the portal is unreachable
            if request.meta.get("dont_retry"):
                return None
            return get_retry_request(request, spider=self.crawler.spider,
                                     reason=type(exception).__name__, max_retry_times=self.unreachable_times)
        return await self._backoff(super().process_exception(request, exception))


class _OneLine(logging.Filter):
    """robots.txt of a host that cannot be reached: one line, no traceback."""

    def filter(self, record):
        if record.exc_info:
            exc = record.exc_info[1]
            record.msg, record.args = "robots.txt not read (%s: %s); the host may be unreachable", (
                type(exc).__name__, exc)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


class QuietRobotsTxtMiddleware(RobotsTxtMiddleware):
    def __init__(self, crawler):
        super().__init__(crawler)
        logger = logging.getLogger(RobotsTxtMiddleware.__module__)
        if not any(isinstance(f, _OneLine) for f in logger.filters):
            logger.addFilter(_OneLine())
