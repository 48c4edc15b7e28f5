"""A redirect that leads back to a URL of its own chain is a loop: recorded as such (stage
`fetch`), instead of vanishing in the duplicate filter. Runs before Scrapy's redirects."""
from __future__ import annotations

from urllib.parse import urljoin

from scrapy.exceptions import IgnoreRequest


class RedirectLoop(IgnoreRequest):
    pass


class RedirectLoopMiddleware:
    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if request.meta.get("dont_redirect"):  # not followed here (the browser follows its own)
            return response
        if response.status not in (301, 302, 303, 307, 308) or not location:
            return response
        target = urljoin(request.url, location.decode("latin-1")).split("#")[0]
        chain = request.meta.get("redirect_urls", []) + [request.url]
        if target in chain:
            raise RedirectLoop("redirect loop: " + " → ".join(chain[chain.index(target):] + [target]))
        return response
