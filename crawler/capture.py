"""Capture: every response is kept as evidence (archive/warc.py), its capture id noted in
the request's meta for the spider and the pipeline."""
from __future__ import annotations


class CaptureMiddleware:
    """Downloader middleware: capture each response and note its capture id in meta."""

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response, spider=None):
        from .session import CrawlSession

        session = CrawlSession.of(self.crawler)
        portal = request.meta.get("portal")
        if response.status == 304 or request.meta.get("challenge_of"):
            # not modified: nothing new to keep; a challenge passed in the browser: its page
            # was kept when the challenge was met, what the browser shows after it is not read
            return response
        rendered = bool(request.meta.get("playwright"))
        headers = [(k.decode("latin-1"), v.decode("latin-1"))
                   for k, vs in response.headers.items() for v in vs]
        content_type = response.headers.get("Content-Type", b"").decode("latin-1")
        capture_id, new = session.capture.store(
            response.url, response.body, status=response.status, headers=headers,
            content_type=content_type, rendered=rendered)
        session.count(portal, "bytes", len(response.body))
        if new:
            session.count(portal, "captures_new")
        request.meta["capture_id"] = capture_id
        request.meta["capture_new"] = new
        return response
