"""Capture: every response is kept as evidence (archive/warc.py), its capture id noted in
the request's meta for the spider and the pipeline."""
from __future__ import annotations

import asyncio

from scrapy.exceptions import IgnoreRequest

from .session import UsesSession


def stop_if_disk_full(crawler, session, exc) -> bool:
    """On a full or read-only disk: ask the engine to stop the crawl (once) and say so."""
    if not session.storage_failed(exc):
        return False
    if not getattr(crawler, "_stopping_for_disk", False):
        crawler._stopping_for_disk = True
        asyncio.ensure_future(crawler.engine.close_spider_async(reason="disk full"))
    return True


class FailedLoad(IgnoreRequest):
    """The browser's load ended on its own error page (a refused or failed navigation:
    `chrome-error://chromewebdata/`): not the portal's answer, never captured or stored."""


class CaptureMiddleware(UsesSession):
    """Downloader middleware: capture each response and note its capture id in meta."""

    def process_response(self, request, response, spider=None):
        session = self.session
        portal = request.meta.get("portal")
        if request.meta.get("browser_fetch"):  # a rendered page's request: its answer catcher keeps it
            return response
        if response.status == 304 or request.meta.get("challenge_of"):
            # not modified: nothing new to keep; a challenge passed in the browser: its page
            # was kept when the challenge was met, what the browser shows after it is not read
            return response
        if not response.url.startswith(("http:", "https:")):
            raise FailedLoad(f"the browser's load of {request.url} ended on {response.url.split('#')[0]} "
                             "(refused or failed); not captured")
        rendered = bool(request.meta.get("playwright"))
        headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, vs in response.headers.items() for v in vs]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        try:
            capture_id, new = session.capture.store(
                response.url, response.body, status=response.status, headers=headers,
                content_type=content_type, rendered=rendered)
        except Exception as exc:
            if stop_if_disk_full(self.crawler, session, exc):
                raise IgnoreRequest(f"not captured: {session.storage_error}") from None
            raise
        session.count(portal, "bytes", len(response.body))
        if new:
            session.count(portal, "captures_new")
        request.meta["capture_id"] = capture_id
        request.meta["capture_new"] = new
        return response
