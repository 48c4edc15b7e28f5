"""The browser's view, the reference for what a page holds: a report column rendered in
Chromium as a person sees it — the DOM of every same-portal frame (frames of frames too),
the XHR/fetch/JSONP answers its scripts receive (captured to WARC, read for report links),
and its pager followed to the end whatever it is (links, `javascript:` hrefs, buttons, form
posts, 加载更多), clicked as a person would, at most BROWSER_LIST_PAGES pages; then each
year tab a script switches (crawler/spiders/tabs.py), at most BROWSER_TAB_CLICKS.

At each full discovery every column is rendered once; when the crawl ends the links the
browser saw are compared with the static routes' (spider on_closed → routes.py), and a
column whose static routes saw less is remembered as needing the browser.
"""
from __future__ import annotations

import re

import scrapy

from .. import discover
from ..browser_fetch import fulfill_headers
from ..seeds import in_scope
from .composed import DEEP_QUERY, OPEN_SHADOW_ROOTS, composed_html
from .tabs import read_year_tabs

# Finds the element a person would click for the next page (or more records), marks it,
# and says what kind of pager it is. Run in each frame; shadow roots searched too.
_FIND_NEXT = """(pattern) => {
  """ + DEEP_QUERY + """
  const rx = new RegExp(pattern);
  const els = deep('a, button, input[type=button], input[type=submit], span, li, div, em');
  for (const e of els) {
    const text = ((e.tagName === 'INPUT' ? e.value : e.textContent) || '').trim();
    if (!rx.test(text)) continue;
    if (!['A', 'BUTTON', 'INPUT'].includes(e.tagName) && e.querySelector('a, button, input')) continue;
    if (Array.from(e.children).some((c) => rx.test((c.textContent || '').trim()))) continue;  // the innermost one
    const style = getComputedStyle(e);
    if (style.display === 'none' || style.visibility === 'hidden') continue;
    if (e.disabled || /disabled/.test(e.className) || e.getAttribute('aria-disabled') === 'true') return {disabled: true};
    const href = e.getAttribute('href') || '';
    const form = e.closest('form');
    let how = 'link';
    if (e.tagName === 'A' && href.trim().toLowerCase().startsWith('javascript:')) how = 'javascript: link';
    else if (e.tagName === 'A' && (!href || href === '#')) how = 'script link';
    else if (e.tagName !== 'A') how = 'button';
    if (form && (form.getAttribute('method') || '').toLowerCase() === 'post') how = 'form post';
    if (/加载更多|查看更多|点击加载/.test(text)) how = 'load more';
    deep('[data-gra-next]').forEach((old) => old.removeAttribute('data-gra-next'));
    e.setAttribute('data-gra-next', '1');
    return {how: how, disabled: false};
  }
  return null;
}"""
DOCUMENT_MAXSIZE = 2 * 1024 * 1024
NEXT_TEXT = r"^(下一页|下页|下一頁|>|›|»|>>|加载更多|查看更多|点击加载更多)$"


async def keep_what_it_shows(page, request) -> None:
    """A rendered list page keeps what it showed: once its document has loaded, a top-level
    navigation the page starts by itself (location.href, a timed redirect) is answered 204
    No Content, which leaves the page as it is — only the pager's clicks (`page._gra_clicking`)
    navigate it. Other requests go on to the gate and scrapy-playwright.
    Every shadow root the page attaches is open (crawler/spiders/composed.py): read as shown."""
    await page.add_init_script(OPEN_SHADOW_ROOTS)
    page._gra_loaded = False
    page._gra_clicking = False
    page.on("load", lambda *_: setattr(page, "_gra_loaded", True))

    async def handler(route, req):
        if (req.is_navigation_request() and req.frame == page.main_frame and page._gra_loaded
                and not page._gra_clicking):
            return await route.fulfill(status=204, body=b"")
        return await route.fallback()
    await page.route("**/*", handler)


def browser_document(response, url: str) -> dict:
    """Meta giving a render the page's static answer as its document (crawler/browser.py):
    a 200 answer to that very URL, held while the render waits its turn, so not larger than
    DOCUMENT_MAXSIZE; else nothing, and the browser fetches the page itself."""
    if response is None or response.status != 200 or response.url != url.split("#")[0]:
        return {}
    if len(response.body) > DOCUMENT_MAXSIZE:
        return {}
    return {"browser_document": {"url": response.url, "status": 200,
                                 "headers": fulfill_headers(response), "body": response.body}}


class BrowserReference:
    """Spider component: render_request, parse_rendered, the answers catcher."""

    def reference_due(self, portal_id: str) -> bool:
        return self.settings.getbool("BROWSER_REFERENCE", True) and self.session.discovery.get(portal_id) == "full"

    def render_request(self, meta: dict, url: str, reference: bool = False, response=None):
        """The list page again, in Chromium, kept open to click its pager. Once per column.
        With the static answer of that page (`response`), the browser renders those bytes —
        the capture already archived — instead of asking the host for them again."""
        portal_id = meta["portal"]
        column_url = meta.get("column_url", url)
        if (portal_id, column_url) in self._rendered:
            return None
        if not self._browser_budget(portal_id, url):
            return None
        self._rendered.add((portal_id, column_url))
        answers: list = []
        target = url + (f"#{meta['fragment']}" if meta.get("fragment") else "")
        return scrapy.Request(
            target, callback=self.parse_rendered, errback=self.on_render_error, dont_filter=True,
            meta={"portal": portal_id, "hops": meta.get("hops", 0), "column": True, "reference": reference,
                  "column_url": column_url, "answers": answers, "cookiejar": portal_id,
                  **self.browser_meta(portal_id, answers, list_page=True),
                  **browser_document(response, url)})

    def _browser_budget(self, portal_id: str, url: str) -> bool:
        """BROWSER_PORTAL_RENDERS pages rendered per portal at most; the limit is recorded."""
        limit = self.settings.getint("BROWSER_PORTAL_RENDERS", 40)
        if self.session.stats.get(portal_id, {}).get("browser_renders", 0) >= limit:
            if portal_id not in self.limits:
                self.limits[portal_id] = f"BROWSER_PORTAL_RENDERS ({limit}) reached"
                self.session.error(portal_id, url, "limit",
                                   f"BROWSER_PORTAL_RENDERS of {limit} reached: further pages not rendered")
            return False
        self.session.count(portal_id, "browser_renders")
        return True

    def browser_meta(self, portal_id: str, answers: list, sources: list | None = None,
                     list_page: bool = False) -> dict:
        extra = {"playwright_page_init_callback": keep_what_it_shows} if list_page else {}
        return {"playwright": True, "playwright_include_page": True, **extra,
                "playwright_page_event_handlers": {"response": self._answer_catcher(portal_id, answers, sources)},
                # the list arrives after `load`: wait until its requests are done
                "playwright_page_goto_kwargs": {"wait_until": "networkidle"}}

    def _answer_catcher(self, portal_id: str, answers: list, sources: list | None = None):
        """A Playwright `response` handler: each XHR/fetch/JSONP answer and each document
        after the first (a frame, a form post, a later page) is captured to WARC; report
        links in it are kept for the callback; `sources` collects the GET answers' URLs."""
        first_document: list = []

        async def catch(response):
            try:
                kind = response.request.resource_type
                jsonp = kind == "script" and re.search(r"[?&](callback|jsonp|cb)=", response.url)
                if kind == "document" and not first_document and response.frame.parent_frame is None:
                    first_document.append(response.url)  # the page itself: captured by the middleware
                    return
                if not (kind in ("xhr", "fetch", "document") or jsonp) or not (200 <= response.status < 300):
                    return
                if not in_scope(self.portals[portal_id], response.url, any_path=True):
                    return
                body = await response.body()
                headers = list((await response.all_headers()).items())
                content_type = response.headers.get("content-type", "")
                _, new = self.session.capture.store(response.url, body, status=response.status,
                                                    headers=headers, content_type=content_type)
                self.session.count(portal_id, "bytes", len(body))
                self.session.count(portal_id, "captures_new", int(new))
                if sources is not None and response.request.method == "GET" and kind != "document":
                    sources.append(response.url)
                if kind == "document":
                    answers.extend(discover.links(body.decode("utf-8", "replace"), response.url))
                else:
                    answers.extend(discover.answer_links(body, content_type, response.frame.url))
            except Exception as exc:  # a closed page, an aborted request: the DOM still counts
                self.logger.debug("browser answer not read: %s", exc)
        return catch

    async def frames_html(self, page) -> list[tuple[str, str]]:
        """(URL, DOM) of the page and of every frame in it that belongs to the portal; the DOM
        as composed on the screen (shadow roots' content inside their hosts)."""
        out = []
        for frame in page.frames:  # all frames, nested ones included
            if frame is not page.main_frame and not frame.url.startswith("http"):
                continue
            try:
                out.append((frame.url, await composed_html(frame)))
            except Exception:  # a frame navigating away
                continue
        return out

    async def parse_rendered(self, response):
        """Report links of the rendered column: from every frame's DOM and the answers its
        scripts received, page after page, clicking its pager."""
        page = response.meta["playwright_page"]
        portal_id = response.meta["portal"]
        portal = self.portals[portal_id]
        column = response.meta["column_url"]
        answers = response.meta["answers"]
        limit = self.settings.getint("BROWSER_LIST_PAGES")
        meta = dict(response.meta, column=False)  # the pager is clicked here, not followed
        listed: set = set()  # report links the pages so far showed
        try:
            for n in range(limit):
                await self._scroll_to_end(page)
                frames = [(url, html) for url, html in await self.frames_html(page)
                          if in_scope(portal, url, any_path=True)]
                found = list(answers)
                del answers[:]
                for k, (url, html) in enumerate(frames):
                    if n or k:  # later pages and frames exist whole only in the browser: kept too
                        _, new = self.session.capture.store(
                            f"{url.split('#')[0]}#page={n + 1}" if n else url, html.encode("utf-8"),
                            content_type="text/html; charset=utf-8", rendered=True)
                        self.session.count(portal_id, "captures_new", int(new))
                    found += discover.links(html, url)
                # the pager is clicked here: its links are not columns of their own
                found = [(href, label) for href, label in found if not discover.is_pager(label, href, response.url)]
                for request in self.requests_from_links(found, meta, route="browser"):
                    yield request
                reports = {href.split("#")[0] for href, label in found if discover.is_report_link(label, True)}
                if n and not reports - listed:
                    # past the end (an empty page, the last one again): a pager that never ends
                    self.routes.note(portal_id, column, "browser", f"list ended at page {n + 1}: no new report link")
                    break
                listed |= reports
                pager = await self._find_next(page, portal)
                if pager is None:
                    break
                frame, how = pager
                if n == limit - 1:
                    if response.meta.get("reference"):
                        # only the check stops here: the static routes read the list
                        self.routes.note(portal_id, column, "browser", f"stopped at BROWSER_LIST_PAGES ({limit})")
                        break
                    self.limits.setdefault(portal_id, f"BROWSER_LIST_PAGES ({limit}) reached")
                    self.session.error(portal_id, response.url, "limit",
                                       f"BROWSER_LIST_PAGES of {limit} reached: the rest of the list was not read")
                    break
                before = self._fingerprint(frames)
                page._gra_clicking = True  # the pager may navigate the page: a person's click
                try:
                    await frame.locator("[data-gra-next]").first.click(timeout=5000)
                    changed = await self._changed(page, portal, before, answers)
                finally:
                    page._gra_clicking = False
                if not changed:
                    break
                self.routes.note(portal_id, column, "browser", f"page {n + 2} by {how}")
            # one year's list at a time: each year tab clicked (crawler/spiders/tabs.py)
            async for request in read_year_tabs(self, page, portal, response, meta, answers):
                yield request
        except Exception as exc:
            if response.meta.get("reference"):  # only the check stopped: the static routes read the list
                self.routes.note(portal_id, column, "browser", f"stopped: {type(exc).__name__}: {str(exc)[:120]}")
            else:
                self.session.error(portal_id, response.url, "render", f"{type(exc).__name__}: {exc}")
        finally:
            await page.close()
        if not self.routes.count(portal_id, column, "browser"):
            self.routes.failed(portal_id, column, "browser: no report links")

    async def _scroll_to_end(self, page, rounds: int = 8) -> None:
        """Scroll to the bottom as a reader does while new rows keep appearing (lists that load
        on scroll or when their end comes into view): at most `rounds` scrolls. After a scroll
        the page is given 300 ms to ask for more; what it asked for is awaited (≤ 5 s) and
        then its rows; a scroll that asks for nothing and grows nothing ends it."""
        measure = "() => [document.body ? document.body.scrollHeight : 0, document.querySelectorAll('a').length]"
        pending: set = set()
        started = lambda request: pending.add(request)  # noqa: E731
        done = lambda request: pending.discard(request)  # noqa: E731
        page.on("request", started)
        page.on("requestfinished", done)
        page.on("requestfailed", done)
        try:
            before = await page.evaluate(measure)
            for _ in range(rounds):
                await page.evaluate("() => window.scrollTo(0, document.body ? document.body.scrollHeight : 0)")
                await page.wait_for_timeout(300)
                for _ in range(50):
                    if not pending:
                        break
                    await page.wait_for_timeout(100)
                await page.wait_for_timeout(100)  # the answer's rows drawn
                after = await page.evaluate(measure)
                if after == before:
                    return
                before = after
        except Exception as exc:  # a page navigating away: what it showed still counts
            self.logger.debug("scroll stopped: %s", exc)
        finally:
            for event, handler in (("request", started), ("requestfinished", done), ("requestfailed", done)):
                page.remove_listener(event, handler)

    async def _find_next(self, page, portal):
        """(frame, how) of the pager's next control, or None (none, or disabled)."""
        for frame in page.frames:
            if not in_scope(portal, frame.url, any_path=True):
                continue
            try:
                found = await frame.evaluate(_FIND_NEXT, NEXT_TEXT)
            except Exception:
                continue
            if found and found.get("disabled"):
                return None
            if found:
                return frame, found["how"]
        return None

    @staticmethod
    def _fingerprint(frames) -> frozenset:
        return frozenset(link for url, html in frames for link in discover.links(html, url))

    async def _changed(self, page, portal, before: frozenset, answers: list) -> bool:
        """Wait (≤ 5 s) until the list shows other records after a click."""
        for _ in range(50):
            await page.wait_for_timeout(100)
            try:
                frames = [(u, h) for u, h in await self.frames_html(page) if in_scope(portal, u, any_path=True)]
            except Exception:  # navigating (a form post, a link)
                continue
            if self._fingerprint(frames) - before:
                await page.wait_for_timeout(100)  # let the answer's handler finish
                return True
        return bool(answers)

    async def on_render_error(self, failure):
        page = failure.request.meta.get("playwright_page")
        if page is not None:
            await page.close()
        self.on_error(failure)
