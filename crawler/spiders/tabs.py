"""Year tabs on a rendered list: one year's list shown at a time, the others by clicking a
tab a script handles (`<span onclick>`, `<li>`, a `#` link; the list from inline data or an
API). A person clicks each year; so does the crawl: every visible control whose own words are
a year (2023, 2023年, 2023年度, 2023年报, 2023年度报告) and that is not a link to another
page (followed as a link already) is clicked once, and the page's links are read after each
click. At most BROWSER_TAB_CLICKS clicks a list page; the rest is recorded (stage `limit`)."""
from __future__ import annotations

from .. import discover
from ..seeds import in_scope
from .composed import DEEP_QUERY

# Marks each year tab (innermost element with the year as its own words), in page order,
# one per year (a column of dates reading 2023 is not twenty tabs); returns their labels.
_FIND_TABS = """(pattern) => {
  """ + DEEP_QUERY + """
  const rx = new RegExp(pattern);
  const words = (e) => (e.textContent || '').replace(/\\s+/g, '');
  const out = [], years = new Set();
  deep('[data-gra-tab]').forEach((e) => e.removeAttribute('data-gra-tab'));
  const els = deep('a, button, span, li, div, em, td, th, label, b, strong, p, dd, dt');
  for (const e of els) {
    const text = words(e);
    if (!rx.test(text)) continue;
    if (Array.from(e.children).some((c) => rx.test(words(c)))) continue;  // the innermost one
    if (e.tagName === 'A') {
      const href = (e.getAttribute('href') || '').trim().toLowerCase();
      if (href && href !== '#' && !href.startsWith('javascript:') && !href.startsWith('#')) continue;
    }
    const style = getComputedStyle(e);
    if (style.display === 'none' || style.visibility === 'hidden' || !e.getClientRects().length) continue;
    const year = text.match(/(19|20)\\d{2}/)[0];
    if (years.has(year)) continue;
    years.add(year);
    e.setAttribute('data-gra-tab', String(out.length));
    out.push(text);
  }
  return out;
}"""
TAB_TEXT = r"^[（(]?(19|20)\d{2}(年度?|年报|年度报告)?[)）]?$"


async def find_tabs(frame) -> list[str]:
    """Labels of the year tabs of the frame, each marked `data-gra-tab=<index>`."""
    try:
        return await frame.evaluate(_FIND_TABS, TAB_TEXT)
    except Exception:  # a frame navigating away: no tabs
        return []


async def click_tab(frame, index: int) -> bool:
    """Click the index-th tab as a person does; False when it is gone or cannot be clicked."""
    try:
        await frame.locator(f'[data-gra-tab="{index}"]').first.click(timeout=3000)
        return True
    except Exception:
        return False


async def read_year_tabs(spider, page, portal: dict, response, meta: dict, answers: list):
    """Click each year tab of the rendered list (crawler/spiders/rendering.py parse_rendered)
    and yield the requests for the links each year shows (its DOM, its API answers)."""
    portal_id, column = meta["portal"], meta["column_url"]
    limit = spider.settings.getint("BROWSER_TAB_CLICKS", 20)
    clicks, seen, showed_more = 0, set(), False
    for frame in list(page.frames):
        if not in_scope(portal, frame.url, any_path=True):
            continue
        labels = await find_tabs(frame)
        for index, label in enumerate(labels):
            if clicks >= limit:
                _record_limit(spider, response, meta, limit, len(labels) - index, showed_more)
                return
            frames = await _frames(spider, page, portal)
            before = spider._fingerprint(frames)
            seen |= before
            if not await click_tab(frame, index):
                continue
            clicks += 1
            frames = await _settle(spider, page, portal, before)
            found = list(answers)
            del answers[:]
            for url, html in frames:
                found += discover.links(html, url)
            new = [(href, text) for href, text in found if (href, text) not in seen
                   and not discover.is_pager(text, href, response.url)]
            seen |= set(found)
            if not new:
                continue
            showed_more = True
            for url, html in frames[:1]:  # what the year shows exists whole only in the browser
                _, stored = spider.session.capture.store(f"{url.split('#')[0]}#tab={label}", html.encode("utf-8"),
                                                         content_type="text/html; charset=utf-8", rendered=True)
                spider.session.count(portal_id, "captures_new", int(stored))
            spider.routes.note(portal_id, column, "browser", f"year tab {label} clicked")
            for request in spider.requests_from_links(new, meta, route="browser"):
                yield request


async def _frames(spider, page, portal) -> list[tuple[str, str]]:
    return [(u, h) for u, h in await spider.frames_html(page) if in_scope(portal, u, any_path=True)]


async def _settle(spider, page, portal, before: frozenset, quiet_ms: int = 1000, most_ms: int = 5000):
    """The frames once the click's list is drawn: its links changed, or no request pending
    for `quiet_ms` (a tab already shown), at most `most_ms`."""
    pending: set = set()
    started = lambda request: pending.add(request)  # noqa: E731 — Playwright wraps functions, not builtins
    done = lambda request: pending.discard(request)  # noqa: E731
    handlers = {"request": started, "requestfinished": done, "requestfailed": done}
    for event, handler in handlers.items():
        page.on(event, handler)
    frames: list = []
    try:
        quiet = 0
        for _ in range(most_ms // 100):
            await page.wait_for_timeout(100)
            try:
                frames = await _frames(spider, page, portal)
            except Exception:  # navigating
                continue
            if spider._fingerprint(frames) - before:
                await page.wait_for_timeout(100)  # the answer's handler done
                return await _frames(spider, page, portal)
            quiet = 0 if pending else quiet + 100
            if quiet >= quiet_ms:
                break
    finally:
        for event, handler in handlers.items():
            page.remove_listener(event, handler)
    return frames


def _record_limit(spider, response, meta: dict, limit: int, left: int, showed_more: bool) -> None:
    """An error when the tabs were showing what the page alone does not hold (a reference
    render included: the static routes cannot read those years); else a note."""
    portal_id, column = meta["portal"], meta["column_url"]
    if meta.get("reference") and not showed_more:  # every year's list is in the page: only the check stopped
        spider.routes.note(portal_id, column, "browser", f"stopped at BROWSER_TAB_CLICKS ({limit})")
        return
    spider.limits.setdefault(portal_id, f"BROWSER_TAB_CLICKS ({limit}) reached")
    spider.session.error(portal_id, response.url, "limit",
                         f"BROWSER_TAB_CLICKS of {limit} reached: {left} year tabs of the list not clicked")
