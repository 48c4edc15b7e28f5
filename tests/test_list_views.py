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


async def _read(urls: list[str], click_next: bool = False) -> list[list[tuple[str, str]]]:
    """The links of each page as composed on the screen, in one browser; `click_next`: then
    the pager's next control found as rendering.py finds it (_FIND_NEXT) clicked, and the
    links read again."""
    from playwright.async_api import async_playwright

    from crawler.spiders.rendering import _FIND_NEXT, NEXT_TEXT

    out = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        try:
            for url in urls:
                context = await browser.new_context()
                # the crawl's browser has no network of its own (its requests go through Scrapy):
                # here Playwright's driver fetches them
                await context.route("**/*", lambda route: _through(route))
                page = await context.new_page()
                await keep_what_it_shows(page, None)  # the list pages' init callback
                await page.goto(url, wait_until="networkidle")
                links = discover.links(await composed_html(page.main_frame), page.url)
                if click_next:
                    assert await page.main_frame.evaluate(_FIND_NEXT, NEXT_TEXT)
                    await page.locator("[data-gra-next]").first.click(timeout=5000)
                    await page.wait_for_timeout(200)
                    links += discover.links(await composed_html(page.main_frame), page.url)
                out.append(links)
                await context.close()
        finally:
            await browser.close()
    return out


SHADOW_CASES = list(itertools.product(["open", "closed"], ["flat", "nested", "slotted"]))


def test_list_in_shadow_roots_is_read():
    """Every mode × shape (SHADOW_CASES), one page each, one browser."""
    organ = "武义县人民政府"
    routes, expected = {}, {}
    for n, (mode, shape) in enumerate(SHADOW_CASES):
        rows = [(f"/s{n}/xxgknb/{y + 1}02/t{y + 1}0201_{60 + k}.html", TITLE.format(o=organ, y=y))
                for k, y in enumerate((2023, 2022, 2021))]
        routes[f"/s{n}/xxgknb/"] = Answer(200, _page(shadow_list(mode, shape, rows)))
        expected[f"/s{n}/xxgknb/"] = rows
    site = Site(routes, host="127.0.0.61").start()
    try:
        got = asyncio.run(_read([site.base + p for p in expected]))
    finally:
        site.stop()
    bad = []
    for case, rows, links in zip(SHADOW_CASES, expected.values(), got):
        found, want = dict(links), {site.base + p: t for p, t in rows}
        if {u: found.get(u) for u in want} != want:
            bad.append((case, links))
    assert not bad, bad


def test_page_without_shadow_roots_reads_as_its_content():
    body = '<ul><li><a href="/a.html">某县2023年政府信息公开工作年度报告</a></li></ul>'
    site = Site({"/": Answer(200, _page(body))}, host="127.0.0.61").start()
    try:
        [found] = asyncio.run(_read([site.base + "/"]))
    finally:
        site.stop()
    assert found == [(site.base + "/a.html", "某县2023年政府信息公开工作年度报告")]


@pytest.mark.parametrize("mode", ["open", "closed"])
def test_pager_inside_a_shadow_root_is_clicked(mode):
    """The list and its 下一页 both drawn in a closed or open shadow root."""
    pages = [[(f"/nb/{y}.html", TITLE.format(o="某县人民政府", y=y)) for y in ys] for ys in ((2024, 2023), (2022, 2021))]
    data = json.dumps(pages, ensure_ascii=False)
    body = ('<gov-list></gov-list><script>var pages=' + data + ';customElements.define("gov-list",class extends '
            'HTMLElement{constructor(){super();var root=this.attachShadow({mode:"' + mode + '"});var n=0;'
            'function draw(){root.innerHTML="<ul>"+pages[n].map(function(r){return "<li><a href=\\""+r[0]+"\\">"+r[1]'
            '+"</a></li>";}).join("")+"</ul><div class=pager><span class=next>下一页</span></div>";'
            'root.querySelector(".next").addEventListener("click",function(){n=1;draw();});}draw();}});</script>')
    site = Site({"/nb/": Answer(200, _page(body))}, host="127.0.0.61").start()
    try:
        [found] = asyncio.run(_read([site.base + "/nb/"], click_next=True))
    finally:
        site.stop()
    assert {u for u, _ in found} >= {site.base + p for rows in pages for p, _ in rows}, found


# year tabs (crawler/spiders/tabs.py): the control, its words, where the year's list comes from
TAB_CONTROLS = {
    "span-onclick": '<span class="tab" onclick="show({y})">{w}</span>',
    "li-onclick": '<li onclick="show({y})">{w}</li>',
    "hash-link": '<a href="#" onclick="show({y});return false">{w}</a>',
    "javascript-link": '<a href="javascript:show({y})">{w}</a>',
    "button": '<button type="button" onclick="show({y})">{w}</button>',
    "listener": '<em data-y="{y}">{w}</em>',
}
TAB_WORDS = ["{y}", "{y}年", "{y}年度", "{y}年报", " {y} 年 "]
# each control with two of the words, its list from inline data and from an API
TAB_CASES = [(c, TAB_WORDS[(2 * i + j) % len(TAB_WORDS)], source) for i, c in enumerate(TAB_CONTROLS)
             for j, source in enumerate(["inline", "api"])]


def year_tabs_page(control: str, words: str, source: str, years, rows: dict) -> tuple[bytes, dict]:
    """A list page showing the first year's list; the other years by clicking their tab."""
    tabs = "".join(TAB_CONTROLS[control].format(y=y, w=words.format(y=y)) for y in years)
    draw = ('function draw(l){document.getElementById("list").innerHTML=l.map(function(r){'
            'return "<li><a href=\\""+r[0]+"\\">"+r[1]+"</a></li>";}).join("");}')
    routes = {}
    if source == "inline":
        data = "{" + ",".join(f"{y}:[[{_pieces(p)},{json.dumps(t, ensure_ascii=False)}]]" for y, (p, t) in rows.items()) + "}"
        show = f"var data={data};function show(y){{draw(data[y]);}}"
    else:
        for y, r in rows.items():
            routes[f"api/list?year={y}"] = Answer(200, json.dumps({"list": [list(r)]}).encode(),
                                                   content_type="application/json")
        show = 'function show(y){fetch("api/list?year="+y).then(function(r){return r.json();}).then(function(d){draw(d.list);});}'
    listen = ('document.querySelectorAll("em[data-y]").forEach(function(e){e.addEventListener("click",function(){'
              'show(+e.dataset.y);});});' if control == "listener" else "")
    body = (f'<ul class="tabs">{tabs}</ul>' if control == "li-onclick" else f'<div class="tabs">{tabs}</div>')
    body += f'<ul id="list"></ul><script>{draw}{show}{listen}show({years[0]});</script>'
    return _page(body), routes


async def _read_tabs(urls: list[str]) -> list[tuple[list, set]]:
    """For each page, in one browser: its year tabs' labels and the links seen after
    clicking each in turn."""
    from playwright.async_api import async_playwright

    from crawler.spiders.tabs import click_tab, find_tabs

    out = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        try:
            for url in urls:
                context = await browser.new_context()
                await context.route("**/*", lambda route: _through(route))
                page = await context.new_page()
                await keep_what_it_shows(page, None)
                await page.goto(url, wait_until="networkidle")
                labels = await find_tabs(page.main_frame)
                seen = set(discover.links(await composed_html(page.main_frame), page.url))
                for i in range(len(labels)):
                    assert await click_tab(page.main_frame, i)
                    await page.wait_for_load_state("networkidle")
                    await page.wait_for_timeout(100)
                    seen |= set(discover.links(await composed_html(page.main_frame), page.url))
                out.append((labels, seen))
                await context.close()
        finally:
            await browser.close()
    return out


def test_each_year_tab_clicked_and_its_list_read():
    """Every control × words × source spelling (TAB_CASES), one page each, one browser."""
    organ, years = "永康市人民政府", [2024, 2023, 2022]
    routes, expected = {}, {}
    for n, (control, words, source) in enumerate(TAB_CASES):
        rows = {y: (f"/c{n}/ndbg/{y}/art_{8800 + k}.html", TITLE.format(o=organ, y=y)) for k, y in enumerate(years)}
        body, api = year_tabs_page(control, words, source, years, rows)
        # a link to another page labelled with a year is navigation, followed as a link: not a tab
        body = body.replace(b"</body>", f'<p><a href="/c{n}/ndbg/2019/">2019</a></p></body>'.encode())
        # a column of dates reading a year is not one tab per row: each year is clicked once
        dates = "".join(f"<tr><td>通知{k}</td><td>{y}</td></tr>" for k, y in enumerate([2024, 2023, 2024, 2022]))
        body = body.replace(b"</body>", f"<table>{dates}</table></body>".encode())
        routes[f"/c{n}/ndbg/"] = Answer(200, body)
        routes.update({f"/c{n}/ndbg/{k}": v for k, v in api.items()})  # the page's API, relative
        expected[f"/c{n}/ndbg/"] = rows
    site = Site(routes, host="127.0.0.61").start()
    try:
        got = asyncio.run(_read_tabs([site.base + p for p in expected]))
    finally:
        site.stop()
    bad = []
    for case, (path, rows), (labels, seen) in zip(TAB_CASES, expected.items(), got):
        missing = {(site.base + p, t) for p, t in rows.values()} - seen
        if len(labels) != len(years) or missing:
            bad.append((case, labels, sorted(missing)))
    assert not bad, bad
