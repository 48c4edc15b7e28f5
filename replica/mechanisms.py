"""Portals built from descriptions of publication mechanisms real 政府门户网站 use, each
class in several spellings (replica/mechanisms.yml):

    python -m replica.mechanisms OUT     # OUT/<portal>/… and OUT/mechanisms.json

Every portal lists three real reports (the 南湖区 2023 tables, tests/files/labels; a real
PDF for the download handler) and two distractors, and names the edit and the removal the
tests make between crawls. The dynamic parts (a firewall's challenge, download handlers,
content APIs, posted JSON, ASP.NET postbacks, site searches) are served by replica/mechanisms_site.py;
the portals reached only by their search are built by replica/mechanisms_search.py.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path

import yaml

from .mechanisms_copies import build_republished
from .mechanisms_search import build_search, scanned_pdf
from .mechanisms_site import list_items
from .mechanisms_split import build_split
from .variants import SiteWriter, Variant, page, pager_pages, records_for, report_page

DESCRIPTION = Path(__file__).resolve().with_name("mechanisms.yml")
SAMPLES = Path(__file__).resolve().parent.parent / "tests" / "files" / "samples"
EDIT_FROM, EDIT_TO = "公开质量仍需提高", "公开质量仍需进一步提高"


@dataclass
class Mechanism(Variant):
    other_origin: str | None = None  # a 信息公开 platform on another host of the organ
    image_only: list = field(default_factory=list)  # reports that are scanned PDFs
    figures: dict = field(default_factory=dict)  # report -> label file its figures come from
    edit: dict = field(default_factory=dict)  # {"file", "old", "new", "report"}
    removal: dict = field(default_factory=dict)  # {"file", "report"}
    aliases: dict = field(default_factory=dict)  # another URL of a report -> the report's URL


def description() -> dict:
    return yaml.safe_load(DESCRIPTION.read_text(encoding="utf-8"))


def _zoom(html: str) -> str:
    """The report's text container of a report page (what a content API returns)."""
    return html.split('<div id="zoom">', 1)[1].rsplit("</div>", 1)[0]


class Builder:
    """One portal: a homepage → 信息公开 → the column, its reports and distractors."""

    def __init__(self, out: Path, m: Mechanism, office: dict):
        self.out, self.m, self.office = out, m, office
        self.w = SiteWriter(out, m)
        self.records: list = []
        self.w.write("_mech.json", "{}")  # served by replica/mechanisms_site.py

    def rel(self, url: str) -> str:  # a file's path below OUT
        return f"{self.m.origin}/{url.split('?')[0].lstrip('/')}"

    def records_at(self, article) -> list:
        self.records = records_for(self.m, 3, article)
        return self.records

    def articles(self, shell=None) -> None:
        """Report pages (as given by `shell`, else whole) and distractor pages."""
        for r in self.records:
            if r["kind"] == "report":
                self.m.reports.append(r["url"])
                html = report_page(r["title"], self.m.organ, r["year"])
                self.w.write(r["url"], shell(r, html) if shell else html)
                self.m.figures[r["url"]] = "nanhu-2023"
            else:
                self.m.distractors.append(r["url"])
                self.w.write(r["url"], page(r["title"], f"<h1>{escape(r['title'])}</h1><p>（略）</p>"))

    def plan_changes(self, edit_file: str | None = None) -> None:
        reports = [r for r in self.records if r["kind"] == "report"]
        edited, removed = reports[0], reports[1]
        self.m.edit = {"file": edit_file or self.rel(edited["url"]), "old": EDIT_FROM, "new": EDIT_TO,
                       "report": edited["url"]}
        self.m.removal = self.m.removal or {"file": self.rel(removed["url"]), "report": removed["url"]}

    def data(self, name: str, rows) -> None:
        self.w.data(name, rows)

    def home(self, column: str, xxgk_prefix: str = "") -> None:
        self.w.write("index.html", page(f"{self.m.organ}门户", f'<a href="{xxgk_prefix}xxgk/index.html">信息公开</a>'
                                        '<a href="about.html">网站介绍</a>'))
        self.w.write("about.html", page("网站介绍", "<p>本站为复刻测试站点。</p>"))
        self.w.write("xxgk/index.html", page("信息公开", f'<ul><li><a href="{column}">政府信息公开年报</a></li>'
                                                     '<li><a href="/xxgk/zn.html">政府信息公开指南</a></li></ul>'))
        self.w.write("xxgk/zn.html", page("政府信息公开指南", "<p>指南。</p>"))

    def plain(self) -> list:
        return [{"url": r["url"], "title": r["title"], "date": r["date"]} for r in self.records]


# --- the classes -------------------------------------------------------------------------

def build_frames(b: Builder, spelling: str) -> str:
    b.records_at(lambda r, i: f"/gkpt/content/{r['year'] + 1}/{1001 + i}.html")
    b.articles()
    if spelling == "iframe":  # a 信息公开 system framed in: its URLs look like a search (trap rules)
        query = "channelId=ndbg&siteId=1&pageSize=2&pageNo={n}"
        chunks = [b.records[i:i + 2] for i in range(0, len(b.records), 2)]
        for n, chunk in enumerate(chunks, 1):
            nav = f'<a href="list_{n + 1}.jsp?{query.format(n=n + 1)}">下一页</a>' if n < len(chunks) else ""
            b.w.write(f"gkpt/search/list{'' if n == 1 else f'_{n}'}.jsp",
                      page("年报", f'<ul class="list">{list_items(chunk)}</ul><div class="pager">{nav}</div>'))
        # list_N.jsp are the pager's pages; the first is list.jsp
        inner = f'<iframe src="/gkpt/search/list.jsp?{query.format(n=1)}" width="100%" height="600"></iframe>'
        b.w.write("xxgk/ndbg/index.html", page("政府信息公开年报", "<h2>政府信息公开年报</h2>" + inner))
    elif spelling == "frameset":
        first = pager_pages(b.w, "xxgk/ndbg/list", b.records, 2)
        b.w.write("xxgk/ndbg/tree.html", page("栏目", '<a href="/xxgk/index.html">信息公开</a>'))
        b.w.write("xxgk/ndbg/index.html", '<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>政府信息公开年报</title>'
                  f'</head><frameset cols="200,*"><frame src="tree.html" name="tree"><frame src="{first}" name="main">'
                  '</frameset></html>\n')
    else:  # nested: a frame whose page frames the list
        first = pager_pages(b.w, "gkpt/list", b.records, 2)
        b.w.write("xxgk/ndbg/frame/outer.html", page("年报", f'<iframe src="{first}"></iframe>'))
        b.w.write("xxgk/ndbg/index.html", page("政府信息公开年报", '<iframe src="frame/outer.html"></iframe>'))
    b.plan_changes()
    return "/xxgk/ndbg/index.html"


SHELL_SCRIPTS = {
    "fetch-json": ("fetch('/api/content?id={id}').then(function (r) {{ return r.json(); }}).then(function (d) {{"
                   " show(d.data); }});"),
    "xhr-html": ("var x = new XMLHttpRequest(); x.open('GET', '/api/content.html?id={id}');"
                 " x.onload = function () {{ show({{title: '{title}', content: x.responseText}}); }}; x.send();"),
    "jsonp": "",
}


def build_shell(b: Builder, spelling: str) -> str:
    """Report pages that are shells: the text arrives from a content API."""
    b.records_at(lambda r, i: f"/art/{r['year'] + 1}/c_{2001 + i}.html")

    def shell(r, html):
        ident = r["url"].rsplit("_", 1)[1].split(".")[0]
        b.w.write(f"_data/content/{ident}.json", json.dumps({"title": r["title"], "content": _zoom(html)},
                                                            ensure_ascii=False))
        show = ("<script>function show(d) { document.title = d.title; document.getElementById('title').textContent"
                " = d.title; document.getElementById('zoom').innerHTML = d.content; }</script>")
        if spelling == "jsonp":
            load = f'<script src="/api/content.js?id={ident}&callback=cb_{ident}"></script>'
            show += f"<script>function cb_{ident}(d) {{ show(d.data); }}</script>"
        else:
            load = "<script>" + SHELL_SCRIPTS[spelling].format(id=ident, title=r["title"]) + "</script>"
        return page(f"{b.m.organ}门户网站", '<h1 id="title"></h1><div id="zoom">加载中…</div>' + show + load)

    b.articles(shell)
    first = pager_pages(b.w, "xxgk/ndbg", b.records, 2)
    edited = next(r for r in b.records if r["kind"] == "report")
    ident = edited["url"].rsplit("_", 1)[1].split(".")[0]
    b.plan_changes(edit_file=f"{b.m.origin}/_data/content/{ident}.json")
    return first


def build_challenge(b: Builder, spelling: str) -> str:
    """Every path behind a firewall's cookie challenge; one report only as a Word file behind
    a download handler that needs a Referer."""
    b.w.write("_mech.json", json.dumps({"challenge": spelling, "referer": True}))
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}01/t{r['year'] + 1}0115_{3001 + i}.html")
    b.articles()
    last = next(r for r in b.records if r["kind"] == "report" and r["year"] == 2021)
    file = "/upload/2022/report-2021.docx"
    _write_bytes(b.out / b.rel(file), b.office["2021"])
    link = f"/DownLoad.aspx?FilePath={file}&FileName={last['title']}.docx"
    b.w.write(last["url"], page(last["title"], f"<h1>{escape(last['title'])}</h1><p>详见附件。</p>"
                                f'<p>附件：<a href="{link}">{escape(last["title"])}.docx</a></p>'))
    b.m.figures[last["url"]] = "nanhu-2023"
    b.plan_changes()
    return pager_pages(b.w, "xxgk/ndbg", b.records, 2)


PAGER_SCRIPT = """<script>
var n = 1, pages = {pages};
function goPage(k) {{
  fetch('/api/page?n=' + k).then(function (r) {{ return r.text(); }}).then(function (html) {{
    var list = document.getElementById('list');
    if ({append}) list.insertAdjacentHTML('beforeend', html); else list.innerHTML = html;
    n = k; var next = document.getElementById('next');
    if (n >= pages) {{ if ({append}) next.style.display = 'none'; else next.className = 'disabled'; }}
    else if (next.tagName === 'A' && next.getAttribute('href').indexOf('goPage') > 0) next.setAttribute('href', 'javascript:goPage(' + (n + 1) + ')');
  }});
}}
{bind}
</script>"""


def build_pager(b: Builder, spelling: str) -> str:
    """Page 1 of the list is static; the later pages only through a pager that is no link."""
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/c{4001 + i}.html")
    b.articles()
    b.data("list.json", b.plain())
    pages = -(-len(b.records) // 2)
    first = list_items(b.plain()[:2])
    if spelling == "form-post":  # ASP.NET: __doPostBack with the page's hidden state
        def form(n):
            nav = (f'<a href="javascript:__doPostBack(\'pager\',\'{n + 1}\')">下一页</a>' if n < pages
                   else '<a class="disabled" disabled="disabled">下一页</a>')
            return page("政府信息公开年报", '<form method="post" action="list.aspx" id="form1">'
                        '<input type="hidden" name="__VIEWSTATE" value="dDwtMTA4MjE0NjYxMzs7Pg==">'
                        '<input type="hidden" name="__EVENTTARGET" value=""><input type="hidden" name="__EVENTARGUMENT" value="">'
                        f'<ul class="list">{list_items(b.plain()[(n - 1) * 2:n * 2])}</ul><div class="pager">{nav}</div></form>'
                        "<script>function __doPostBack(t, a) { var f = document.getElementById('form1');"
                        " f.__EVENTTARGET.value = t; f.__EVENTARGUMENT.value = a; f.submit(); }</script>")
        b.w.write("xxgk/ndbg/list.aspx", form(1))
        for n in range(2, pages + 1):
            b.w.write(f"xxgk/ndbg/list_{n}.aspx.html", form(n))
        b.plan_changes()
        return "/xxgk/ndbg/list.aspx"
    control = {"js-href": '<a id="next" href="javascript:goPage(2)">下一页</a>',
               "button": '<button type="button" id="next">下一页</button>',
               "load-more": '<a id="next" href="javascript:;" class="more">加载更多</a>'}[spelling]
    bind = "" if spelling == "js-href" else \
        "document.getElementById('next').onclick = function () { if (n < pages) goPage(n + 1); return false; };"
    script = PAGER_SCRIPT.format(pages=pages, append="true" if spelling == "load-more" else "false", bind=bind)
    b.w.write("xxgk/ndbg/index.html", page("政府信息公开年报", f'<ul class="list" id="list">{first}</ul>'
                                                          f'<div class="pager">{control}</div>' + script))
    b.plan_changes()
    return "/xxgk/ndbg/index.html"


def build_download(b: Builder, spelling: str) -> str:
    """Reports published only as files behind a download handler (application/octet-stream)."""
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/c{5001 + i}.html")
    for n, r in enumerate(b.records):
        if r["kind"] != "report":
            continue
        file = f"/upload/{r['year'] + 1}/{6001 + n}.docx"
        _write_bytes(b.out / b.rel(file), b.office[str(r["year"])])
        if spelling == "aspx":
            r["url"] = f"/DownLoad.aspx?FilePath={file}&FileName={r['title']}.docx"
        elif spelling == "jsp-id":
            r["url"] = f"/downfile.jsp?id={6001 + n}"
            (b.out / b.rel(file)).rename(b.out / b.rel(f"/upload/{6001 + n}.bin"))
            file = f"/upload/{6001 + n}.bin"
        r["file"] = file
    if spelling == "aspx":  # and the city's PDF behind the same handler
        pdf = "/upload/2025/huaian-2024.pdf"
        _write_bytes(b.out / b.rel(pdf), (SAMPLES / "huaian-2024.pdf").read_bytes())
        b.records.insert(0, {"kind": "report", "year": 2024, "title": "淮安市人民政府2024年政府信息公开工作年度报告",
                             "date": "2025-01-15", "url": f"/DownLoad.aspx?FilePath={pdf}&FileName=2024年报.pdf",
                             "file": pdf, "label": "huaian-2024"})
    for r in b.records:
        if r["kind"] == "distractor":
            b.m.distractors.append(r["url"])
            b.w.write(r["url"], page(r["title"], f"<h1>{escape(r['title'])}</h1><p>（略）</p>"))
        elif spelling == "attachment":  # the report page only links its file
            link = f"/DownLoad.aspx?FilePath={r['file']}&FileName={r['title']}.docx"
            b.w.write(r["url"], page(r["title"], f"<h1>{escape(r['title'])}</h1><p>详见附件。</p>"
                                     f'<p><a href="{link}">{escape(r["title"])}.docx</a></p>'))
            b.m.reports.append(r["url"])
            b.m.figures[r["url"]] = "nanhu-2023"
        else:
            b.m.reports.append(r["url"])
            b.m.figures[r["url"]] = r.get("label", "nanhu-2023")
    reports = [r for r in b.records if r["kind"] == "report" and "label" not in r]
    _write_bytes(b.out / b.m.origin / "_data" / "edited.docx", b.office["edited"])
    b.m.edit = {"file": b.rel(reports[0]["file"]), "source": f"{b.m.origin}/_data/edited.docx",
                "report": reports[0]["url"]}
    if spelling == "attachment":  # the page is what is revalidated: its text is edited, it is removed
        b.m.edit = {"file": b.rel(reports[0]["url"]), "old": "详见附件。", "new": "详见附件（已更新）。",
                    "report": reports[0]["url"]}
        b.m.removal = {"file": b.rel(reports[1]["url"]), "report": reports[1]["url"]}
    else:
        b.m.removal = {"file": b.rel(reports[1]["file"]), "report": reports[1]["url"]}
    return pager_pages(b.w, "xxgk/ndbg", b.records, 2)


def build_scanned(b: Builder, spelling: str) -> str:
    """One report only as a scanned PDF (pictures, no text layer)."""
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/c{7001 + i}.html")
    b.articles()
    scan = {"kind": "report", "year": 2020, "title": f"{b.m.organ}2020年政府信息公开工作年度报告",
            "date": "2021-01-15", "url": "/xxgk/ndbg/2021/P020210115_scan.pdf"}
    _write_bytes(b.out / b.rel(scan["url"]), scanned_pdf())
    b.records.append(scan)
    b.m.reports.append(scan["url"])
    b.m.image_only.append(scan["url"])
    b.plan_changes()
    return pager_pages(b.w, "xxgk/ndbg", b.records, 2)


def build_subcolumns(b: Builder, spelling: str) -> str:
    """年报 → 2023年 (→ a department) → the list: sub-columns several levels deep."""
    departments = [("jyj", "县教育局"), ("czj", "县财政局")]
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/{departments[i % 2][0]}/c{8001 + i}.html"
                 if spelling == "year-dept" else f"/xxgk/ndbg/{r['year'] + 1}/c{8001 + i}.html")
    b.articles()
    years = sorted({r["year"] + 1 for r in b.records}, reverse=True)
    for year in years:
        mine = [r for r in b.plain() if f"/{year}/" in r["url"]]
        if spelling == "year-dept":
            for code, name in departments:
                rows = [r for r in mine if f"/{code}/" in r["url"]]
                b.w.write(f"xxgk/ndbg/{year}/{code}/index.html", page(name, f'<ul class="list">{list_items(rows)}</ul>'))
            body = "".join(f'<li><a href="{code}/index.html">{name}</a></li>' for code, name in departments)
        else:
            body = list_items(mine)
        b.w.write(f"xxgk/ndbg/{year}/index.html", page(f"{year}年", f'<ul class="list">{body}</ul>'))
    b.w.write("xxgk/ndbg/index.html", page("政府信息公开年报", "<ul>" + "".join(
        f'<li><a href="{y}/index.html">{y - 1}年度</a></li>' for y in years) + "</ul>"))
    b.plan_changes()
    return "/xxgk/ndbg/index.html"


def build_scripted_links(b: Builder, spelling: str) -> str:
    """List items a person clicks that are not links: onclick, data-href, a script function."""
    b.records_at(lambda r, i: f"/art/{r['year'] + 1}/art_{9001 + i}.html")
    b.articles()

    def item(r):
        title = escape(r["title"])
        if spelling == "onclick":
            return f"<li onclick=\"window.open('{r['url']}')\" title=\"{title}\">{title}<span>{r['date']}</span></li>"
        if spelling == "data-href":
            return f'<tr data-href="{r["url"]}"><td>{title}</td><td>{r["date"]}</td></tr>'
        return f"<li><a href=\"javascript:void(0)\" onclick=\"openArticle('{r['url']}')\">{title}</a></li>"

    chunks = [b.records[i:i + 2] for i in range(0, len(b.records), 2)]
    for n, chunk in enumerate(chunks, 1):
        items = "".join(item(r) for r in chunk)
        body = f"<table>{items}</table>" if spelling == "data-href" else f"<ul>{items}</ul>"
        nav = f'<a href="list_{n + 1}.html">下一页</a>' if n < len(chunks) else ""
        b.w.write(f"xxgk/ndbg/list_{n}.html", page("政府信息公开年报", body + f'<div class="pager">{nav}</div>'
                  "<script>function openArticle(u) { window.open(u); }</script>"))
    b.plan_changes()
    return "/xxgk/ndbg/list_1.html"


def build_year_select(b: Builder, spelling: str) -> str:
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/c{9501 + i}.html")
    b.articles()
    years = sorted({r["year"] for r in b.records}, reverse=True)
    for year in years:
        b.w.write(f"xxgk/ndbg/list_{year}.html", page(f"{year}年", '<ul class="list">' + list_items(
            [r for r in b.plain() if r["title"].find(f"{year}年") >= 0]) + "</ul>"))
    options = "".join(f'<option value="list_{y}.html">{y}年</option>' for y in years)
    b.w.write("xxgk/ndbg/index.html", page("政府信息公开年报", '<select onchange="location.href=this.value">'
                                                          f'<option value="">请选择年份</option>{options}</select>'))
    b.plan_changes()
    return "/xxgk/ndbg/index.html"


POST_JSON = """<ul class="list" id="list"></ul><div class="pager"><button type="button" id="next">下一页</button></div>
<script>
var n = 1;
function load() {
  fetch('/api/list/query', {method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({channelId: 'ndbg', pageNo: n, pageSize: 2, _t: Date.now()})})
    .then(function (r) { return r.json(); }).then(function (d) {
      document.getElementById('list').innerHTML = d.data.list.map(function (a) {
        return "<li><a href='" + a.url + "' title='" + a.title + "'>" + a.title + "</a></li>"; }).join('');
      if (n >= d.data.totalPage) document.getElementById('next').disabled = true;
    });
}
document.getElementById('next').onclick = function () { n += 1; load(); };
load();
</script>"""
JSONP_LIST = """<ul class="list" id="list"></ul><div class="pager"><a href="javascript:;" id="next">下一页</a></div>
<script>
var n = 1;
function render(d) {
  document.getElementById('list').innerHTML = d.rows.map(function (a) {
    return "<li><a href='" + a.url + "' title='" + a.title + "'>" + a.title + "</a></li>"; }).join('');
  if (n >= d.pages) document.getElementById('next').className = 'disabled';
}
function load() { var s = document.createElement('script'); s.src = '/api/jsonp/list?page=' + n + '&callback=render';
  document.body.appendChild(s); }
document.getElementById('next').onclick = function () { n += 1; load(); return false; };
load();
</script>"""


def build_script_list(b: Builder, spelling: str) -> str:
    """A list only a script draws: POSTed JSON with a timestamp, or JSONP."""
    b.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/d{9701 + i}.html")
    b.articles()
    b.data("list.json", b.plain())
    b.w.write("xxgk/ndbg/index.html", page("政府信息公开年报", POST_JSON if spelling == "post-json" else JSONP_LIST))
    b.plan_changes()
    return "/xxgk/ndbg/index.html"


def build_other_host(b: Builder, spelling: str) -> str:
    """The portal's 信息公开 is a platform on another host of the organ."""
    other = b.m.origin + "-gk"
    b.m.other_origin = other
    gk = Builder(b.out, Mechanism(**{**asdict(b.m), "origin": other, "reports": [], "distractors": []}), b.office)
    gk.records_at(lambda r, i: f"/xxgk/ndbg/{r['year'] + 1}/c{9901 + i}.html")
    gk.articles()
    first = pager_pages(gk.w, "xxgk/ndbg", gk.records, 2)
    gk.home(first)
    gk.plan_changes()
    b.m.reports, b.m.distractors, b.m.figures = gk.m.reports, gk.m.distractors, gk.m.figures
    b.m.edit, b.m.removal = gk.m.edit, gk.m.removal
    return f"http://{{{{netloc:{other}}}}}/xxgk/index.html"


BUILDERS = {"frames": build_frames, "shell": build_shell, "challenge": build_challenge, "pager": build_pager,
            "download": build_download, "scanned": build_scanned, "subcolumns": build_subcolumns,
            "scripted-links": build_scripted_links, "year-select": build_year_select,
            "script-list": build_script_list, "other-host": build_other_host, "search": build_search,
            "republished": build_republished, "split": build_split}


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def office_files(organs: list[str]) -> dict:
    """Word (DOCX) reports of 2021–2023 and an edited 2021 one for each organ, converted by
    LibreOffice (one run for all) from real report pages; {organ: {year or 'edited': bytes}}.
    Each organ's files are its own documents: one file served by two portals would be one
    report, archived as the portal's that found it first (an overlap), whichever crawls first."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("the download-handler portals need LibreOffice (soffice) to build their Word files")
    if not organs:
        return {}
    with tempfile.TemporaryDirectory() as tmp:
        names = {}
        for o, organ in enumerate(organs):
            for key, year in (("2021", 2021), ("2022", 2022), ("2023", 2023), ("edited", 2021)):
                html = report_page(f"{organ}{year}年政府信息公开工作年度报告", organ, year)
                if key == "edited":
                    html = html.replace(EDIT_FROM, EDIT_TO)
                (Path(tmp) / f"r{o}_{key}.html").write_text(html, encoding="utf-8")
                names[(organ, key)] = f"r{o}_{key}"
        subprocess.run([soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--convert-to",
                        "docx:MS Word 2007 XML", "--outdir", tmp, *[f"{tmp}/{n}.html" for n in names.values()]],
                       capture_output=True, timeout=300, check=True)
        out: dict = {}
        for (organ, key), n in names.items():
            out.setdefault(organ, {})[key] = (Path(tmp) / f"{n}.docx").read_bytes()
        return out


def build(out: Path, spec: dict | None = None) -> list[Mechanism]:
    """Every class × spelling of the description, one portal (origin) each; out/mechanisms.json."""
    spec = spec or description()
    hosts, portals = spec["hosts"], []
    organ_of = lambda k: f"复刻机制{k + 1:02d}县人民政府"  # noqa: E731
    cells = [cls for cls, spellings in spec["classes"].items() for _ in spellings]
    office = office_files([organ_of(k) for k, cls in enumerate(cells) if cls in ("download", "challenge")])
    k = 0
    for cls, spellings in spec["classes"].items():
        for spelling in spellings:
            name = f"{cls}-{spelling}"
            m = Mechanism(name=name, family=cls, spelling=spelling, placement="root", host=hosts[k % len(hosts)],
                          origin=name, prefix="/", organ=organ_of(k))
            b = Builder(out, m, office.get(m.organ, {}))
            column = BUILDERS[cls](b, spelling)
            if cls == "other-host":
                b.w.write("index.html", page(f"{m.organ}门户", f'<a href="{column}">信息公开</a>'))
            elif column:  # (a portal reached only by its search writes its own pages)
                b.home(column)
            portals.append(m)
            k += 1
    (out / "mechanisms.json").write_text(json.dumps([asdict(m) for m in portals], ensure_ascii=False, indent=1),
                                         encoding="utf-8")
    return portals


def origins(portals: list[Mechanism]) -> dict[str, str]:
    """origin folder -> loopback host it is served on (another host's platform on the next address)."""
    out = {}
    for m in portals:
        out[m.origin] = m.host
        if m.other_origin:
            last = int(m.host.rsplit(".", 1)[1])
            out[m.other_origin] = f"127.0.0.{last + 10}"
    return out


if __name__ == "__main__":
    built = build(Path(sys.argv[1]))
    print(f"{len(built)} mechanism portals in {sys.argv[1]}")
