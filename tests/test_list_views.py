"""What a person sees on a list page, read in real Chromium from a real server on 127.0.0.x:
a list drawn inside shadow roots (open, closed, nested, slotted; URLs assembled by script),
read from the composed page (crawler/spiders/composed.py, through the list pages' init
callback crawler/spiders/rendering.py keep_what_it_shows)."""
from __future__ import annotations

import asyncio
import itertools
import json

import pytest

from crawler import discover
from crawler.settings import PLAYWRIGHT_LAUNCH_OPTIONS
from crawler.spiders.composed import composed_html
from crawler.spiders.rendering import keep_what_it_shows

from .world.server import Answer, Site

TITLE = "{o}{y}年政府信息公开工作年度报告"


def _page(body: str) -> bytes:
    return f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>年报</title></head><body>{body}</body></html>".encode()


def _pieces(path: str) -> str:
    """A URL assembled from pieces, as such scripts do: no whole URL in the page's bytes."""
    parts = [path[i:i + 5] for i in range(0, len(path), 5)]
    return "[" + ",".join(json.dumps(p) for p in parts) + "].join('')"


def shadow_list(mode: str, shape: str, rows: list[tuple[str, str]]) -> str:
    """A custom element whose list is in its shadow root: `flat`, `nested` (the list in the
    shadow root of an element inside the first's shadow root), or `slotted` (the root shows
    a slot; the links are in the host's own shadow root beside it)."""
    items = "+".join(f'"<li><a href=\\""+{_pieces(p)}+"\\">{t}</a></li>"' for p, t in rows)
    inner = f'"<ul>"+{items}+"</ul>"'
    if shape == "nested":
        return ('<gov-outer></gov-outer><script>'
                'customElements.define("gov-inner",class extends HTMLElement{constructor(){super();'
                f'this.attachShadow({{mode:"{mode}"}}).innerHTML={inner};}}}});'
                'customElements.define("gov-outer",class extends HTMLElement{constructor(){super();'
                f'this.attachShadow({{mode:"{mode}"}}).innerHTML="<div><gov-inner></gov-inner></div>";}}}});</script>')
    slot = '"<h3><slot></slot></h3>"+' if shape == "slotted" else ""
    return (f'<gov-list>{"<span>年度报告</span>" if shape == "slotted" else ""}</gov-list><script>'
            'customElements.define("gov-list",class extends HTMLElement{constructor(){super();'
            f'var root=this.attachShadow({{mode:"{mode}"}});root.innerHTML={slot}{inner};}}}});</script>')


async def _through(route):
    await route.fulfill(response=await route.fetch())


async def _read(url: str) -> list[tuple[str, str]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        try:
            context = await browser.new_context()
            # the crawl's browser has no network of its own (its requests go through Scrapy):
            # here Playwright's driver fetches them
            await context.route("**/*", lambda route: _through(route))
            page = await context.new_page()
            await keep_what_it_shows(page, None)  # the list pages' init callback
            await page.goto(url, wait_until="networkidle")
            return discover.links(await composed_html(page.main_frame), page.url)
        finally:
            await browser.close()


SHADOW_CASES = list(itertools.product(["open", "closed"], ["flat", "nested", "slotted"]))


@pytest.mark.parametrize("mode,shape", SHADOW_CASES, ids=[f"{m}-{s}" for m, s in SHADOW_CASES])
def test_list_in_shadow_roots_is_read(mode, shape):
    organ = "武义县人民政府"
    rows = [(f"/zwgk/xxgknb/{y + 1}02/t{y + 1}0201_{60 + k}.html", TITLE.format(o=organ, y=y))
            for k, y in enumerate((2023, 2022, 2021))]
    site = Site({"/zwgk/xxgknb/": Answer(200, _page(shadow_list(mode, shape, rows)))}, host="127.0.0.61").start()
    try:
        found = dict(asyncio.run(_read(site.base + "/zwgk/xxgknb/")))
    finally:
        site.stop()
    want = {site.base + p: t for p, t in rows}
    assert {u: found.get(u) for u in want} == want
    assert all(discover.is_report_link(t, True) for t in want.values())


def test_page_without_shadow_roots_reads_as_its_content():
    body = '<ul><li><a href="/a.html">某县2023年政府信息公开工作年度报告</a></li></ul>'
    site = Site({"/": Answer(200, _page(body))}, host="127.0.0.61").start()
    try:
        found = asyncio.run(_read(site.base + "/"))
    finally:
        site.stop()
    assert found == [(site.base + "/a.html", "某县2023年政府信息公开工作年度报告")]
