"""The size caps of an answer (LIST_PAGE_MAXSIZE for what is parsed whole, DOWNLOAD_MAXSIZE
for reports and their files), and how a cut is recorded: stage `limit`, naming the setting.

A cap acts at two moments: while the body streams in (Scrapy's download handler cancels the
download: DownloadCancelledError), and while a compressed body is decoded (a gzip / brotli
bomb of a few MB that inflates to a GB: Scrapy's HttpCompressionMiddleware gives up at the
cap). The second raises `SizeCapExceeded` here, so the spider and the browser's fetcher tell a
cut from any other ignored request without reading Scrapy's wording."""
from __future__ import annotations

from scrapy.downloadermiddlewares.httpcompression import HttpCompressionMiddleware
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest


class SizeCapExceeded(IgnoreRequest):
    """A compressed answer that decoded past its size cap."""

    def __init__(self, message: str, compressed: int):
        super().__init__(message)
        self.compressed = compressed


def setting_of(request) -> str:
    """The setting that caps this request's answer: what is parsed whole carries its cap in meta
    (robots.txt its own, crawler/scope.py)."""
    if "download_maxsize" not in request.meta:
        return "DOWNLOAD_MAXSIZE"
    if request.meta.get("dont_obey_robotstxt") and request.url.endswith("/robots.txt"):
        return "ROBOTSTXT_MAXSIZE"
    return "LIST_PAGE_MAXSIZE"


def cap_of(request, settings) -> int:
    return request.meta.get("download_maxsize") or settings.getint("DOWNLOAD_MAXSIZE")


def is_cut(failure_or_exc) -> bool:
    exc = getattr(failure_or_exc, "value", failure_or_exc)
    if isinstance(exc, SizeCapExceeded):
        return True
    # the handler's cancel at the cap says "larger than download max size" (older Scrapy: nothing)
    return isinstance(exc, DownloadCancelledError) and (not str(exc) or "max size" in str(exc))


def cut_message(request, settings, exc) -> str:
    """One line for the errors row: which setting, its value, and what was seen of the answer."""
    setting, cap = setting_of(request), cap_of(request, settings)
    if isinstance(exc, SizeCapExceeded):
        how = f"its compressed body ({exc.compressed} B) decodes to more than that: not read"
    else:
        how = "its body streamed past it: the download was stopped"
    return f"answer larger than {setting} ({cap / 2**20:.0f} MB): {how}"


class CappedHttpCompressionMiddleware(HttpCompressionMiddleware):
    """Scrapy's decoding of Content-Encoding (gzip, br, deflate, zstd, chained), its cap
    raised as SizeCapExceeded."""

    def process_response(self, request, response, spider=None):
        try:
            return super().process_response(request, response)
        except IgnoreRequest as exc:
            if type(exc) is IgnoreRequest and exc.__cause__ is not None:  # the decompression cap
                raise SizeCapExceeded(str(exc), len(response.body)) from exc
            raise
