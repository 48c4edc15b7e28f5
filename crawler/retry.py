"""Retries with exponential backoff: a failing government server gets time to recover
(RETRY_BACKOFF_BASE seconds, doubling per attempt, at most RETRY_BACKOFF_MAX).

A host that cannot be reached (refused, no DNS, no route — or silent: a time-out from a host
that has not answered anything in this crawl, a blackhole) is tried RETRY_UNREACHABLE_TIMES
more, at once; then it is unreachable for the rest of the crawl: a portal's first contact
with it fails at once (its one errors row), every other request to it is dropped unsent.
A 429/503's Retry-After (seconds or an HTTP date) is waited for up to RETRY_AFTER_MAX; a
longer one is not retried within the crawl, and recorded with the status and the value."""
from __future__ import annotations

import asyncio
import email.utils
import logging
import time

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, DownloadTimeoutError, IgnoreRequest
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.error import ConnectError, ConnectionRefusedError, DNSLookupError, NoRouteError, TCPTimedOutError

from .gate_resolver import refusal_of
from .progress import left_downloader
from .scope import OffScope
from .watchdog import remaining


class HostUnreachable(Exception):
    """A portal's first request to a host already found unreachable in this crawl: not sent."""


class HostGone(OffScope):
    """Any other request to such a host: not sent, and not recorded again (the portal's first
    contact is its one errors row)."""


# Failures that mean the host cannot be reached at all (not a slow or flaky answer).
UNREACHABLE = (ConnectionRefusedError, DNSLookupError, NoRouteError, DownloadConnectionRefusedError,
               CannotResolveHostError, HostUnreachable)
# Silence: from a host that has never answered in this crawl, as good as unreachable.
SILENT = (TCPTimedOutError, TimeoutError, ConnectError, DownloadTimeoutError)
# ... and with time-outs: the failures of a first contact that make a portal `unreachable`.
UNREACHABLE_OR_SILENT = UNREACHABLE + SILENT
# Statuses whose Retry-After is read (seconds, or an HTTP date).
RETRY_AFTER_STATUSES = (429, 503)


def first_contact(request) -> bool:
    """The portal's homepage, or on a re-run its remembered columns (the homepage is then not
    asked for): what decides that a portal is `unreachable`."""
    return request.meta.get("hops") == 0 or bool(request.meta.get("from_memory"))


def retry_after_seconds(response, now: float | None = None) -> float | None:
    """The answer's Retry-After in seconds from now (0 for a date past), None without one."""
    value = response.headers.get(b"Retry-After")
    if not value:
        return None
    text = value.decode("latin-1").strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def http_error_record(response) -> tuple[str, str]:
    """(stage, message) of a non-200 answer the spider did not ask for: its status and the
    Retry-After it sent; stage `limit` when RETRY_AFTER_MAX kept it from being asked again."""
    header = response.headers.get(b"Retry-After")
    header = header.decode("latin-1") if header else None
    refused = response.meta.get("retry_after_refused")
    if refused is not None:
        asked, cap = refused
        return "limit", (f"HTTP {response.status} with Retry-After: {header} ({asked:.0f} s): longer than "
                         f"RETRY_AFTER_MAX ({cap:.0f} s), so not asked again in this crawl")
    return "fetch", f"HttpError: HTTP {response.status}" + (f" (Retry-After: {header})" if header else "")


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)
        self.unreachable_times = settings.getint("RETRY_UNREACHABLE_TIMES", 1)
        self.timeout = settings.getfloat("DOWNLOAD_TIMEOUT", 180)
        self.retry_after_max = settings.getfloat("RETRY_AFTER_MAX", 60.0)
        self.answered: set[str] = set()  # hosts (host:port) that answered anything in this crawl
        self.dead: dict[str, str] = {}  # host -> why it is unreachable

    async def _backoff(self, result, at_least: float = 0.0):
        if isinstance(result, Request):
            wait = min(self.base * 2 ** (result.meta.get("retry_times", 1) - 1), self.cap) if self.base > 0 else 0
            wait = max(wait, at_least)  # the server's Retry-After, within RETRY_AFTER_MAX
            left = remaining(result, float("inf")) - wait
            if left < 1:  # URL_TIME_LIMIT spent: no further attempt (the last failure stands)
                return None
            result.meta["download_timeout"] = min(left, result.meta.get("download_timeout") or self.timeout)
            if wait:
                await asyncio.sleep(wait)
        return result

    def process_request(self, request, spider=None):
        host = urlparse_cached(request).netloc
        why = self.dead.get(host)
        if why is None:
            return None
        left_downloader(self.crawler, request)
        if first_contact(request):
            raise HostUnreachable(f"{host} {why}: unreachable, not asked again in this crawl")
        raise HostGone(f"{request.url}: {host} {why}; not requested")

    async def process_response(self, request, response, spider=None):
        host = urlparse_cached(request).netloc
        self.answered.add(host)
        self.dead.pop(host, None)  # an answer in flight when it was given up: it lives
        asked = retry_after_seconds(response) if response.status in RETRY_AFTER_STATUSES else None
        if asked is not None and asked > self.retry_after_max and not request.meta.get("dont_retry"):
            # Come back in a day: not within this crawl. Asking again now would be rude and useless.
            request.meta["retry_after_refused"] = (asked, self.retry_after_max)
            return response
        return await self._backoff(super().process_response(request, response), at_least=asked or 0.0) or response

    async def process_exception(self, request, exception, spider=None):
        if isinstance(exception, (HostUnreachable, HostGone)):  # raised above: not sent at all
            return None
        if refusal_of(request.url):  # refused by the gate after DNS: asking again changes nothing
            return None
        host = urlparse_cached(request).netloc
        never_answered = host not in self.answered
        if isinstance(exception, UNREACHABLE) or (never_answered and isinstance(exception, SILENT)):
            if host in self.dead:  # found unreachable by another request meanwhile
                if first_contact(request):
                    return None  # the portal's one errors row
                raise HostGone(f"{request.url}: {host} {self.dead[host]}; not asked again")
            if request.meta.get("dont_retry"):
                return None
            # once more, at once: then the host is unreachable
            retry = get_retry_request(request, spider=self.crawler.spider,
                                      reason=type(exception).__name__, max_retry_times=self.unreachable_times)
            if retry is None and never_answered:
                attempts = request.meta.get("retry_times", 0) + 1
                self.dead[host] = (f"could not be reached ({type(exception).__name__} on {urlparse_cached(request).path}"
                                   f", {attempts} attempt{'s' if attempts > 1 else ''})")
            return retry
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

    def process_request_2(self, rp, request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:  # forbidden by robots.txt: not sent, its portal may be done
            left_downloader(self.crawler, request)
            raise
