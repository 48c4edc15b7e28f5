"""Mechanism portals whose reports no column links: the 年报 is reached only through the
portal's own search form (replica/mechanisms.py builds the portal, this module its pages;
replica/mechanisms_site.py answers the search). Also the scanned PDF a mechanism portal serves."""
from __future__ import annotations

import json

from .variants import page

# spelling -> where the form is, and the form a person fills (GET or POST, hidden fields)
SEARCH_FORMS = {
    # the homepage's 站内搜索 box, a GET with `q`
    "get": ("index.html", {"path": "/search/index.jsp", "input": "q", "hidden": {}},
            '<form action="/search/index.jsp" method="get" class="search"><input type="text" name="q" '
            'placeholder="请输入关键词"><button type="submit">搜索</button></form>'),
    # a POSTed search needing the site's hidden id (no id: HTTP 400)
    "post": ("index.html", {"path": "/search/result.do", "input": "searchWord", "hidden": {"siteId": "12"}},
             '<form action="/search/result.do" method="post" id="searchForm"><input type="hidden" name="siteId" '
             'value="12"><input type="text" name="searchWord" value=""><input type="submit" value="检索"></form>'),
    # the 信息公开 page's own 检索 form (a jsearch system: its URL looks like a trap)
    "xxgk": ("xxgk/index.html", {"path": "/xxgk/jsearch/search.jsp", "input": "keyword",
                                 "hidden": {"channelid": "ndbg"}},
             '<form action="/xxgk/jsearch/search.jsp" name="gkform"><input type="hidden" name="channelid" '
             'value="ndbg"><input name="keyword" placeholder="信息公开检索"><select name="sort">'
             '<option value="date" selected>按日期</option><option value="score">按相关度</option></select>'
             '<input type="submit" value="查询"></form>'),
}


def build_search(b, spelling: str) -> None:
    """The reports (and distractors) are only in the search's results: no page links them."""
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/s{9801 + i}.html")
    b.articles()
    b.data("list.json", b.plain())
    where, search, form = SEARCH_FORMS[spelling]
    b.w.write("_mech.json", json.dumps({"search": search}))
    home_form = form if where == "index.html" else ""
    xxgk_form = form if where != "index.html" else ""
    b.w.write("index.html", page(f"{b.m.organ}门户", f'<div class="head">{home_form}</div>'
                                 '<a href="xxgk/index.html">信息公开</a><a href="about.html">网站介绍</a>'))
    b.w.write("about.html", page("网站介绍", "<p>本站为复刻测试站点。</p>"))
    b.w.write("xxgk/index.html", page("信息公开", f'{xxgk_form}<ul><li><a href="/xxgk/zn.html">政府信息公开指南</a>'
                                              '</li></ul>'))
    b.w.write("xxgk/zn.html", page("政府信息公开指南", "<p>指南。</p>"))
    b.plan_changes()


def scanned_pdf() -> bytes:
    """A page of ruled boxes as a picture: a PDF with no text layer."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for k in range(12):
        draw.rectangle([100, 200 + k * 100, 1140, 290 + k * 100], outline=0, width=3)
        draw.line([600, 200 + k * 100, 600, 290 + k * 100], fill=0, width=3)
    out = BytesIO()
    image.save(out, "PDF", resolution=150)
    return out.getvalue()
