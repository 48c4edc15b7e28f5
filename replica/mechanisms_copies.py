"""Mechanism portals that publish one report twice: under a second column at another URL
(the same bytes, or a 转载 note added around it), or under a tracking query (`?from=list`).
The archive keeps one report row; a re-crawl must revalidate the copy like any known URL."""
from __future__ import annotations

from .mechanisms_site import list_items
from .variants import page, pager_pages


def build_republished(b, spelling: str) -> None:
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/c{9601 + i}.html")
    b.articles()
    first = pager_pages(b.w, "xxgk/ndbg", b.records, 2)
    original = [r for r in b.records if r["kind"] == "report"][2]  # (the first two are edited and removed)
    html = (b.out / b.rel(original["url"])).read_text(encoding="utf-8")
    copy = f"/zwgk/gknb/{original['year'] + 1}/t{original['year'] + 1}0120_1.html"
    if spelling == "query":
        copy = original["url"] + "?from=list"
    elif spelling == "reprint-note":
        html = html.replace('<div id="zoom">', '<p class="source">（转载自县人民政府办公室）</p><div id="zoom">', 1)
    if spelling != "query":
        b.w.write(copy, html)
    b.m.aliases[copy] = original["url"]
    b.w.write("zwgk/gknb/index.html", page("公开年报", '<ul class="list">' + list_items(
        [{"url": copy, "title": original["title"], "date": original["date"]}]) + "</ul>"))
    b.home(first)
    b.w.write("xxgk/index.html", page("信息公开", f'<ul><li><a href="{first}">政府信息公开年报</a></li>'
                                              '<li><a href="/zwgk/gknb/index.html">公开年报</a></li>'
                                              '<li><a href="/xxgk/zn.html">政府信息公开指南</a></li></ul>'))
    b.plan_changes()
