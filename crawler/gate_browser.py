"""The gate in the browser: every request of every page — the document, frames, images,
stylesheets, scripts, fetch/XHR, workers, popups, and each hop of a redirect — is checked by
the same policy as Scrapy's (crawler/gate.py) before it leaves; a refused one is aborted,
never captured. WebSockets are never opened (recorded); service workers are blocked. What a
reading of links does not need (images, media, fonts, text tracks, manifests) is not fetched.

`BrowserGate.install_on_context` is the one hook: the download handler (crawler/browser.py)
calls it for every context it creates, and wraps its per-page route handler with `guard`.

An admitted request is fetched without following redirects; each Location is put to the gate,
and the browser follows an admitted one as a new request (which comes back here). In a crawl
the fetch is Scrapy's own downloader (`fetch`, crawler/browser_fetch.py): the host's
politeness slot, the size caps and the address check at connection time
(crawler/gate_resolver.py) apply as to any Scrapy request, so the connection goes to the
address that was checked (no DNS-rebinding window). Without it (a page opened outside a
crawl) Playwright's driver fetches (`route.fetch`), and a name whose DNS answer changes
between the gate's check here and Playwright's own resolution is the gap that remains."""
from __future__ import annotations

import asyncio
import logging
from urllib.parse import urljoin, urlsplit

from .browser_fetch import fulfill_headers
from .gate import NO_PORTAL, portal_for, portal_of, resolve_checked, scope_of, trusted_hosts

logger = logging.getLogger(__name__)
BLOCK_SERVICE_WORKERS = {"service_workers": "block"}  # context option: they escape routing
# Resource types a reading of the page's links and text does not need: never fetched.
# Documents, frames, scripts, stylesheets (what is visible), XHR/fetch, event streams are.
NOT_FETCHED = frozenset({"image", "media", "font", "texttrack", "manifest"})


class BrowserGate:
    def __init__(self, portals_of, record, fetch=None):
        """`portals_of()`: the crawl's portals (id -> seed entry); `record(portal, url, reason)`:
        where a refusal is written (CrawlSession.refuse); `fetch(route, headers, overrides,
        portal)`: fetches an admitted request and answers the route (crawler/browser_fetch.py),
        None for Playwright's own fetch."""
        self.portals_of, self.record, self.fetch = portals_of, record, fetch
        self._names: dict[str, str | None] = {}  # host -> refusal after DNS (None: passes)

    async def refusal(self, url: str, portal_id: str | None = None) -> tuple[str | None, str | None]:
        """(portal, reason it is refused or None)."""
        portals = self.portals_of() or {}
        portal = portal_of(portals, portal_id)
        if portal is None:
            portal_id = portal_for(portals, url)
            if portal_id is None:
                return None, NO_PORTAL
            portal = portals[portal_id]
        reason = scope_of(portal).refusal(url, any_path=True)
        if reason is not None:
            return portal_id, reason
        host = (urlsplit(url).hostname or "").lower()
        if host not in self._names:
            if hasattr(portals, "load_all"):
                portals.load_all()
            trusted = trusted_hosts(list(portals.values()))
            self._names[host] = await asyncio.get_running_loop().run_in_executor(
                None, resolve_checked, host, trusted)
        return portal_id, self._names[host]

    async def _refused(self, url: str, portal_id: str | None) -> bool:
        owner, reason = await self.refusal(url, portal_id)
        if reason is None:
            return False
        self.record(owner, url, f"{reason} (from the browser)")
        return True

    def guard(self, inner=None, portal_url: str | None = None, document: dict | None = None):
        """A route handler: the gate, then `inner` (scrapy-playwright's, which continues the
        request with its overrides) or a plain continue, redirects checked hop by hop.
        `document` ({url, status, headers, body}): the answer the page's first navigation to
        that URL gets, without a request (the crawl fetched and archived it already)."""
        pending = [document] if document else []

        async def handler(route, request):
            url = request.url
            if not url.startswith(("http:", "https:")):  # data:, blob: and the like never leave
                return await (inner(route, request) if inner else route.continue_())
            if request.resource_type in NOT_FETCHED:
                return await route.abort("blockedbyclient")
            portal_id = portal_for(self.portals_of() or {}, portal_url) if portal_url else None
            if await self._refused(url, portal_id):
                return await route.abort("blockedbyclient")
            if pending and _is_document(request, pending[0]["url"]):
                checked = _Answered(route, pending.pop())  # scrapy-playwright still sees it as its request
            else:
                checked = _RedirectChecked(route, self, portal_id)
            if inner is not None:
                return await inner(checked, request)
            return await checked.continue_()
        return handler

    async def install_on_context(self, context) -> None:
        """Every request of every page of the context (popups and workers included), and its
        WebSockets, go through the gate."""
        await context.route("**/*", self.guard())

        async def websocket(ws):
            # Never connected: Playwright's driver would open it with its own DNS answer and
            # outside the host's politeness; a page's reading needs its HTTP answers only.
            url = ws.url.replace("ws", "http", 1)
            if not await self._refused(url, None):
                owner, _ = await self.refusal(url, None)
                self.record(owner, url, "WebSocket not opened: the browser's reading uses HTTP answers only")
            await ws.close(code=1008, reason="not opened by the archive's browser")
        await context.route_web_socket("**/*", websocket)


def _is_document(request, url: str) -> bool:
    """The page's own navigation to `url` (the main frame's, a GET)."""
    try:
        return (request.method == "GET" and request.is_navigation_request()
                and request.frame.parent_frame is None and request.url.split("#")[0] == url)
    except Exception:  # noqa: BLE001 — a request without a frame (a worker's) is not it
        return False


class _Answered:
    """The route as the inner handler sees it when its answer is known: `continue_` fulfills it."""

    def __init__(self, route, answer: dict):
        self._route, self._answer = route, answer

    def __getattr__(self, name):
        return getattr(self._route, name)

    async def continue_(self, **_overrides):
        answer = self._answer
        await self._route.fulfill(status=answer["status"], headers=answer["headers"], body=answer["body"])


class _RedirectChecked:
    """The route as the inner handler sees it: `continue_` fetches without following
    redirects, and a redirect whose target the gate refuses is aborted."""

    def __init__(self, route, gate: BrowserGate, portal_id):
        self._route, self._gate, self._portal = route, gate, portal_id

    def __getattr__(self, name):
        return getattr(self._route, name)

    async def continue_(self, **overrides):
        headers = overrides.pop("headers", None) or await self._route.request.all_headers()
        if self._gate.fetch is not None:
            response = await self._gate.fetch(self._route, headers, overrides, self._portal)
            if response is None:  # aborted there
                return None
            status, location = response.status, response.headers.get("Location")
            location = location.decode("latin-1") if location else None
            if await self._redirect_refused(status, location):
                return None
            return await self._route.fulfill(status=status, headers=fulfill_headers(response),
                                             body=response.body)
        # the same bytes on the wire: Playwright's fetch takes only Latin-1 header values
        headers = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()}
        try:
            response = await self._route.fetch(max_redirects=0, headers=headers, **overrides)
        except Exception as exc:  # the connection failed: the browser sees a failed request
            logger.debug("browser request failed: %s", exc)
            return await self._route.abort("failed")
        if await self._redirect_refused(response.status, response.headers.get("location")):
            await response.dispose()
            return None
        await self._route.fulfill(response=response)

    async def _redirect_refused(self, status: int, location: str | None) -> bool:
        """A redirect whose target the gate refuses: the route is aborted."""
        if 300 <= status < 400 and location:
            target = urljoin(self._route.request.url, location)
            if await self._gate._refused(target, self._portal):
                await self._route.abort("blockedbyclient")
                return True
        return False
