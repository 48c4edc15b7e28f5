"""Round 3 of the world's portals: publication mechanisms neither tests/world/portals.py nor
replica/mechanisms*.py build — a 信息公开 platform on another host with its own paging API,
a 200-entry list sorted oldest first, year sub-columns four levels deep, reports only as
attachments of a notice, links whose text is only the year under a heading, GBK pages whose
declared charset lies, `../` beyond the root, absolute links in other spellings of the host,
a frameset homepage with a 404 frame, HTTP-200 soft-404 pages, one report under three
paths, and a column that moves between two crawls (a re-crawl in the test).

Each case knows its truth (as in portals.py): report paths with the labelled report whose
cells they carry, organ and year; distractors; for `second`, the routes served at the
re-crawl and the reports that must then be current, each once.

    cases = generate(seed=0)
    sites = serve(case, host, other_host)    # {"main": Site, "other": Site | None}
"""
from __future__ import annotations

import copy
import html
import json
import random
from urllib.parse import parse_qs, urlsplit

from ..conftest import label
from .captures import docx
from .portals import LABELS_2019, LABELS_2021, Builder, Case, Report, li, page, report_body, report_title
from .server import Answer, Site

OTHER = "__OTHER_NETLOC__"  # replaced by the platform host's host:port when served
SELF = "__SELF_NETLOC__"  # replaced by the portal's own host:port


def _label_for(b: Builder, year: int) -> str:
    return b.rng.choice(LABELS_2021 if year >= 2021 else LABELS_2019)


# --- classes ------------------------------------------------------------------------------

def platform_api(b: Builder, spelling: str):
    """The 年报 column is on the organ's 信息公开 platform (another host): its page is a shell
    whose list comes from the platform's paging API — GET with pageNo/pageSize, or POST of a
    form — 3 reports a page, the total in the answer."""
    b.case.other = {}
    reports = []
    for i, year in enumerate(b.years[:6]):
        path = f"/xxgk/detail?id={7700 + i}&catalogId=nb"
        name = _label_for(b, year)
        b.case.other[path] = Answer(200, report_body(name, b.case.organ, year).encode())
        b.case.reports.append(Report(path, name, b.case.organ, year))
        reports.append({"title": report_title(b.case.organ, year), "url": path, "date": f"{year + 1}-01-20"})
    per = 3

    def api(h):
        q = parse_qs(urlsplit(h.path).query)
        if h.command == "POST":
            n = int(h.headers.get("Content-Length") or 0)
            q = parse_qs(h.rfile.read(n).decode())
        page_no = int((q.get("pageNo") or ["1"])[0])
        rows = reports[(page_no - 1) * per:page_no * per]
        body = json.dumps({"code": 0, "data": {"total": len(reports), "pageNo": page_no, "pageSize": per,
                                               "list": rows}}, ensure_ascii=False).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json;charset=UTF-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    b.case.other["/api/catalog/list"] = api
    call = ({"get": 'fetch("/api/catalog/list?catalogId=nb&pageSize=3&pageNo="+n)',
             "post": 'fetch("/api/catalog/list",{method:"POST",headers:{"Content-Type":"application/x-www-form-urlencoded"},'
                     'body:"catalogId=nb&pageSize=3&pageNo="+n})'}[spelling])
    shell = page("政府信息公开年报", '<ul id="list"></ul><div id="pager"></div><script>'
                 'function load(n){' + call + '.then(function(r){return r.json();}).then(function(d){'
                 'var ul=document.getElementById("list");ul.innerHTML="";d.data.list.forEach(function(x){'
                 'var l=document.createElement("li");l.innerHTML=\'<a href="\'+x.url+\'">\'+x.title+\'</a><span>\'+x.date+\'</span>\';'
                 'ul.appendChild(l);});var pages=Math.ceil(d.data.total/d.data.pageSize);var p=document.getElementById("pager");'
                 'p.innerHTML="";for(var k=1;k<=pages;k++){(function(k){var a=document.createElement("span");a.textContent=k;'
                 'a.style.cursor="pointer";a.onclick=function(){load(k);};p.appendChild(a);})(k);}'
                 'if(n<pages){var nx=document.createElement("span");nx.textContent="下一页";nx.onclick=function(){load(n+1);};'
                 'p.appendChild(nx);}});}load(1);</script>')
    b.case.other["/xxgk/catalog/nb.html"] = Answer(200, shell.encode())
    b.case.other["/"] = Answer(200, page(b.case.organ + "信息公开平台",
                                         '<a href="/xxgk/catalog/nb.html">政府信息公开年报</a>').encode())
    b.add("/", page(b.case.organ, f'<ul><li><a href="/about.html">本站概况</a></li><li><a href="http://{OTHER}/">政府信息公开</a></li>'
                                  f'<li><a href="http://{OTHER}/xxgk/catalog/nb.html">政府信息公开年报</a></li></ul>'))
    b.case.needs_browser = True


def oldest_first(b: Builder, spelling: str):
    """A county's 年报 column listing every department's report since 2019, oldest first,
    20 a page (11 pages, `index_N.html` or `?page=N`): 210 entries, the newest at the end."""
    depts = ["发展和改革局", "教育局", "科学技术局", "公安局", "民政局", "司法局", "财政局", "人力资源和社会保障局",
             "自然资源和规划局", "生态环境分局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局",
             "文化和广电旅游体育局", "卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局",
             "统计局", "医疗保障局", "综合行政执法局", "林业局", "人民政府办公室", "信访局", "大数据发展管理局",
             "民族宗教事务局", "供销合作社", "机关事务管理中心", "档案馆", "人民防空办公室", "人民政府"]
    entries = []
    for year in range(2019, 2025):
        for d in depts:
            organ = b.case.organ.replace("人民政府", d) if d != "人民政府" else b.case.organ
            entries.append((organ, year))
    entries = entries[:210]
    items = []
    for i, (organ, year) in enumerate(entries):
        path = f"/art/{year + 1}/{i // 20 + 1}/{i % 20 + 1}/art_1229_{50000 + i}.html"
        b.report(path, year, organ=organ)
        items.append(li(path, report_title(organ, year)))
    per, col = 20, "/col/col1229/index.html"
    pages = [items[k:k + per] for k in range(0, len(items), per)]
    for k, chunk in enumerate(pages):
        url = col if k == 0 else ({"index": f"/col/col1229/index_{k + 1}.html", "query": f"{col}?uid=1&pageNum={k + 1}"}[spelling])
        nxt = ({"index": f"/col/col1229/index_{k + 2}.html", "query": f"{col}?uid=1&pageNum={k + 2}"}[spelling]
               if k + 1 < len(pages) else None)
        pager = f'<a href="{col}">首页</a> ' + (f'<a href="{nxt}">下一页</a> ' if nxt else "") + f"共{len(pages)}页"
        b.add(url, page("政府信息公开年报", "<ul>" + "".join(chunk) + f"</ul><div class=pager>{pager}</div>"))
    b.home(col)


def deep_subcolumns(b: Builder, spelling: str):
    """年报 → 2023年度 → 部门 / 乡镇 → 单位 → the list: four levels of sub-columns, each a
    page of links (or, `tabs`: a level drawn as tab links with ?tab=)."""
    root = "/zfxxgk/ndbg/"
    b.home(root)
    level1 = []
    for year in (2023, 2022):
        y = f"{root}{year}/"
        level1.append(f'<li><a href="{y}">{year}年度</a></li>')
        level2 = []
        for kind, names in (("bm", ["教育局", "财政局"]), ("xz", ["城关镇", "新兴乡"])):
            k = f"{y}{kind}/" if spelling == "folders" else f"{y}index.html?tab={kind}"
            level2.append(f'<li><a href="{k}">{"部门" if kind == "bm" else "乡镇（街道）"}</a></li>')
            level3 = []
            for j, name in enumerate(names):
                organ = b.case.organ.replace("人民政府", name) if kind == "bm" else b.case.organ.replace("县人民政府", "") + name + "人民政府"
                u = f"{y}{kind}/{j}/" if spelling == "folders" else f"{y}unit.html?tab={kind}&unit={j}"
                level3.append(f'<li><a href="{u}">{html.escape(organ)}</a></li>')
                path = f"{y}{kind}/{j}/bg{year}.html"
                b.report(path, year, organ=organ)
                b.add(u, page(organ, "<ul>" + li(path, report_title(organ, year)) + "</ul>"))
            b.add(k, page("年度报告", "<ul>" + "".join(level3) + "</ul>"))
        b.add(y, page(f"{year}年度", "<ul>" + "".join(level2) + "</ul>"))
        if spelling == "tabs":
            b.add(f"{y}index.html", page(f"{year}年度", "<ul>" + "".join(level2) + "</ul>"))
    b.add(root, page("政府信息公开年度报告", "<ul>" + "".join(level1) + "</ul>"))


def notice_attachments(b: Builder, spelling: str):
    """Reports only as attachments of a notice (关于公开2023年度政府信息公开工作年度报告的通知:
    详见附件), the files named 附件1…; a Word file (DOCX) or behind a download handler."""
    col = "/xxgk/tzgg/"
    rows = []
    year = 2023
    organs = [b.case.organ.replace("人民政府", d) for d in ("教育局", "财政局", "民政局")]
    links = []
    for i, organ in enumerate(organs):
        chosen = b.rng.choice(LABELS_2021)
        lab = copy.deepcopy(label(chosen))
        lab["agency"], lab["report_year"] = organ, year
        data, _ = docx(lab, random.Random(i))
        path = {"docx": f"/xxgk/tzgg/202401/P0202401{i}.docx",
                "handler": f"/common/DownLoad.aspx?FilePath=/upload/2024/{i}.docx&FileName={i}.docx"}[spelling]
        ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.document" if spelling == "docx" else "application/octet-stream"
        b.case.routes[path] = Answer(200, data, [], ct)
        b.case.reports.append(Report(path, chosen, organ, year))
        links.append(f'<p><a href="{html.escape(path)}">附件{i + 1}：{html.escape(report_title(organ, year))}.docx</a></p>')
    notice = f"/xxgk/tzgg/202401/t20240125_{901}.html"
    b.add(notice, page(f"关于公开{b.case.organ}各部门{year}年度政府信息公开工作年度报告的通知",
                       f"<h1>关于公开各部门{year}年度政府信息公开工作年度报告的通知</h1><p>各部门{year}年度政府信息公开工作年度报告已编制完成，"
                       "现予公开，详见附件。</p>" + "".join(links)))
    rows.append(li(notice, f"关于公开各部门{year}年度政府信息公开工作年度报告的通知"))
    b.add(col, page("通知公告", "<ul>" + "".join(rows) + "</ul>"))
    b.add("/", page(b.case.organ, f'<ul><li><a href="/about.html">本站概况</a></li><li><a href="{col}">通知公告</a></li>'
                                  '<li><a href="/xxgk/zfxxgknb/">政府信息公开年报</a></li></ul>'))
    b.add("/xxgk/zfxxgknb/", page("政府信息公开年报", f"<ul>{li(notice, f'关于公开各部门{year}年度政府信息公开工作年度报告的通知')}</ul>"))


def year_only_links(b: Builder, spelling: str):
    """Under a heading naming the series, links whose text is only the year (2023年 /
    2023年度 / 2023), in a row or a table cell."""
    col = "/zwgk/gknb/index.html"
    fmt = {"nian": "{}年", "niandu": "{}年度", "bare": "{}"}[spelling]
    links = []
    for i, year in enumerate(b.years[:4]):
        path = f"/zwgk/gknb/{year}/content_{3300 + i}.html"
        b.report(path, year)
        links.append(f'<a href="{path}">{fmt.format(year)}</a>')
    body = (f"<h3>{html.escape(b.case.organ)}政府信息公开工作年度报告</h3><p>" + " | ".join(links) + "</p>"
            "<h3>政府信息公开指南</h3><p><a href=\"/zwgk/zn.html\">查看</a></p>")
    b.add("/zwgk/zn.html", page("政府信息公开指南", "<p>指南</p>"))
    b.add(col, page("政府信息公开", body))
    b.home(col, "政府信息公开")


def lying_charset(b: Builder, spelling: str):
    """GBK/GB18030 pages whose declared charset lies as browsers forgive: meta gb2312 over
    GBK-only characters; meta gbk over GB18030 four-byte characters; a UTF-8 BOM under a
    meta gbk (the BOM wins in a browser). The organ's name carries those characters."""
    rare = {"gb2312-gbk": "珺堃", "gbk-gb18030": "㙟䶮", "bom-utf8": "珺㙟"}[spelling]
    b.case.organ = b.case.organ.replace("人民政府", "") + rare + "镇人民政府"
    declared, encoding = {"gb2312-gbk": ("gb2312", "gbk"), "gbk-gb18030": ("gbk", "gb18030"),
                          "bom-utf8": ("gbk", "utf-8-sig")}[spelling]
    col = "/xxgk/gknb/index.htm"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/gknb/{year + 1}01/t{year + 1}0108_{i + 41}.htm"
        name = _label_for(b, year)
        body = report_body(name, b.case.organ, year).replace('charset="utf-8"', f'charset="{declared}"').replace(
            "charset=utf-8", f"charset={declared}")
        b.add(path, body.encode(encoding), content_type="text/html")
        b.case.reports.append(Report(path, name, b.case.organ, year))
        items.append(li(path, report_title(b.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>", charset=declared).encode(encoding),
          content_type="text/html")
    b.add("/", page(b.case.organ, f'<a href="{col}">政府信息公开年报</a>', charset=declared).encode(encoding),
          content_type="text/html")


def dotdot(b: Builder, spelling: str):
    """Relative links that climb past the root (../../../../xxgk/…, resolved to the root as
    browsers do), or mix ./, // and ../ in one href."""
    col = "/a/b/nb/index.html"
    items = []
    for i, year in enumerate(b.years[:3]):
        real = f"/xxgk/nb/{year}/bg_{i}.html"
        href = {"beyond-root": f"../../../../../..{real}", "mixed": f"./.././../.././/xxgk/./nb/{year}/../{year}/bg_{i}.html"}[spelling]
        b.report(real, year)
        items.append(li(href, report_title(b.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def host_spellings(b: Builder, spelling: str):
    """Absolute links to the portal itself in other spellings: scheme-relative //host:port/,
    an upper-case scheme and host, a default-looking `:80`-less… (the seeded netloc, spelled
    HTTP://HOST), a trailing dot-less userinfo-free form with `#fragment` and `?` noise."""
    col = "/xxgk/nb/list.html"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/nb/{year}/t_{i}.html"
        href = {"scheme-relative": f"//{SELF}{path}", "upper": f"HTTP://{SELF}{path}".upper().replace(path.upper(), path),
                "fragment": f"http://{SELF}{path}#zoom"}[spelling]
        b.report(path, year)
        items.append(li(href, report_title(b.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(f"http://{SELF}{col}" if spelling != "scheme-relative" else f"//{SELF}{col}")


def frameset_404(b: Builder, spelling: str):
    """The homepage is a <frameset> whose main frame is a 404 (a moved page nobody fixed); the
    navigation is in the other frame, or only in <noframes>."""
    col = "/xxgk/gknb/"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/gknb/{year}.html"
        b.report(path, year)
        items.append(li(path, report_title(b.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    nav = f'<a href="{col}">政府信息公开年报</a>'
    if spelling == "nav-frame":
        frames = '<frameset rows="80,*"><frame src="/top.html"><frame src="/main/index_old.html"></frameset>'
        b.add("/top.html", page(b.case.organ, nav))
    else:
        frames = f'<frameset rows="100%"><frame src="/main/index_old.html"><noframes><body>{nav}</body></noframes></frameset>'
    b.add("/", f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(b.case.organ)}</title></head>{frames}</html>')


def soft_404(b: Builder, spelling: str):
    """Dead report links answer HTTP 200 with the site's "页面不存在" page (titled with the
    site's name, its navigation and a list of the latest news); pager pages past the end
    answer the same. Those pages are not reports."""
    col = "/xxgk/zfxxgknb/"
    soft = page(b.case.organ, '<div class="nav"><a href="/">首页</a> <a href="/xxgk/">信息公开</a></div>'
                              '<div class="err"><h2>对不起，您访问的页面不存在或已被删除！</h2><p>5秒后返回首页</p></div>'
                              '<div class="news"><h3>最新动态</h3><ul>' + "".join(
                                  f'<li><a href="/news/{k}.html">关于做好政府信息公开工作的通知（{k}）</a></li>' for k in range(6))
                + "</ul></div>")
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/xxgk/zfxxgknb/{year}/nb.html"
        b.report(path, year)
        items.append(li(path, report_title(b.case.organ, year)))
    for year in b.years[3:5]:
        dead = f"/xxgk/zfxxgknb/{year}/nb_old.html"
        b.case.distractors.append(dead)
        items.append(li(dead, report_title(b.case.organ, year) + "（旧版）"))
    pager = '<a href="?page=2">下一页</a>' if spelling == "pager" else ""
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>" + pager))
    b.home(col)
    b.case.routes["__fallback__"] = lambda path: Answer(200, soft.encode())


def three_spellings(b: Builder, spelling: str):
    """The list links each report under three paths a CMS serves it at (its column path, its
    article path, its module path), one body: one report, archived once."""
    col = "/col/col4411/index.html"
    items = []
    for i, year in enumerate(b.years[:3]):
        art = f"/art/{year + 1}/1/1{i}/art_4411_{8100 + i}.html"
        paths = [art, f"/col/col4411/art_{8100 + i}.html", f"/module/xxgk/show.jsp?infoid={8100 + i}"]
        name = _label_for(b, year)
        body = report_body(name, b.case.organ, year)
        for p in paths:
            b.add(p, body)
        b.case.reports.append(Report(art, name, b.case.organ, year, also=tuple(paths[1:])))
        order = paths if spelling == "adjacent" else paths[::-1]
        for p in order:
            items.append(li(p, report_title(b.case.organ, year)))
    if spelling == "spread":
        b.rng.shuffle(items)
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def column_moves(b: Builder, spelling: str):
    """Between two crawls the site is rebuilt: the column and its reports move to new paths
    (the old ones 301 to the new, or just 404), same bodies. After the re-crawl every report
    is current exactly once."""
    old_col, new_col = "/xxgk/nb/index.html", "/zfxxgk/fdzdgknr/ndbg/index.shtml"
    items_old, items_new, second = [], [], {}
    for i, year in enumerate(b.years[:3]):
        old, new = f"/xxgk/nb/{year}/t_{i}.html", f"/zfxxgk/fdzdgknr/ndbg/{year}/art_{i + 10}.shtml"
        name = _label_for(b, year)
        body = report_body(name, b.case.organ, year).encode()
        b.case.routes[old] = Answer(200, body)
        b.case.reports.append(Report(old, name, b.case.organ, year, also=(new,)))
        second[new] = Answer(200, body)
        if spelling == "redirect":
            second[old] = Answer(301, b"", [("Location", new)])
        items_old.append(li(old, report_title(b.case.organ, year)))
        items_new.append(li(new, report_title(b.case.organ, year)))
    b.add(old_col, page("政府信息公开年报", "<ul>" + "".join(items_old) + "</ul>"))
    b.home(old_col)
    second[new_col] = Answer(200, page("政府信息公开年报", "<ul>" + "".join(items_new) + "</ul>").encode())
    if spelling == "redirect":
        second[old_col] = Answer(301, b"", [("Location", new_col)])
    second["/"] = Answer(200, page(b.case.organ, f'<ul><li><a href="/about.html">本站概况</a></li>'
                                                 f'<li><a href="{new_col}">政府信息公开年报</a></li></ul>').encode())
    b.case.second = second


def matrix(b: Builder, spelling: str):
    """A summary table of the county's reports: one row per organ, one column per year, each
    cell a link 「查看」 (or the year) — the title is the row's organ and the column's year."""
    col = "/zwgk/bmnb/index.html"
    organs = [b.case.organ] + [b.case.organ.replace("人民政府", d) for d in ("教育局", "财政局", "卫生健康局")]
    years = [2023, 2022, 2021]
    head = "<tr><th>单位</th>" + "".join(f"<th>{y}年度</th>" for y in years) + "</tr>"
    rows = []
    for i, organ in enumerate(organs):
        cells = []
        for year in years:
            path = f"/zwgk/bmnb/{year}/{i:02d}.html"
            b.report(path, year, organ=organ)
            text = {"view": "查看", "year": f"{year}"}[spelling]
            cells.append(f'<td><a href="{path}">{text}</a></td>')
        rows.append(f"<tr><td>{html.escape(organ)}</td>{''.join(cells)}</tr>")
    b.add(col, page("政府信息公开工作年度报告", f"<h3>各单位政府信息公开工作年度报告</h3><table>{head}{''.join(rows)}</table>"))
    b.home(col, "政府信息公开年报")


def select_jump(b: Builder, spelling: str):
    """The reports offered in a drop-down a person picks from (`onchange` goes to the
    option's URL), or a 跳转 button beside it."""
    col = "/xxgk/nb/index.html"
    options = []
    for i, year in enumerate(b.years[:4]):
        path = f"/xxgk/nb/{year}/nb_{i}.html"
        b.report(path, year)
        options.append(f'<option value="{path}">{html.escape(report_title(b.case.organ, year))}</option>')
    select = {"onchange": '<select onchange="if(this.value)location.href=this.value"><option value="">请选择年度报告</option>'
                          + "".join(options) + "</select>",
              "button": '<select id="nb"><option value="">请选择年度报告</option>' + "".join(options) + '</select>'
                        '<button onclick="var v=document.getElementById(\'nb\').value;if(v)window.location=v;">跳转</button>'}[spelling]
    b.add(col, page("政府信息公开年报", f"<p>年度报告：{select}</p>"))
    b.home(col)


CLASSES = {
    "platform-api": (platform_api, ["get", "post"]),
    "oldest-first": (oldest_first, ["index", "query"]),
    "deep-subcolumns": (deep_subcolumns, ["folders", "tabs"]),
    "notice-attachments": (notice_attachments, ["docx", "handler"]),
    "year-only-links": (year_only_links, ["nian", "niandu", "bare"]),
    "lying-charset": (lying_charset, ["gb2312-gbk", "gbk-gb18030", "bom-utf8"]),
    "dotdot": (dotdot, ["beyond-root", "mixed"]),
    "host-spellings": (host_spellings, ["scheme-relative", "upper", "fragment"]),
    "frameset-404": (frameset_404, ["nav-frame", "noframes"]),
    "soft-404": (soft_404, ["links", "pager"]),
    "three-spellings": (three_spellings, ["adjacent", "spread"]),
    "column-moves": (column_moves, ["redirect", "gone"]),
    "matrix": (matrix, ["view", "year"]),
    "select-jump": (select_jump, ["onchange", "button"]),
}
TOWNS = ["安吉县", "德清县", "开化县", "松阳县", "泰顺县", "临海市", "三门县", "天台县", "仙居县", "缙云县",
         "遂昌县", "云和县", "庆元县", "景宁县", "文成县", "苍南县", "平阳县", "永嘉县", "洞头区", "瑞安市",
         "乐清市", "玉环市", "温岭市", "龙泉市", "常山县", "江山市", "龙游县", "武义县", "浦江县", "磐安县"]


def generate(seed: int = 0) -> list[Case]:
    rnd = random.Random(seed)
    cases, k = [], 0
    for cls, (build, spellings) in CLASSES.items():
        for spelling in spellings:
            organ = TOWNS[k % len(TOWNS)] + "人民政府"
            k += 1
            b = Builder(cls, spelling, random.Random(rnd.random()), organ)
            b.case.other, b.case.second = None, None
            build(b, spelling)
            cases.append(b.case)
    return cases


def _bound(routes: dict, names: dict) -> dict:
    out = {}
    for path, route in routes.items():
        if isinstance(route, Answer):
            body = route.body
            for k, v in names.items():
                body = body.replace(k.encode(), v.encode())
            route = Answer(route.status, body, route.headers, route.content_type)
        out[path] = route
    return out


def serve(case: Case, host: str, other_host: str) -> dict:
    """The portal (and its platform host when it has one) on real servers; placeholders
    (OTHER, SELF) bound to their host:port."""
    main = Site({}, host=host, ignore_case=case.ignore_case)
    other = Site({}, host=other_host) if case.other else None
    names = {SELF: f"{host}:{main.port}", OTHER: f"{other_host}:{other.port}" if other else ""}
    routes = dict(case.routes)
    main.fallback = routes.pop("__fallback__", None)
    routes.setdefault("/about.html", Answer(200, page("本站概况", "<p>概况</p>").encode()))
    routes.setdefault("/robots.txt", Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"))
    main.routes = _bound(routes, names)
    main.start()
    if other:
        other.routes = _bound(case.other, names)
        other.start()
    return {"main": main, "other": other, "names": names}


def second_edition(case: Case, sites: dict) -> None:
    """The routes of the re-crawl (column-moves): replace what the first edition served."""
    if case.second:
        new = dict(sites["main"].routes)
        for path in list(new):
            if path not in ("/about.html", "/robots.txt") and path not in case.second:
                del new[path]
        new.update(_bound(case.second, sites["names"]))
        sites["main"].routes = new

