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
from .portals3 import SELF, _bound
from .portals4_files import _pieces, embedded_pdf, page_images, pdfjs_viewer, xhtml_pages, zip_bundle
from .server import Answer, Site



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
