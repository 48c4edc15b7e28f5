"""Portals built from descriptions: publication mechanisms real 政府门户网站 use that the
crawler was not written against (none of them in issue 17's list). Each case knows its
ground truth: which paths are reports (with the labelled report whose cells they carry and
the organ and year they must be filed under) and which are distractors.

    cases = generate(seed=0)            # every case class × spelling
    site = serve(case)                  # a real HTTP server on 127.0.0.x

Report bodies are real labelled reports (tests/files/labels) re-titled for the case's organ
and year, rendered as a portal prints them (tests/layouts.py to_html), so a found report has
real expected cells.
"""
from __future__ import annotations

import copy
import html
import json
import random
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from ..conftest import label
from ..layouts import to_html
from .server import Answer, Site

LABELS_2021 = ["nanhu-2023", "zhapu-2023", "shuyang-fgj-2023", "pingtan-2021", "huaian-2024"]
LABELS_2019 = ["pingtan-2019"]


@dataclass
class Report:
    path: str  # path (and query) a link names; the truth
    label: str  # labelled report whose cells it carries
    organ: str
    year: int
    also: tuple = ()  # other spellings of the same report's URL


@dataclass
class Case:
    name: str  # class/spelling
    cls: str
    spelling: str
    organ: str
    routes: dict = field(default_factory=dict)
    reports: list = field(default_factory=list)
    distractors: list = field(default_factory=list)
    ignore_case: bool = False
    start: str = "/"
    note: str = ""
    needs_browser: bool = False  # only a rendered page shows the reports


def page(title: str, body: str, head: str = "", charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="{charset}">{head}'
            f'<title>{html.escape(title)}</title></head><body><div class="top">{html.escape(title)}</div>'
            f'<div class="main">{body}</div><div class="footer">版权所有 · 测试门户</div></body></html>')


def report_body(name: str, organ: str, year: int) -> str:
    lab = copy.deepcopy(label(name))
    lab["agency"], lab["report_year"] = organ, year
    return to_html(lab)


def report_title(organ: str, year: int) -> str:
    return f"{organ}{year}年政府信息公开工作年度报告"


def distractor_page(title: str) -> str:
    return page(title, f"<h1>{html.escape(title)}</h1><p>为进一步做好政府信息公开工作，现将有关事项公告如下。</p>"
                       "<p>详见附件。</p>")


class Builder:
    """Collects one case's routes and truth."""

    def __init__(self, cls: str, spelling: str, rng: random.Random, organ: str):
        self.case = Case(f"{cls}/{spelling}", cls, spelling, organ)
        self.rng = rng
        self.years = list(range(2024, 2018, -1))

    def add(self, path: str, text: str | bytes, status: int = 200, content_type: str = "text/html; charset=utf-8",
            headers=()):
        body = text.encode("utf-8") if isinstance(text, str) else text
        self.case.routes[path] = Answer(status, body, list(headers), content_type)

    def report(self, path: str, year: int, organ: str | None = None, serve: bool = True, also=()) -> Report:
        organ = organ or self.case.organ
        name = self.rng.choice(LABELS_2021 if year >= 2021 else LABELS_2019)
        r = Report(path, name, organ, year, tuple(also))
        if serve:
            self.add(path, report_body(name, organ, year))
        self.case.reports.append(r)
        return r

    def distractor(self, path: str, title: str):
        self.add(path, distractor_page(title))
        self.case.distractors.append(path)

    def home(self, column: str, label_text: str = "政府信息公开年报"):
        self.add("/", page(self.case.organ, f'<ul><li><a href="/about.html">本站概况</a></li>'
                                            f'<li><a href="{column}">{label_text}</a></li></ul>'))

    def standard_distractors(self, folder: str, year: int = 2023):
        self.distractor(f"{folder}/tj{year}.html", f"图解：{self.case.organ}{year}年政府信息公开工作年度报告")
        return [(f"{folder}/tj{year}.html", f"图解：{self.case.organ}{year}年政府信息公开工作年度报告")]


def li(href: str, text: str, attrs: str = "") -> str:
    return f'<li><a href="{href}"{attrs}>{html.escape(text)}</a><span>2024-01-2{len(text) % 9}</span></li>'


# --- case classes -----------------------------------------------------------------------
# Each: (builder, spellings). A builder fills b.case from (b, spelling).

def base_href(b: Builder, spelling: str):
    """<base href> changes how every relative link resolves."""
    col = "/xxgk/zfxxgknb/index.html"
    target = {"path": "/uploads/gk/nb/", "dotted": "/xxgk/zfxxgknb/../../cms/nb/2024/",
              "folderless": "/content/"}[spelling]
    real = re.sub(r"[^/]+/\.\./", "", re.sub(r"[^/]+/\.\./", "", target))
    items = []
    for i, year in enumerate(b.years[:3]):
        b.report(f"{real}t{year}0120_{700 + i}.html", year)
        items.append(li(f"t{year}0120_{700 + i}.html", report_title(b.case.organ, year)))
        # the naive resolution (against the page's own folder) is a 404, not a report
    dpath = f"{real}tj2023.html"
    b.distractor(dpath, f"图解：{b.case.organ}2023年政府信息公开工作年度报告")
    items.append(li("tj2023.html", f"图解：{b.case.organ}2023年政府信息公开工作年度报告"))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>", head=f'<base href="{target}">'))
    b.home(col)


def hidden_markup(b: Builder, spelling: str):
    """Links only in <noscript> or <template> (a script draws the visible list from them)."""
    col = "/zwgk/xxgknb/"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/zwgk/xxgknb/{year + 1}01/t{year + 1}0115_{90 + i}.html"
        b.report(path, year)
        items.append(li(path, report_title(b.case.organ, year)))
    body = {
        "noscript": '<ul id="list"></ul><noscript><ul>' + "".join(items) + "</ul></noscript>"
                    '<script>document.getElementById("list").innerHTML = document.querySelector("noscript").textContent;</script>',
        "template": '<ul id="list"></ul><template id="rows">' + "".join(items) + "</template>"
                    '<script>var t=document.getElementById("rows");document.getElementById("list").appendChild(t.content.cloneNode(true));</script>',
    }[spelling]
    b.add(col, page("政府信息公开年报", body))
    b.home(col, "信息公开年报")


def structured_data(b: Builder, spelling: str):
    """The list only as data in the page: JSON-LD ItemList, or an inline JS array; a script draws it."""
    col = "/xxgk/ndbg/index.shtml"
    records = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/ndbg/{year + 1}/0{i + 1}/art_{5000 + i}.shtml"
        b.report(path, year)
        records.append({"name": report_title(b.case.organ, year), "url": path})
    draw = ('var box=document.getElementById("list");items.forEach(function(r){var a=document.createElement("a");'
            'a.href=r.url;a.textContent=r.name;var l=document.createElement("li");l.appendChild(a);box.appendChild(l);});')
    if spelling == "json-ld":
        data = {"@context": "https://schema.org", "@type": "ItemList",
                "itemListElement": [{"@type": "ListItem", "position": i + 1, "url": r["url"], "name": r["name"]}
                                    for i, r in enumerate(records)]}
        body = (f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script><ul id="list"></ul>'
                '<script>var items=JSON.parse(document.querySelector(\'script[type="application/ld+json"]\').textContent)'
                '.itemListElement;' + draw + '</script>')
    else:  # an inline array of base64 titles (some CMSs obfuscate)
        import base64

        enc = [{"u": r["url"], "t": base64.b64encode(r["name"].encode()).decode()} for r in records]
        body = (f'<ul id="list"></ul><script>var raw={json.dumps(enc)};var items=raw.map(function(r){{return {{url:r.u,'
                'name:decodeURIComponent(escape(atob(r.t)))};});' + draw + '</script>')
    b.add(col, page("年度报告", body))
    b.home(col, "年度报告")
    b.case.needs_browser = True


def feed(b: Builder, spelling: str):
    """The column's list is a feed (RSS or Atom) drawn by a script; the page links the feed."""
    col = "/gk/gknb/"
    entries = []
    for i, year in enumerate(b.years[:4]):
        path = f"/gk/gknb/{year + 1}0{i + 1}/t{year + 1}0{i + 1}10_{300 + i}.htm"
        b.report(path, year)
        entries.append((report_title(b.case.organ, year), path))
    if spelling == "rss":
        items = "".join(f"<item><title>{html.escape(t)}</title><link>{p}</link></item>" for t, p in entries)
        b.add("/gk/gknb/rss.xml", f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>年报</title>{items}</channel></rss>',
              content_type="application/rss+xml; charset=utf-8")
        feed_url, tag, get = "/gk/gknb/rss.xml", "item", 'x.querySelector("link").textContent'
    else:
        items = "".join(f'<entry><title>{html.escape(t)}</title><link href="{p}"/></entry>' for t, p in entries)
        b.add("/gk/gknb/atom.xml", f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>年报</title>{items}</feed>',
              content_type="application/atom+xml; charset=utf-8")
        feed_url, tag, get = "/gk/gknb/atom.xml", "entry", 'x.querySelector("link").getAttribute("href")'
    script = (f'<ul id="list"></ul><script>fetch("{feed_url}").then(function(r){{return r.text();}}).then(function(t){{'
              f'var d=new DOMParser().parseFromString(t,"text/xml");d.querySelectorAll("{tag}").forEach(function(x){{'
              f'var a=document.createElement("a");a.href={get};a.textContent=x.querySelector("title").textContent;'
              'var l=document.createElement("li");l.appendChild(a);document.getElementById("list").appendChild(l);});});</script>')
    b.add(col, page("公开年报", f'<link rel="alternate" type="application/{spelling}+xml" href="{feed_url}">' + script,
                    head=f'<link rel="alternate" type="application/{spelling}+xml" href="{feed_url}">'))
    b.home(col, "公开年报")
    b.case.needs_browser = True


def encoded_href(b: Builder, spelling: str):
    """hrefs written with entities, percent-encoding or raw UTF-8 (Chinese path segments)."""
    col = "/zfxxgk/zfxxgknb/"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/zfxxgk/年报/{year}年度/报告{i}.html"
        href = {"entities": "".join(f"&#{ord(c)};" if c in "/年度报告" else c for c in path),
                "percent": quote(path),
                "raw-utf8": path,
                "mixed": quote(path[:12]) + path[12:].replace("/", "&#x2F;")}[spelling]
        b.report(path, year)
        items.append(f'<li><a href="{href}">{html.escape(report_title(b.case.organ, year))}</a></li>')
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def url_variants(b: Builder, spelling: str):
    """One report linked under several spellings of its URL on a case-insensitive (IIS) host:
    it is one report, archived once."""
    b.case.ignore_case = True
    col = "/XXGK/GKNB/Default.aspx"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/gknb/{year}/NB{year}_{i}.html"
        spell = {"case": [path, path.upper(), path.replace("/xxgk/", "/XXGK/")],
                 "slashes": [path, path.replace("/gknb/", "/gknb//"), path.replace("/gknb/", "/gknb/./")],
                 "query": [path, path + "?", path + "?from=list"]}[spelling]
        b.report(path, year, also=tuple(spell[1:]))
        for s in spell:
            items.append(li(s, report_title(b.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col.lower())


def page_param(b: Builder, spelling: str):
    """?page=N lists: 0-based or 1-based; past the end, an empty 200 list with a 下一页 link
    still offered, or the last page repeated forever."""
    col = "/gknb/list.aspx"
    n, per = 6, 2
    reports = []
    for i in range(n):
        year = 2024 - i % 6
        organ = b.case.organ if i < 6 else b.case.organ
        path = f"/gknb/show.aspx?id={4100 + i}"
        b.report(path, year, organ=organ)
        reports.append(li(path, report_title(organ, year)))
    first = 0 if spelling.startswith("zero") else 1

    def listing(k: int) -> str:
        idx = k - first
        chunk = reports[idx * per:(idx + 1) * per] if idx * per < n else (
            reports[-per:] if spelling.endswith("repeat") else [])
        pager = f'<a href="?page={first}">首页</a> <a href="?page={k + 1}">下一页</a>'
        return page("公开年报", "<ul>" + "".join(chunk) + "</ul><div class=pager>" + pager + "</div>")

    for k in range(first, first + 40):
        b.add(f"{col}?page={k}", listing(k))
    b.add(col, listing(first))
    b.home(col, "公开年报")

    def endless(path: str):
        m = re.search(r"page=(\d+)", path)
        return Answer(200, listing(int(m.group(1))).encode()) if m and path.startswith(col) else None
    b.case.note = "pages past 40 are answered too (endless)"
    b.case.routes["__fallback__"] = endless


def lazy_scroll(b: Builder, spelling: str):
    """Two items shown; the rest load when the reader scrolls to the bottom (or clicks 加载更多,
    drawn only after a scroll)."""
    col = "/col/nb/index.html"
    records = []
    for i, year in enumerate(b.years[:6]):
        path = f"/col/nb/art/{year + 1}/art_{i:04d}ab.html"
        b.report(path, year)
        records.append({"title": report_title(b.case.organ, year), "link": path})
    b.add("/col/nb/more.json", json.dumps({"rows": records[2:]}, ensure_ascii=False),
          content_type="application/json; charset=utf-8")
    first = "".join(li(r["link"], r["title"]) for r in records[:2])
    trigger = {"scroll": 'window.addEventListener("scroll",function(){if(done)return;if(window.innerHeight+window.scrollY>=document.body.offsetHeight-50){done=true;load();}});',
               "observer": 'new IntersectionObserver(function(e){if(e[0].isIntersecting&&!done){done=true;load();}}).observe(document.getElementById("sentinel"));'}[spelling]
    script = ('<script>var done=false;function load(){var x=new XMLHttpRequest();x.open("GET","/col/nb/more.json");'
              'x.onload=function(){JSON.parse(x.responseText).rows.forEach(function(r){var l=document.createElement("li");'
              'l.innerHTML=\'<a href="\'+r.link+\'">\'+r.title+\'</a>\';document.getElementById("list").appendChild(l);});};x.send();}'
              + trigger + '</script>')
    filler = "<p>" + "政府信息公开工作年度报告栏目说明。" * 200 + "</p>"
    b.add(col, page("政府信息公开年报", f'<ul id="list">{first}</ul>{filler}<div id="sentinel" style="height:10px"></div>{script}'))
    b.home(col)
    b.case.needs_browser = True


def title_elsewhere(b: Builder, spelling: str):
    """The link's own text is 【详情】/查看/an icon; the title stands beside it, or in alt text."""
    col = "/xxgk/zfxxgknb/"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/zfxxgknb/{year + 1}01/t{year + 1}0110_{60 + i}.html"
        b.report(path, year)
        t = html.escape(report_title(b.case.organ, year))
        items.append({"li-title": f'<li title="{t}"><span class="t">{t[:12]}…</span><a href="{path}">【详情】</a></li>',
                      "sibling": f'<tr><td class="title">{t}</td><td><a href="{path}">查看</a></td><td>2024-01-10</td></tr>',
                      "img-alt": f'<li><a href="{path}"><img src="/img/doc.png" alt="{t}"></a></li>'}[spelling])
    wrap = "<table>{}</table>" if spelling == "sibling" else "<ul>{}</ul>"
    b.add(col, page("政府信息公开年报", wrap.format("".join(items))))
    b.home(col)


def year_elsewhere(b: Builder, spelling: str):
    """The link text names the report without a year: the year is in the URL, the list's date,
    or only in the report itself."""
    col = "/zwgk/gknb/index.html"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = {"url": f"/zwgk/gknb/{year}/index.html", "date": f"/zwgk/gknb/c{880 + i}.html",
                "body": f"/zwgk/gknb/c{990 + i}.html"}[spelling]
        b.report(path, year)
        text = f"{b.case.organ}政府信息公开工作年度报告"
        date = f"<span>{year + 1}-01-2{i}</span>" if spelling == "date" else ""
        items.append(f'<li><a href="{path}">{text}</a>{date}</li>')
    b.add(col, page("政府信息公开年度报告", "<ul>" + "".join(items) + "</ul>"))
    b.home(col, "政府信息公开年度报告")


def gbk_script(b: Builder, spelling: str):
    """A GBK site whose list is written by a GBK-encoded script (document.write), declared by
    <script charset=gbk> or only by the page's own charset."""
    col = "/xxgk/gknb/index.htm"
    lines = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/gknb/{year + 1}01/t{year + 1}0108_{i + 11}.htm"
        b.report(path, year)
        lines.append(f'document.write(\'<li><a href="{path}">{report_title(b.case.organ, year)}</a></li>\');')
    b.add("/xxgk/gknb/list.js", "\n".join(lines).encode("gbk"), content_type="application/javascript")
    attr = ' charset="gbk"' if spelling == "script-charset" else ""
    body = f'<ul><script src="/xxgk/gknb/list.js"{attr}></script></ul>'
    b.add(col, page("政府信息公开年报", body, charset="gbk").encode("gbk"), content_type="text/html")
    b.add("/", page(b.case.organ, f'<a href="{col}">政府信息公开年报</a>', charset="gbk").encode("gbk"),
          content_type="text/html")
    b.case.needs_browser = True


def mixed_column(b: Builder, spelling: str):
    """One column lists the government's reports and its departments' (each its own organ)."""
    col = "/xxgk/zfxxgknb/"
    organs = [b.case.organ, b.case.organ.replace("人民政府", "发展和改革局"),
              b.case.organ.replace("人民政府", "教育局"), b.case.organ.replace("人民政府", "财政局")]
    items = []
    for i, organ in enumerate(organs):
        year = 2023 if spelling == "same-year" else 2023 - i
        path = f"/xxgk/zfxxgknb/2024/nb_{i}.html"
        b.report(path, year, organ=organ)
        items.append(li(path, report_title(organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def duplicate_columns(b: Builder, spelling: str):
    """The same report published under two columns (two URLs, one body)."""
    body = report_body("nanhu-2023", b.case.organ, 2023)
    b.add("/zfxxgknb/2023.html", body)
    b.add("/bmxxgk/xxgknb/2023.html", body if spelling == "identical" else body.replace("</div></body>", "<p>（转载）</p></div></body>"))
    b.case.reports.append(Report("/zfxxgknb/2023.html", "nanhu-2023", b.case.organ, 2023,
                                 also=("/bmxxgk/xxgknb/2023.html",)))
    b.add("/zfxxgknb/", page("政府信息公开年报", li("/zfxxgknb/2023.html", report_title(b.case.organ, 2023))))
    b.add("/bmxxgk/xxgknb/", page("信息公开年报", li("/bmxxgk/xxgknb/2023.html", report_title(b.case.organ, 2023))))
    b.add("/", page(b.case.organ, '<a href="/zfxxgknb/">政府信息公开年报</a> <a href="/bmxxgk/xxgknb/">信息公开年报</a>'))


def redirect_chain(b: Builder, spelling: str):
    """Column and reports behind chains of 301/302/307/308 on the same host (case, trailing
    slash, index file, old → new folder)."""
    hops = {"301-302": [301, 302], "307-308": [307, 308, 301], "long": [301, 301, 302, 301]}[spelling]
    chain = ["/XXGK/NB", "/xxgk/nb", "/xxgk/nb/", "/xxgk/nb/index.html", "/xxgk/nb/index.html?v=2"]
    for k, status in enumerate(hops):
        b.add(chain[k], "", status=status, headers=[("Location", chain[k + 1])])
    final_col = chain[len(hops)]
    items = []
    for i, year in enumerate(b.years[:3]):
        old = f"/old/nb/{year}.html"
        new = f"/xxgk/nb/{year + 1}01/t{year}_{i}.html"
        b.add(old, "", status=hops[i % len(hops)], headers=[("Location", new)])
        b.report(new, year, also=(old,))
        items.append(li(old, report_title(b.case.organ, year)))
    b.add(final_col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(chain[0])


def image_map(b: Builder, spelling: str):
    """Links only as <area> of an image map, or as <form> buttons a person clicks."""
    col = "/gk/ndbg/"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/gk/ndbg/{year}/bg.html"
        b.report(path, year)
        t = html.escape(report_title(b.case.organ, year))
        items.append({"area": f'<area shape="rect" coords="0,{i * 30},300,{i * 30 + 30}" href="{path}" alt="{t}" title="{t}">',
                      "form-get": f'<form action="{path}" method="get"><button type="submit">{t}</button></form>'}[spelling])
    body = (f'<img src="/img/nb.png" usemap="#nb" width="300" height="90"><map name="nb">{"".join(items)}</map>'
            if spelling == "area" else "".join(items))
    b.add(col, page("年度报告", body))
    b.home(col, "年度报告")


def rel_next(b: Builder, spelling: str):
    """Later list pages only through <link rel=next> in the head, or an icon-only pager link."""
    col = "/zfxxgknb/index.html"
    per, years = 2, b.years[:6]
    pages = [years[i:i + per] for i in range(0, len(years), per)]
    for k, chunk in enumerate(pages):
        url = col if k == 0 else f"/zfxxgknb/index_{k}.html"
        nxt = f"/zfxxgknb/index_{k + 1}.html" if k + 1 < len(pages) else None
        items = []
        for year in chunk:
            path = f"/zfxxgknb/{year + 1}01/t{year + 1}0112_{year}.html"
            b.report(path, year)
            items.append(li(path, report_title(b.case.organ, year)))
        head = f'<link rel="next" href="{nxt}">' if nxt and spelling == "link-rel" else ""
        pager = (f'<a href="{nxt}" class="next"><img src="/img/next.gif" alt=""></a>' if nxt and spelling == "icon" else "")
        b.add(url, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>" + pager, head=head))
    b.home(col)


def announcements(b: Builder, spelling: str):
    """Distractors titled like reports in spellings the rules have not met; and reports whose
    title carries decoration (【】, （全文）, 的通知 in the organ name)."""
    col = "/xxgk/zfxxgknb/"
    items = []
    for i, year in enumerate(b.years[:2]):
        path = f"/xxgk/zfxxgknb/r{year}.html"
        b.report(path, year)
        title = {"decorated": f"【{year}年度】{b.case.organ}政府信息公开工作年度报告（全文）",
                 "plain": report_title(b.case.organ, year)}[spelling]
        items.append(li(path, title))
    for j, t in enumerate([f"关于公布{b.case.organ}2023年度政府信息公开工作年度报告的公告",
                           f"{b.case.organ}2023年政府信息公开工作年度报告新闻发布会",
                           f"{b.case.organ}2023年政府信息公开工作年度报告（征求意见稿）意见征集"]):
        path = f"/xxgk/zfxxgknb/d{j}.html"
        b.distractor(path, t)
        items.append(li(path, t))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


CLASSES = {
    "base-href": (base_href, ["path", "dotted", "folderless"]),
    "hidden-markup": (hidden_markup, ["noscript", "template"]),
    "structured-data": (structured_data, ["json-ld", "inline-base64"]),
    "feed": (feed, ["rss", "atom"]),
    "encoded-href": (encoded_href, ["entities", "percent", "raw-utf8", "mixed"]),
    "url-variants": (url_variants, ["case", "slashes", "query"]),
    "page-param": (page_param, ["zero-empty", "zero-repeat", "one-empty", "one-repeat"]),
    "lazy-scroll": (lazy_scroll, ["scroll", "observer"]),
    "title-elsewhere": (title_elsewhere, ["li-title", "sibling", "img-alt"]),
    "year-elsewhere": (year_elsewhere, ["url", "date", "body"]),
    "gbk-script": (gbk_script, ["script-charset", "page-charset"]),
    "mixed-column": (mixed_column, ["same-year", "years"]),
    "duplicate-columns": (duplicate_columns, ["identical", "reprint-note"]),
    "redirect-chain": (redirect_chain, ["301-302", "307-308", "long"]),
    "image-map": (image_map, ["area", "form-get"]),
    "rel-next": (rel_next, ["link-rel", "icon"]),
    "announcements": (announcements, ["decorated", "plain"]),
}
COUNTIES = ["青田县", "龙游县", "吴起县", "合江县", "永嘉县", "海盐县", "桐乡市", "平湖市", "嘉善县", "德清县",
            "安吉县", "长兴县", "仙居县", "天台县", "三门县", "开化县", "常山县", "江山市", "缙云县", "遂昌县",
            "松阳县", "云和县", "庆元县", "景宁县", "文成县", "泰顺县", "苍南县", "平阳县", "洞头区", "瑞安市",
            "乐清市", "玉环市", "温岭市", "临海市", "三台县", "盐亭县", "梓潼县", "北川县", "平武县", "江油市",
            "射洪市", "蓬溪县", "大英县", "安岳县", "乐至县", "简阳市", "仁寿县", "彭山区", "洪雅县", "丹棱县"]


def generate(seed: int = 0) -> list[Case]:
    rnd = random.Random(seed)
    cases, k = [], 0
    for cls, (build, spellings) in CLASSES.items():
        for spelling in spellings:
            organ = COUNTIES[k % len(COUNTIES)] + "人民政府"
            k += 1
            b = Builder(cls, spelling, random.Random(rnd.random()), organ)
            build(b, spelling)
            cases.append(b.case)
    return cases


def serve(case: Case, host: str) -> Site:
    routes = dict(case.routes)
    fallback = routes.pop("__fallback__", None)
    routes.setdefault("/about.html", Answer(200, page("本站概况", "<p>概况</p>").encode()))
    routes.setdefault("/robots.txt", Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    return Site(routes, host=host, ignore_case=case.ignore_case, fallback=fallback).start()
