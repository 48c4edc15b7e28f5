"""Mechanism portals whose report pages are split over several pages (第1页 第2页 … 下一页
inside the article): `…_2.html`, TRS-style `index_1.html` in the article's folder, `?page=2`.
The report is the pages joined; the edit is made on a later page."""
from __future__ import annotations

from .variants import pager_pages, report_page

SPLIT_AT = ("<p><strong>三、", "<p><strong>四、")  # table 3 begins page 2; table 4 page 3


def _page_urls(url: str, spelling: str, n: int) -> list[str]:
    if spelling == "query":
        return [url] + [f"{url}?page={k}" for k in range(2, n + 1)]
    if spelling == "index":  # …/index.html, index_1.html, index_2.html
        return [url] + [url.replace("index.html", f"index_{k - 1}.html") for k in range(2, n + 1)]
    return [url] + [url.replace(".html", f"_{k}.html") for k in range(2, n + 1)]


def build_split(b, spelling: str) -> str:
    if spelling == "index":
        b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/art{9951 + i}/index.html")
    else:
        b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/c{9951 + i}.html")
    b.articles()
    edited_file = None
    for r in b.records:
        if r["kind"] != "report":
            continue
        first_report = edited_file is None
        whole = report_page(r["title"], b.m.organ, r["year"])
        head, zoom = whole.split('<div id="zoom">', 1)
        zoom, tail = zoom.split("</p></div>", 1)  # (the text ends with a paragraph)
        zoom += "</p>"
        cuts = SPLIT_AT[:1] if spelling == "query" else SPLIT_AT  # two pages, or three
        chunks, rest = [], zoom
        for cut in cuts:
            before, after = rest.split(cut, 1)
            chunks.append(before)
            rest = cut + after
        chunks.append(rest)
        urls = _page_urls(r["url"], spelling, len(chunks))
        for k, (url, chunk) in enumerate(zip(urls, chunks)):
            numbers = " ".join(f'<a href="{u}">第{j + 1}页</a>' if j != k else f"<span>第{j + 1}页</span>"
                               for j, u in enumerate(urls))
            following = f' <a href="{urls[k + 1]}">下一页</a>' if k + 1 < len(urls) else ""
            text = head + f'<div id="zoom">{chunk}</div><div class="pages">{numbers}{following}</div>' + tail
            # ?page=N: served from _pages/<path>.N (replica/mechanisms_site.py)
            file = b.rel(url) if k == 0 or spelling != "query" else f"{b.m.origin}/_pages{url.split('?')[0]}.{k + 1}"
            (b.out / file).parent.mkdir(parents=True, exist_ok=True)
            (b.out / file).write_text(text, encoding="utf-8")
            if "公开质量仍需提高" in chunk and first_report:  # (the first report is the one edited)
                assert k > 0, "the edit is made on a later page"
                edited_file = file
    first = pager_pages(b.w, "xxgk/ndbg", b.records, 2)
    b.plan_changes(edit_file=edited_file)
    return first
