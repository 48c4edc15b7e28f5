"""Conditional requests for every URL whose validator (ETag / Last-Modified) is known from
an earlier capture — list pages and list-API answers as well as reports — so an unchanged
portal answers 304 with no body.

A report's 304 goes to the pipeline as is (it knows the report). Any other 304 (a list
page, an API answer) is turned back into the archived answer read from its WARC record, so
the spider parses it as if downloaded, and nothing is stored or counted again.
"""
from __future__ import annotations

from scrapy.http import Headers
from scrapy.responsetypes import responsetypes

from archive import runs
from archive.warc import read_record

from .session import UsesSession


class ConditionalMiddleware(UsesSession):
    def process_request(self, request, spider=None):
        if request.meta.get("playwright") or request.meta.get("browser_fetch") or request.meta.get("known") or request.meta.get("unconditional") \
                or request.method != "GET" or b"If-None-Match" in request.headers \
                or b"If-Modified-Since" in request.headers:
            # A browser page must be whole; a known report's request is the spider's to make
            # (a report still waiting for its attachments is asked for unconditionally); an
            # answer whose archived copy was unreadable is asked for whole, once.
            return None
        # Only what an earlier run archived is named: within a run the crawler fetches a URL
        # once, so a capture of this run is what the browser caught (a frame, a page its pager
        # opened) — a copy the next click may cut short, and which one the static route read
        # would depend on which came first.
        capture = runs.last_validated_capture(self.session.db, request.url, not_run=self.session.run)
        if capture is None:
            return None
        if capture["etag"]:
            request.headers["If-None-Match"] = capture["etag"]
        if capture["last_modified"]:
            request.headers["If-Modified-Since"] = capture["last_modified"]
        request.meta["conditional_capture"] = capture["id"]
        return None

    def process_response(self, request, response, spider=None):
        if response.status != 304 or request.meta.get("known") or "conditional_capture" not in request.meta:
            return response
        capture = self.session.db["captures"].get(request.meta["conditional_capture"])
        try:
            body = read_record(capture, self.session.db_path.parent)
        except (OSError, ValueError):
            # The archived copy is unreadable: fetch it whole again (unconditionally, or the
            # same 304 would come back for ever).
            request.headers.pop("If-None-Match", None)
            request.headers.pop("If-Modified-Since", None)
            meta = {k: v for k, v in request.meta.items() if k != "conditional_capture"}
            return request.replace(meta=dict(meta, unconditional=True), dont_filter=True)
        self.session.count(request.meta.get("portal"), "not_modified")
        request.meta["capture_id"] = capture["id"]
        request.meta["capture_new"] = False
        headers = Headers({"Content-Type": capture["content_type"] or "application/octet-stream"})
        cls = responsetypes.from_args(headers=headers, url=response.url, body=body)
        return cls(url=response.url, status=200, headers=headers, body=body, request=request,
                   flags=["from-archive"])
