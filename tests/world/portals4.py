"""Round 4 of the world's portals: publication mechanisms rounds 1–3 (portals.py,
portals3.py) and replica/mechanisms*.py do not build.

- pdfjs-viewer: the list links a pdf.js viewer (`viewer.html?file=/upload/x.pdf`, the file
  percent-encoded, or a full URL) or a kkFileView preview (`onlinePreview?url=<base64>`);
  the report is the PDF only the viewer's script fetches.
- shadow-dom: the list drawn by a custom element inside its shadow root (open or closed),
  URLs assembled by script from pieces.
- year-tabs: one year's list visible at a time, the others by clicking a tab (`<span>`,
  no link): lists from an inline object, from an API, or all in the page and hidden.
- pinned: 【置顶】 old items (a 2019 report, a notice) on top of every page of a
  date-sorted list.
- series-column: one column listing several series — the 年度报告 and 政务公开工作要点,
  部门预算, 统计公报, a 国企's 年度报告, 政府网站工作年度报表, 法治政府建设年度报告,
  行政执法统计年报, a 解读 — only the reports are reports.
- correction: a report republished as （更正版） with one cell changed beside a 更正说明
  notice; or only the 更正说明 naming the changed figure (the report stays).
- dept-table: a table of department reports on the government's column, the department in
  its own cell and the link text without an organ.
- xhtml-pages: every page XHTML 1.0 behind an XML declaration naming its encoding
  (`<?xml version="1.0" encoding="utf-8"?>`, or gb2312 over GBK bytes).
- embedded-pdf: the report page shows its PDF in an `<iframe>`, `<embed>`, `<object>` or
  by PDFObject.embed() (a script).
- page-images: the report as one image per page in its article (OCR; `WORLD_CASES=all`).
- zip-bundle: the departments' reports as one zip of DOCX files (names in GBK without the
  UTF-8 flag, as Windows makes them, or UTF-8).
- scripted-second-column: the government's reports in a static list, the departments' in a
  second column a script draws.
- title-variants: report titles in other spellings (关于…工作情况的报告, …工作2023年度报告,
  …年报, （2023年）, 政务公开工作年度报告, （附件下载）).
- feed-only: the column shows the last two reports, the rest only in the RSS feed it links
  (a visible RSS订阅 link) or in the sitemap robots.txt names.

Each case knows its truth as in portals3.py (Report path + spellings, organ, year, label);
`case.pdfs` lists (path, html) whose bytes are Chromium's print of the page (printed by the
test's fixture, not at import); `case.expected` maps a path to a label dict when the
report's cells differ from its label (the corrected copy).
"""
from __future__ import annotations

import base64
import copy
import html
import json
import random
import re
from urllib.parse import quote

from ..conftest import label
from ..layouts import to_html
from .portals import Builder, Case, Report, li, page, report_body, report_title
from .portals3 import SELF, _bound, _label_for
from .server import Answer, Site

PDF_TYPE = "application/pdf"
B64 = "__B64__"  # __B64__/path__B64__: quote(base64("http://host:port/path")) once served


def _pdf_report(b: Builder, path: str, year: int, organ: str | None = None) -> Report:
    """A report published as a PDF (Chromium's print of the report page, made by the test)."""
    organ = organ or b.case.organ
    name = _label_for(b, year)
    lab = copy.deepcopy(label(name))
    lab["agency"], lab["report_year"] = organ, year
    b.case.pdfs.append((path, to_html(lab)))
    rep = Report(path, name, organ, year)
    b.case.reports.append(rep)
    return rep


def pdfjs_viewer(b: Builder, spelling: str):
    """Links to a viewer page whose script fetches the file named in its query."""
    col = "/xxgk/zfxxgknb/index.html"
    viewer = ('<div id="outerContainer"><div id="toolbar">第 <span id="pageNumber">1</span> 页</div>'
              '<div id="viewerContainer"><div id="viewer" class="pdfViewer">正在加载…</div></div></div>'
              '<script>var q=new URLSearchParams(location.search);var f=q.get("file")||'
              '(q.get("url")?decodeURIComponent(escape(atob(q.get("url")))):"");'
              'fetch(f).then(function(r){return r.arrayBuffer();}).then(function(a){'
              'document.getElementById("viewer").textContent="PDF "+a.byteLength+" 字节";});</script>')
    b.add("/static/pdfjs/web/viewer.html", page("PDF.js viewer", viewer))
    b.add("/onlinePreview", page("kkFileView 文件预览", viewer))
    items = []
    for i, year in enumerate(b.years[:3]):
        pdf = f"/upload/{year + 1}/01/P0{year + 1}0120{i}86.pdf"
        rep = _pdf_report(b, pdf, year)
        href = {"plain": f"/static/pdfjs/web/viewer.html?file={pdf}",
                "encoded": f"/static/pdfjs/web/viewer.html?file={quote(pdf, safe='')}",
                "full-url": f"/static/pdfjs/web/viewer.html?file={quote('http://' + SELF + pdf, safe='')}",
                "kkfileview": f"/onlinePreview?url={B64}{pdf}{B64}"}[spelling]
        rep.also = (href,)
        items.append(li(html.escape(href), report_title(b.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def _pieces(path: str) -> str:
    """A path as a JS expression of pieces (no URL in the page's text)."""
    cut = [path[:5], path[5:11], path[11:]]
    return "+".join(json.dumps(c) for c in cut)


def shadow_dom(b: Builder, spelling: str):
    """A custom element draws the list inside its shadow root (open or closed)."""
    col = "/zwgk/xxgknb/"
    rows = []
    for i, year in enumerate(b.years[:3]):
        path = f"/zwgk/xxgknb/{year + 1}02/t{year + 1}0201_{61 + i}.html"
        b.report(path, year)
        rows.append(f"[{_pieces(path)},{json.dumps(report_title(b.case.organ, year), ensure_ascii=False)}]")
    script = ('<gov-article-list></gov-article-list><script>var rows=[' + ",".join(rows) + '];'
              'customElements.define("gov-article-list",class extends HTMLElement{constructor(){super();'
              f'var root=this.attachShadow({{mode:"{spelling}"}});'
              'root.innerHTML="<style>li{list-style:none}</style><ul>"+rows.map(function(r){'
              'return "<li><a href=\\""+r[0]+"\\">"+r[1]+"</a></li>";}).join("")+"</ul>";}});</script>')
    b.add(col, page("政府信息公开年报", script))
    b.home(col, "信息公开年报")
    b.case.needs_browser = True


def year_tabs(b: Builder, spelling: str):
    """Year tabs (<span onclick>, no link): one year's list visible at a time."""
    col = "/xxgk/ndbg/index.html"
    years = b.years[:4]
    by_year = {}
    for i, year in enumerate(years):
        organ = b.case.organ if i % 2 == 0 else b.case.organ.replace("人民政府", "人民政府办公室")
        path = f"/xxgk/ndbg/{year}/art_{8800 + i}.html"
        b.report(path, year, organ=organ)
        by_year[year] = [[path, report_title(organ, year)]]
    tabs = "".join(f'<span class="tab" data-y="{y}" onclick="show({y})">{y}年</span>' for y in years)
    draw = ('function draw(list){document.getElementById("list").innerHTML=list.map(function(r){'
            'return "<li><a href=\\""+r[0]+"\\">"+r[1]+"</a></li>";}).join("");}')
    if spelling == "inline":
        data = {y: [[_pieces_js(p), t] for p, t in v] for y, v in by_year.items()}
        js = ("var data={" + ",".join(f"{y}:[" + ",".join(f"[{p},{json.dumps(t, ensure_ascii=False)}]" for p, t in v)
                                     + "]" for y, v in data.items()) + "};" + draw
              + "function show(y){draw(data[y]);}show(" + str(years[0]) + ");")
        body = f'<div class="tabs">{tabs}</div><ul id="list"></ul><script>{js}</script>'
    elif spelling == "api":
        for y, v in by_year.items():
            b.add(f"/api/ndbg/list?year={y}", json.dumps({"list": v}, ensure_ascii=False),
                  content_type="application/json; charset=utf-8")
        js = (draw + 'function show(y){fetch("/api/ndbg/list?year="+y).then(function(r){return r.json();})'
              '.then(function(d){draw(d.list);});}show(' + str(years[0]) + ');')
        body = f'<div class="tabs">{tabs}</div><ul id="list"></ul><script>{js}</script>'
    else:  # hidden: every year's list in the page, all but one display:none
        lists = "".join(f'<ul class="y" id="y{y}" style="display:{"block" if k == 0 else "none"}">'
                        + "".join(li(p, t) for p, t in v) + "</ul>" for k, (y, v) in enumerate(by_year.items()))
        js = ('function show(y){document.querySelectorAll("ul.y").forEach(function(u){u.style.display='
              'u.id=="y"+y?"block":"none";});}')
        body = f'<div class="tabs">{tabs}</div>{lists}<script>{js}</script>'
    b.add(col, page("政府信息公开工作年度报告", body))
    b.home(col, "年度报告")
    b.case.needs_browser = spelling != "hidden"


def _pieces_js(path: str) -> str:
    return _pieces(path)


def pinned(b: Builder, spelling: str):
    """【置顶】 items (the 2019 report, a notice) on top of every page of a date-sorted list;
    pages `index_N.html` or `?page=N`."""
    col = "/col/col4471/index.html"
    old = "/art/2020/1/15/art_4471_1019.html"
    b.report(old, 2019)
    notice = "/art/2019/3/1/art_4471_900.html"
    b.distractor(notice, f"关于做好{b.case.organ}政府信息公开工作年度报告编制发布工作的通知")
    top = (f'<li class="top"><b>【置顶】</b><a href="{old}">{html.escape(report_title(b.case.organ, 2019))}</a>'
           f'<span>2020-01-15</span></li>'
           f'<li class="top"><b>【置顶】</b><a href="{notice}">关于做好{html.escape(b.case.organ)}政府信息公开工作年度报告'
           f'编制发布工作的通知</a><span>2019-03-01</span></li>')
    news = []
    for i, year in enumerate(range(2024, 2019, -1)):
        path = f"/art/{year + 1}/1/2{i}/art_4471_{2000 + i}.html"
        b.report(path, year)
        news.append(f'<li><a href="{path}">{html.escape(report_title(b.case.organ, year))}</a><span>{year + 1}-01-2{i}</span></li>')
        for j in range(2):  # other news of the column between the reports
            n = f"/art/{year + 1}/3/{j + 1}/art_4471_{3000 + 10 * i + j}.html"
            b.add(n, page("工作动态", f"<p>{year + 1}年政务公开工作动态{j}</p>"))
            news.append(f'<li><a href="{n}">{year + 1}年政务公开工作动态（{j + 1}）</a><span>{year + 1}-03-0{j + 1}</span></li>')
    per = 5
    chunks = [news[k:k + per] for k in range(0, len(news), per)]
    for k, chunk in enumerate(chunks):
        url = col if k == 0 else {"index": f"/col/col4471/index_{k}.html", "query": f"{col}?page={k + 1}"}[spelling]
        nxt = ({"index": f"/col/col4471/index_{k + 1}.html", "query": f"{col}?page={k + 2}"}[spelling]
               if k + 1 < len(chunks) else None)
        pager = (f'<a href="{nxt}">下一页</a>' if nxt else "") + f" 共{len(chunks)}页"
        b.add(url, page("政府信息公开年报", "<ul>" + top + "".join(chunk) + f"</ul><div class=pager>{pager}</div>"))
    b.home(col)


def _distractor_table(rnd: random.Random, heads: list[str], rows: list[str]) -> str:
    cells = "".join("<tr><td>" + html.escape(r) + "</td>" + "".join(f"<td>{rnd.randint(0, 900)}</td>" for _ in heads[1:])
                    + "</tr>" for r in rows)
    return ('<table border="1"><tr>' + "".join(f"<td>{html.escape(h)}</td>" for h in heads) + "</tr>" + cells + "</table>")


def series_column(b: Builder, spelling: str):
    """One column, several series: only the 政府信息公开工作年度报告 are reports."""
    col = "/xxgk/ndbg/"
    organ = b.case.organ
    county = organ.replace("人民政府", "")
    rnd = b.rng
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/ndbg/{year + 1}01/t{year + 1}0118_{500 + i}.html"
        b.report(path, year)
        items.append(li(path, report_title(organ, year)))
    site_table = _distractor_table(rnd, ["指标", "数量"], ["独立用户访问总量", "网站总访问量", "信息发布总数", "留言办理数",
                                                            "收到留言数量", "办结留言数量", "平均办理时间"])
    law_table = _distractor_table(rnd, ["执法类别", "行政许可", "行政处罚", "行政强制", "行政检查"],
                                  ["办理总数", "依申请", "依职权", "撤销", "复议纠错"])
    budget_table = _distractor_table(rnd, ["项目", "预算数", "上年数"], ["一般公共预算收入", "政府性基金收入", "三公经费"])
    stats_table = _distractor_table(rnd, ["指标", "绝对数", "比上年增长"], ["地区生产总值", "第一产业", "第二产业", "第三产业"])
    distractors = {
        "2023年政务公开工作要点": f"<p>为深入贯彻落实《中华人民共和国政府信息公开条例》，现将{county}2023年政务公开工作要点印发给你们。</p>",
        "2023年度部门预算公开": "<p>一、部门预算收支总表</p>" + budget_table,
        "2023年国民经济和社会发展统计公报": "<p>初步核算，全年地区生产总值：</p>" + stats_table,
        "城市建设投资集团有限公司2023年度报告": "<p>一、公司基本情况</p><p>二、主要财务数据</p>" + budget_table,
        "2023年政府网站工作年度报表": f"<p>填报单位：{organ}办公室</p>" + site_table,
        "2023年法治政府建设年度报告": "<p>一、2023年推进法治政府建设的主要举措和成效</p><p>（一）行政复议案件12件</p>",
        "2023年度行政执法统计年报": "<p>行政执法数据统计</p>" + law_table,
        "2023年政府信息公开工作年度报告解读": f"<p>一图读懂：{county}2023年主动公开政府信息1234条，受理申请56件。</p>",
        "2023年度政府信息公开工作年度报告（征求意见稿）": "<p>现公开征求意见，意见反馈截止时间为2024年1月10日。</p>",
    }
    names = list(distractors)
    rnd.shuffle(names)
    if spelling == "some":
        names = names[:5]
    for j, t in enumerate(names):
        title = (county + t) if not t.startswith("城市") else county + t
        path = f"/xxgk/ndbg/202401/t20240110_{600 + j}.html"
        b.add(path, page(title, f"<h1>{html.escape(title)}</h1>{distractors[t]}"))
        b.case.distractors.append(path)
        items.insert(rnd.randint(0, len(items)), li(path, title))
    b.add(col, page("年度报告", "<ul>" + "".join(items) + "</ul>"))
    b.home(col, "年度报告")


def correction(b: Builder, spelling: str):
    """A correction after publication: the （更正版） republished with one cell changed, beside
    a 更正说明 notice (`copy`); or only the notice naming the changed figure (`notice`)."""
    col = "/zfxxgk/fdzdgknr/ndbg/"
    organ = b.case.organ
    items = []
    for i, year in enumerate(b.years[2:4]):  # 2022, 2021: the corrected 2023 stands alone
        path = f"/zfxxgk/fdzdgknr/ndbg/{year + 1}01/t{year + 1}0120_{40 + i}.html"
        b.report(path, year)
        items.append(li(path, report_title(organ, year)))
    year = 2023
    name = "nanhu-2023"
    orig_path = "/zfxxgk/fdzdgknr/ndbg/202401/t20240120_39.html"
    b.add(orig_path, report_body(name, organ, year))
    lab = copy.deepcopy(label(name))
    lab["agency"], lab["report_year"] = organ, year
    before = lab["active"]["normative_in_force"]
    notice = "/zfxxgk/fdzdgknr/ndbg/202403/t20240305_77.html"
    ntitle = f"关于{organ}{year}年政府信息公开工作年度报告有关内容的更正说明"
    if spelling == "copy":
        fixed = copy.deepcopy(lab)
        fixed["active"]["normative_in_force"] = before + 1
        new_path = "/zfxxgk/fdzdgknr/ndbg/202403/t20240305_78.html"
        b.add(new_path, to_html(fixed).replace(f"{organ}{year}年", f"{organ}{year}年", 1).replace(
            "</h1>", "（更正版）</h1>", 1))
        rep = Report(new_path, name, organ, year)
        b.case.reports.append(rep)
        b.case.expected[new_path] = fixed
        b.case.superseded.append(orig_path)
        items.insert(0, li(new_path, report_title(organ, year) + "（更正版）"))
        body = (f"<h1>{html.escape(ntitle)}</h1><p>我单位于2024年1月20日公开的《{html.escape(report_title(organ, year))}》中，"
                f"“二、主动公开政府信息情况”表中规范性文件现行有效件数由{before}件更正为{before + 1}件。"
                "更正后的报告见附件，原报告同时废止。</p>"
                f'<p>附件：<a href="{new_path}">{html.escape(report_title(organ, year))}（更正版）</a></p>')
    else:
        b.case.reports.append(Report(orig_path, name, organ, year))
        body = (f"<h1>{html.escape(ntitle)}</h1><p>《{html.escape(report_title(organ, year))}》第三部分表格中"
                f"“其他”一栏数据有误，现更正为0。特此说明。</p>")
    b.add(notice, page(ntitle, body))
    b.case.distractors.append(notice)
    items.insert(0, li(notice, ntitle))
    items.insert(2, li(orig_path, report_title(organ, year)))
    b.add(col, page("政府信息公开工作年度报告", "<ul>" + "".join(items) + "</ul>"))
    b.home(col, "政府信息公开年报")


def dept_table(b: Builder, spelling: str):
    """Department reports on the government's column: a table 单位 | 标题 | 日期 whose link
    text names no organ (`cell`), or the department as a heading above its links (`heading`)."""
    col = "/xxgk/bmnb/index.html"
    depts = ["教育局", "财政局", "卫生健康局", "交通运输局"]
    rows, blocks = [], []
    for i, d in enumerate(depts):
        organ = b.case.organ.replace("人民政府", d)
        links = []
        for k, year in enumerate((2023, 2022)):
            path = f"/xxgk/bmnb/{d[:2]}/{year}/art_{7100 + 10 * i + k}.html"
            b.report(path, year, organ=organ)
            text = f"{year}年政府信息公开工作年度报告"
            rows.append(f'<tr><td>{html.escape(d)}</td><td><a href="{path}">{text}</a></td><td>{year + 1}-01-1{i}</td></tr>')
            links.append(f'<li><a href="{path}">{text}</a></li>')
        blocks.append(f"<h4>{html.escape(d)}</h4><ul>{''.join(links)}</ul>")
    body = ('<table class="list"><tr><th>单位</th><th>标题</th><th>发布日期</th></tr>' + "".join(rows) + "</table>"
            if spelling == "cell" else "".join(blocks))
    own = "/xxgk/bmnb/zf2023.html"
    b.report(own, 2023)
    body = f'<p><a href="{own}">{html.escape(report_title(b.case.organ, 2023))}</a></p><h3>部门年报</h3>' + body
    b.add(col, page("部门政府信息公开年报", body))
    b.home(col, "部门年报")


def feed_only(b: Builder, spelling: str):
    """The column shows the last two reports (no pager); every report is in the RSS feed the
    page links (`rss`, a visible 「RSS订阅」) or in the sitemap robots.txt names (`sitemap`)."""
    col = "/gk/nb/index.html"
    entries = []
    for i, year in enumerate(b.years[:5]):
        path = f"/gk/nb/{year + 1}/0{i + 1}/t{year + 1}0{i + 1}05_{710 + i}.html"
        b.report(path, year)
        entries.append((report_title(b.case.organ, year), path))
    shown = "".join(li(p, t) for t, p in entries[:2])
    if spelling == "rss":
        items = "".join(f"<item><title>{html.escape(t)}</title><link>http://{SELF}{p}</link>"
                        f"<pubDate>Mon, 15 Jan 2024 08:00:00 +0800</pubDate></item>" for t, p in entries)
        b.add("/gk/nb/rss.xml", f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>政府信息公开年报'
                                f'</title><link>http://{SELF}{col}</link>{items}</channel></rss>',
              content_type="application/rss+xml; charset=utf-8")
        b.add(col, page("政府信息公开年报", f'<ul>{shown}</ul><p><a href="/gk/nb/rss.xml">RSS订阅</a></p>',
                        head='<link rel="alternate" type="application/rss+xml" title="年报" href="/gk/nb/rss.xml">'))
    else:
        urls = "".join(f"<url><loc>http://{SELF}{p}</loc><lastmod>2024-01-15</lastmod></url>" for _, p in entries)
        b.add("/sitemap.xml", '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/'
                              f'sitemap/0.9"><url><loc>http://{SELF}{col}</loc></url>{urls}</urlset>',
              content_type="application/xml")
        b.add("/robots.txt", f"User-agent: *\nAllow: /\nSitemap: http://{SELF}/sitemap.xml\n", content_type="text/plain")
        b.add(col, page("政府信息公开年报", f"<ul>{shown}</ul>"))
    b.home(col)


def _as_xhtml(text: str, encoding: str) -> bytes:
    from .captures4 import XHTML

    text = text.replace("<!DOCTYPE html>", f'<?xml version="1.0" encoding="{encoding}"?>\n' + XHTML)
    text = re.sub(r"<html[^>]*>", '<html xmlns="http://www.w3.org/1999/xhtml">', text, count=1)
    text = re.sub(r'<meta charset="[^"]*">', f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}" />', text)
    return text.encode("gb18030" if encoding != "utf-8" else "utf-8")


def xhtml_pages(b: Builder, spelling: str):
    """Every page of the site XHTML 1.0 with an XML declaration naming its encoding (utf-8,
    or gb2312 over GBK bytes), served as text/html without a charset, as older CMS
    templates do."""
    enc = {"utf8": "utf-8", "gbk": "gb2312"}[spelling]
    col = "/zfxxgk/ndbg/index.htm"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/zfxxgk/ndbg/{year + 1}01/t{year + 1}0116_{330 + i}.htm"
        name = _label_for(b, year)
        b.add(path, _as_xhtml(report_body(name, b.case.organ, year), enc), content_type="text/html")
        b.case.reports.append(Report(path, name, b.case.organ, year))
        items.append(li(path, report_title(b.case.organ, year)))
    b.add(col, _as_xhtml(page("政府信息公开年度报告", "<ul>" + "".join(items) + "</ul>"), enc), content_type="text/html")
    b.add("/", _as_xhtml(page(b.case.organ, f'<a href="{col}">政府信息公开年度报告</a>'), enc), content_type="text/html")


def embedded_pdf(b: Builder, spelling: str):
    """The report page is an article whose body shows the PDF: `<iframe src=…pdf>`,
    `<embed type=application/pdf>`, `<object data=…pdf>`, PDFObject.embed() by script — or
    sends the reader on to it at once (meta refresh 0, location.replace)."""
    col = "/xxgk/gknb/index.html"
    items = []
    for i, year in enumerate(b.years[:3]):
        pdf = f"/u/cms/www/{year + 1}01/{20 + i}1530{i}7.pdf"
        rep = _pdf_report(b, pdf, year)
        art = f"/xxgk/gknb/{year + 1}01/t{year + 1}0120_{800 + i}.html"
        rep.also = (art,)
        viewer = {"iframe": f'<iframe src="{pdf}" width="100%" height="900"></iframe>',
                  "embed": f'<embed src="{pdf}" type="application/pdf" width="100%" height="900">',
                  "object": f'<object data="{pdf}" type="application/pdf" width="100%" height="900">'
                            '<p>您的浏览器不支持PDF预览。</p></object>',
                  "pdfobject": f'<div id="pdfbox"></div><script>var PDFObject={{embed:function(u,t){{var e='
                               f'document.createElement("embed");e.src=u;e.type="application/pdf";e.style.width="100%";'
                               f'e.style.height="900px";document.querySelector(t).appendChild(e);}}}};'
                               f'PDFObject.embed({_pieces(pdf)},"#pdfbox");</script>',
                  "meta-refresh": f'<p>正在打开，请稍候……</p><meta http-equiv="refresh" content="0;url={pdf}">',
                  "script-location": f'<p>正在跳转……</p><script>window.location.replace({_pieces(pdf)});</script>'}[spelling]
        title = report_title(b.case.organ, year)
        b.add(art, page(title, f"<h1>{html.escape(title)}</h1><p>发布时间：{year + 1}-01-20 来源：{html.escape(b.case.organ)}"
                               f"办公室</p><div class=\"article\">{viewer}</div>"))
        items.append(li(art, title))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def page_images(b: Builder, spelling: str):
    """The report published as one image per page inside its article (a 图片版 report read by
    OCR); the images are screenshots of the report page, made by the test (`case.shots`)."""
    col = "/xxgk/nb/index.html"
    year = 2023
    name = "nanhu-2023"
    lab = copy.deepcopy(label(name))
    lab["agency"], lab["report_year"] = b.case.organ, year
    art = "/xxgk/nb/202401/t20240125_900.html"
    imgs = [f"/xxgk/nb/202401/W02024012590{k}.{'png' if spelling == 'png' else 'jpg'}" for k in range(2)]
    b.case.shots.append((imgs, to_html(lab)))
    title = report_title(b.case.organ, year)
    b.add(art, page(title, f"<h1>{html.escape(title)}</h1>" + "".join(f'<p><img src="{u}" alt=""></p>' for u in imgs)))
    b.case.reports.append(Report(art, name, b.case.organ, year))
    b.add(col, page("政府信息公开年报", "<ul>" + li(art, title) + "</ul>"))
    b.home(col)


def _zip_bundle(members: list[tuple[str, bytes]], gbk_names: bool) -> bytes:
    """A zip as Windows' 压缩 makes it: names in GBK without the UTF-8 flag (`gbk_names`), or
    UTF-8 names with the flag (bit 11) as 7-Zip/WinRAR write them."""
    import struct
    import zlib

    out, central = bytearray(), bytearray()
    for name, data in members:
        raw = name.encode("gbk" if gbk_names else "utf-8")
        flag = 0 if gbk_names else 0x800
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flag, 8, 0, 0x21, crc, len(packed), len(data), len(raw), 0) + raw + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flag, 8, 0, 0x21, crc, len(packed), len(data),
                               len(raw), 0, 0, 0, 0, 0, off) + raw
    at = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), at, 0)
    return bytes(out)


def zip_bundle(b: Builder, spelling: str):
    """The departments' reports published as one zip (各部门2023年度政府信息公开工作年度报告.zip),
    each member a DOCX named for its organ; names in GBK without the UTF-8 flag, or UTF-8."""
    from .captures import docx

    col = "/xxgk/bmnb/"
    year = 2023
    members = []
    zpath = "/xxgk/bmnb/202401/P020240130512.zip"
    for i, d in enumerate(["教育局", "民政局", "财政局", "水利局"]):
        organ = b.case.organ.replace("人民政府", d)
        chosen = _label_for(b, year)
        lab = copy.deepcopy(label(chosen))
        lab["agency"], lab["report_year"] = organ, year
        data, _ = docx(lab, random.Random(i))
        members.append((f"各部门{year}年度年报/{organ}{year}年政府信息公开工作年度报告.docx", data))
        b.case.reports.append(Report(zpath, chosen, organ, year))
    b.case.routes[zpath] = Answer(200, _zip_bundle(members, spelling == "gbk-names"), [], "application/zip")
    title = f"{b.case.organ.replace('人民政府', '')}各部门{year}年度政府信息公开工作年度报告"
    art = "/xxgk/bmnb/202401/t20240130_513.html"
    b.add(art, page(title, f"<h1>{html.escape(title)}</h1><p>现将各部门{year}年度政府信息公开工作年度报告予以公开。</p>"
                           f'<p>附件：<a href="{zpath}">{html.escape(title)}.zip</a></p>'))
    b.add(col, page("部门年报", "<ul>" + li(art, title) + "</ul>"))
    b.home(col, "部门年报")


def scripted_second_column(b: Builder, spelling: str):
    """Two columns: the government's reports in a static list, the departments' in a list a
    script draws (inline data) — linked first or second from the homepage."""
    static_col, script_col = "/xxgk/zfnb/index.html", "/xxgk/bmnb/index.html"
    items = []
    for i, year in enumerate(b.years[1:3]):
        path = f"/xxgk/zfnb/{year + 1}/t{year + 1}0120_{i}.html"
        b.report(path, year)
        items.append(li(path, report_title(b.case.organ, year)))
    b.add(static_col, page("政府年报", "<ul>" + "".join(items) + "</ul>"))
    rows = []
    for i, d in enumerate(["教育局", "卫生健康局"]):
        organ = b.case.organ.replace("人民政府", d)
        path = f"/xxgk/bmnb/2024/art_{6600 + i}.html"
        b.report(path, 2023, organ=organ)
        rows.append(f"[{_pieces(path)},{json.dumps(report_title(organ, 2023), ensure_ascii=False)}]")
    js = ('<ul id="list"></ul><script>var rows=[' + ",".join(rows) + '];document.getElementById("list").innerHTML='
          'rows.map(function(r){return "<li><a href=\\""+r[0]+"\\">"+r[1]+"</a></li>";}).join("");</script>')
    b.add(script_col, page("部门年报", js))
    cols = [(static_col, "政府信息公开年报"), (script_col, "部门信息公开年报")]
    if spelling == "script-first":
        cols.reverse()
    b.add("/", page(b.case.organ, "<ul>" + "".join(f'<li><a href="{c}">{t}</a></li>' for c, t in cols) + "</ul>"))


TITLES = {
    "phrased": ["{o}关于{y}年度政府信息公开工作情况的报告", "{o}政府信息公开工作{y}年度报告",
                "{y}年度{o}政府信息公开年报"],
    "suffixed": ["{o}政府信息公开工作年度报告（{y}年）", "{o}{y}年度政务公开工作年度报告",
                 "{o}{y}年政府信息公开工作年度报告（附件下载）"],
}


def title_variants(b: Builder, spelling: str):
    """Report titles in the other spellings organs use (关于…工作情况的报告, …工作2023年度报告,
    年报, （2023年）, 政务公开工作年度报告, （附件下载）); the bodies are the national format."""
    col = "/xxgk/ndbg/list.html"
    items = []
    for i, (year, fmt) in enumerate(zip(b.years[:3], TITLES[spelling])):
        path = f"/xxgk/ndbg/{year + 1}02/t{year + 1}0210_{950 + i}.html"
        b.report(path, year)
        items.append(li(path, fmt.format(o=b.case.organ, y=year)))
    b.add(col, page("年度报告", "<ul>" + "".join(items) + "</ul>"))
    b.home(col, "政府信息公开年度报告")


CLASSES = {
    "pdfjs-viewer": (pdfjs_viewer, ["plain", "encoded", "full-url", "kkfileview"]),
    "shadow-dom": (shadow_dom, ["open", "closed"]),
    "year-tabs": (year_tabs, ["inline", "api", "hidden"]),
    "pinned": (pinned, ["index", "query"]),
    "series-column": (series_column, ["all", "some"]),
    "correction": (correction, ["copy", "notice"]),
    "dept-table": (dept_table, ["cell", "heading"]),
    "feed-only": (feed_only, ["rss", "sitemap"]),
    "xhtml-pages": (xhtml_pages, ["utf8", "gbk"]),
    "embedded-pdf": (embedded_pdf, ["iframe", "embed", "object", "pdfobject", "meta-refresh", "script-location"]),
    "page-images": (page_images, ["png", "jpeg"]),  # OCR: only with WORLD_CASES=all
    "zip-bundle": (zip_bundle, ["gbk-names", "utf8-names"]),
    "scripted-second-column": (scripted_second_column, ["static-first", "script-first"]),
    "title-variants": (title_variants, ["phrased", "suffixed"]),
}
TOWNS = ["武义县", "浦江县", "磐安县", "兰溪市", "义乌市", "东阳市", "永康市", "建德市", "淳安县", "桐庐县",
         "富阳区", "临安区", "余杭区", "萧山区", "柯桥区", "上虞区", "新昌县", "嵊州市", "诸暨市", "象山县",
         "宁海县", "余姚市", "慈溪市", "奉化区", "鄞州区", "镇海区", "北仑区", "定海区", "普陀区", "岱山县",
         "嵊泗县", "椒江区", "黄岩区", "路桥区", "莲都区", "龙泉市", "南浔区", "吴兴区", "秀洲区", "越城区"]


def generate(seed: int = 0) -> list[Case]:
    rnd = random.Random(seed)
    cases, k = [], 0
    for cls, (build, spellings) in CLASSES.items():
        for spelling in spellings:
            organ = TOWNS[k % len(TOWNS)] + "人民政府"
            k += 1
            b = Builder(cls, spelling, random.Random(rnd.random()), organ)
            b.case.other, b.case.second = None, None
            b.case.pdfs, b.case.expected, b.case.superseded, b.case.shots = [], {}, [], []
            build(b, spelling)
            cases.append(b.case)
    return cases


def serve(case: Case, host: str) -> dict:
    """The portal on a real server: portals3's placeholders bound, and each __B64__ token
    replaced by the base64 of the full URL it wraps (kkFileView's `url=`)."""
    import re

    main = Site({}, host=host, ignore_case=case.ignore_case)
    netloc = f"{host}:{main.port}"
    names = {SELF: netloc}
    for route in case.routes.values():
        if isinstance(route, Answer):
            for m in re.finditer(rb"__B64__(.*?)__B64__", route.body):
                path = m.group(1).decode()
                names[m.group(0).decode()] = quote(base64.b64encode(f"http://{netloc}{path}".encode()).decode(), safe="")
    routes = dict(case.routes)
    routes.setdefault("/about.html", Answer(200, page("本站概况", "<p>概况</p>").encode()))
    routes.setdefault("/robots.txt", Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    main.routes = _bound(routes, names)
    return {"main": main.start(), "other": None, "names": names}


def bind_pdfs(case: Case, printed: dict) -> None:
    """Serve the printed PDFs (path -> bytes) at their paths."""
    for path, data in printed.items():
        case.routes[path] = Answer(200, data, [], PDF_TYPE)


def bind_shots(case: Case, screenshot) -> None:
    """Serve each page image: `screenshot(html) -> PNG bytes` of the whole report page,
    cut into as many pages as the case names (PNG or JPEG, as the path says)."""
    import io

    from PIL import Image

    for paths, text in case.shots:
        im = Image.open(io.BytesIO(screenshot(text))).convert("RGB")
        h = im.height // len(paths)
        for k, path in enumerate(paths):
            buf = io.BytesIO()
            part = im.crop((0, k * h, im.width, (k + 1) * h))
            part.save(buf, "PNG" if path.endswith(".png") else "JPEG", quality=85)
            case.routes[path] = Answer(200, buf.getvalue(), [], "image/png" if path.endswith(".png") else "image/jpeg")
