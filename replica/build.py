"""Build the replica portals' pages (replica/sites/) from real reports.

    python -m replica.build

Reads the real reports and their hand-verified labels from ../shared (samples, seeds) once;
the generated pages are committed, so serving and testing never need ../shared. Page
chrome, distractors and the 乍浦 publication date are invented (replica/SOURCES.md).
"""
from __future__ import annotations

import json
import re
import shutil
from html import escape

from . import tables
from .pages import (HERE, REPO_FILES, SHARED, SITES, jcms_article, jcms_page, label, link_list, paragraphs,
                    read, relabel_year, report_body, split_runon, split_sections, trs_article, trs_page, write)

SITE_NAMES = ("jcms", "trs", "ucap", "spa", "gkmlpt", "oldsite", "jpaas")


# --- the JCMS portal -----------------------------------------------------------------------

def build_jcms(manifest: dict) -> None:
    col = "1229425797"
    nanhu_text = read(REPO_FILES / "samples" / "nanhu-2023.txt")
    head, tail = split_sections(nanhu_text)
    head = head.split("浏览次数:", 1)[1]  # the capture's own metadata lines are the page's block
    tail = tail.replace("图解.jpg", "").replace("南湖区人民政府办公室2023年度政府信息公开工作年度报告(1).doc", "")
    reports = [
        dict(path=f"/art/2024/1/10/art_{col}_4087123.html", title="南湖区人民政府办公室2023年度政府信息公开工作年度报告",
             organ="南湖区人民政府办公室", report_year=2023, pubdate="2024-01-10 10:26",
             index="1/2024-171718", publisher="区政府办公室", publisher_label="发布单位", source="区政府办公室",
             body=report_body(head, label("000"), tail, "2021")),
        # Relabelled (replica/SOURCES.md): the same real report as the organ's 2022 report, under
        # the name variant 南湖区政府办 and published late (a department's is due by 1月31日), its
        # table numbers unchanged — so the archive shows one organ under two names, a late
        # report, and an R5 mismatch (2023's 上年结转 0 against this one's 结转下年度 2).
        dict(path=f"/art/2023/3/15/art_{col}_3970012.html", title="南湖区政府办2022年度政府信息公开工作年度报告",
             organ="南湖区政府办", report_year=2022, pubdate="2023-03-15 09:40",
             index="1/2023-065210", publisher="区政府办公室", publisher_label="发布单位", source="区政府办公室",
             body=report_body(relabel_year(head, 2023, 2022).replace("南湖区人民政府办公室", "南湖区政府办"),
                              label("000"), relabel_year(tail, 2023, 2022), "2021")),
    ]
    distractors = [
        dict(path=f"/art/2024/3/1/art_{col}_4120001.html", title="关于印发《2024年嘉兴市政务公开工作要点》的通知",
             pubdate="2024-03-01 15:00", index="002482410/2024-00088", publisher="市政府办公室", docno="嘉政办发〔2024〕9号",
             body=paragraphs("各县（市、区）人民政府，市政府各部门、各直属单位：\n现将《2024年嘉兴市政务公开工作要点》印发给你们，请认真贯彻落实。\n"
                             "一、持续做好政府信息公开工作年度报告编制发布工作，各单位于1月31日前在政府信息公开专栏发布2023年度政府信息公开工作年度报告。\n"
                             "二、深化重点领域信息公开，加强政策解读。\n嘉兴市人民政府办公室\n2024年3月1日")),
        dict(path=f"/art/2024/1/15/art_{col}_4089001.html", title="嘉兴市人民政府2023年政府网站工作年度报表",
             pubdate="2024-01-15 11:00", index="002482410/2024-00019", publisher="市政府办公室",
             body=tables.table([["<td>网站名称</td><td>嘉兴市人民政府门户网站</td>"], ["<td>首页网址</td><td>www.jiaxing.gov.cn</td>"],
                                ["<td>独立用户访问总量（单位：个）</td><td>3562418</td>"], ["<td>网站总访问量（单位：次）</td><td>21893345</td>"],
                                ["<td>信息发布总数（单位：条）</td><td>15230</td>"], ["<td>政务服务 注册用户数（单位：万）</td><td>312.6</td>"]])),
        dict(path=f"/art/2024/1/11/art_{col}_4087555.html", title="图解：南湖区人民政府办公室2023年度政府信息公开工作年度报告",
             pubdate="2024-01-11 09:00", index="1/2024-171801", publisher="区政府办公室",
             body='<p><img src="/images/tujie-2023-1.png" alt="图解"></p><p>2023年，向社会主动公开各类文件478件</p>'
                  '<p>收到依申请公开18件，其中予以公开5件</p><p>相关链接：南湖区人民政府办公室2023年度政府信息公开工作年度报告</p>'),
        dict(path=f"/art/2023/12/20/art_{col}_4066001.html", title="嘉兴市人民政府关于加快推进现代服务业高质量发展的实施意见",
             pubdate="2023-12-20 16:30", index="002482410/2023-00912", publisher="市政府办公室", docno="嘉政发〔2023〕21号",
             body=paragraphs("各县（市、区）人民政府，市政府各部门、各直属单位：\n为加快推进我市现代服务业高质量发展，提出如下实施意见。\n"
                             "一、总体要求\n到2027年，全市服务业增加值占地区生产总值比重达到50%以上。\n二、主要任务\n（一）做强生产性服务业。\n（二）做优生活性服务业。")),
    ]
    for a in reports + distractors:
        write("jcms", a["path"], jcms_article(a))
    records = sorted(reports + distractors, key=lambda a: a["pubdate"], reverse=True)
    data = [{"url": a["path"], "title": a["title"], "date": a["pubdate"][:10]} for a in records]
    write("jcms", f"/_data/columns/{col}.json", json.dumps(data, ensure_ascii=False, indent=1))
    write("jcms", f"/col/col{col}/index.html", jcms_page("政府信息公开年报", (HERE / "templates" / "jpage.html").read_text(
        encoding="utf-8").replace("{col}", col)))
    write("jcms", "/index.html", jcms_page("嘉兴市人民政府", """<div class="block"><h3>嘉兴要闻</h3>
<ul><li><a href="/art/2024/3/2/art_1229000100_1.html">全市经济运行稳中向好</a></li><li><a href="/art/2024/3/1/art_1229000100_2.html">市政府召开常务会议</a></li></ul></div>
<div class="block"><h3>政务公开</h3><ul><li><a href="/col/col1229000001/index.html">政务公开</a></li>
<li><a href="/col/col1229000002/index.html">政府信息公开</a></li></ul></div>"""))
    write("jcms", "/col/col1229000001/index.html", jcms_page("政务公开", """<h2>政务公开</h2><ul>
<li><a href="/col/col1229000002/index.html">政府信息公开</a></li><li><a href="/col/col1229000010/index.html">政策文件</a></li>
<li><a href="/col/col1229000011/index.html">政策解读</a></li><li><a href="/col/col1229000012/index.html">新闻发布会</a></li></ul>"""))
    write("jcms", "/col/col1229000002/index.html", jcms_page("政府信息公开", f"""<h2>政府信息公开</h2><ul>
<li><a href="/col/col1229000003/index.html">政府信息公开指南</a></li><li><a href="/col/col1229000004/index.html">政府信息公开制度</a></li>
<li><a href="/col/col1229000005/index.html">法定主动公开内容</a></li><li><a href="/col/col{col}/index.html">政府信息公开年报</a></li>
<li><a href="/col/col1229425800/index.html">政府网站工作年度报表</a></li></ul>"""))
    write("jcms", "/col/col1229425800/index.html", jcms_page("政府网站工作年度报表", link_list(
        [(distractors[1]["path"], distractors[1]["title"], "2024-01-15")])))
    write("jcms", "/col/col1229000005/index.html", jcms_page("法定主动公开内容", "<p>机构职能、政策文件、规划信息……</p>"))
    write("jcms", "/col/col1229000010/index.html", jcms_page("政策文件", link_list(
        [(distractors[3]["path"], distractors[3]["title"], "2023-12-20")])))
    manifest["jcms"] = {
        "reports": [{k: a[k] for k in ("path", "title", "organ", "report_year")} for a in reports],
        "distractors": [{k: a[k] for k in ("path", "title")} for a in distractors]}


# --- the TRS portal ------------------------------------------------------------------------

def pingtan(name: str) -> tuple[str, str]:
    text = read(SHARED / "samples" / name)
    body = text.split("==================== 正文 ====================", 1)[1]
    body = re.sub(r"^.*?(文件下载 相关链接： -->|浏览次数.*?)\s*", "", body.strip(), count=1, flags=re.S)
    return text, body.replace(" 附件下载", "").strip()


def build_trs(manifest: dict) -> None:
    base = "/zwgk/zfxxgk/zfxxgknb"
    _, b19 = pingtan("03_pingtan-2019-zfxxgknb.txt")
    h19, t19 = split_sections(b19)
    l03 = label("03")
    reports = [
        dict(path=f"{base}/202001/t20200120_80576.htm", title="平潭综合实验区2019年度政府信息公开工作年度报告",
             organ="平潭综合实验区", report_year=2019, pubdate="2020-01-20 15:22", index="FJ00101-0300-2020-00003",
             publisher="平潭综合实验区管委会办公室",
             body=report_body(split_runon(h19), l03, split_runon(t19), "2019",
                              raw_active={"procurement_amount": "75394432.52元"})),
    ]
    distractors = [
        dict(path=f"{base}/202301/t20230113_91234.htm", title="平潭综合实验区2022年政府网站工作年度报表", pubdate="2023-01-13 10:00",
             body=tables.table([["<td>网站名称</td><td>中国·平潭</td>"], ["<td>独立用户访问总量（单位：个）</td><td>1203345</td>"],
                                ["<td>信息发布总数（单位：条）</td><td>6021</td>"]])),
        dict(path=f"{base}/202202/t20220209_80620.htm", title="图解：平潭综合实验区2021年度政府信息公开工作年度报告", pubdate="2022-02-09 09:00",
             body='<p><img src="/images/tujie-2021.png" alt="图解"></p><p>全年主动公开政府信息2645条</p><p>本年度全区共收到70件申请</p>'),
        dict(path=f"{base}/202112/t20211220_79001.htm", title="平潭综合实验区管委会办公室关于做好2021年政府信息公开工作年度报告编制工作的通知",
             pubdate="2021-12-20 17:00", body=paragraphs("区直各部门，各乡镇：\n请各单位按照政府信息公开工作年度报告格式编制2021年度政府信息公开工作年度报告，于2022年1月31日前报送。")),
        dict(path=f"{base}/202106/t20210601_75001.htm", title="平潭综合实验区管委会关于印发平潭综合实验区促进夜间经济发展若干措施的通知",
             pubdate="2021-06-01 10:00", body=paragraphs("各有关单位：\n现将《平潭综合实验区促进夜间经济发展若干措施》印发给你们，请认真组织实施。")),
    ]
    for a in reports + distractors:
        a.setdefault("publisher", "平潭综合实验区管委会办公室")
        a.setdefault("index", "FJ00101-0300-0000-00000")
        write("trs", a["path"], trs_article(a))
    records = sorted(reports + distractors, key=lambda a: a["pubdate"], reverse=True)
    pages = [records[i:i + 3] for i in range(0, len(records), 3)]
    for n, chunk in enumerate(pages):
        items = [("./" + a["path"][len(base) + 1:], a["title"], a["pubdate"][:10]) for a in chunk]
        write("trs", f"{base}/index{'' if n == 0 else f'_{n}'}.html", trs_page("政府信息公开年报", link_list(items)
              + f'\n<div class="page"><script>var countPage = {len(pages)};'
                f'createPageHTML({len(pages)}, {n}, "index", "html");</script></div>'))
    write("trs", "/index.html", trs_page("中国·平潭", """<div class="block"><h3>平潭要闻</h3><ul>
<li><a href="/xwzx/pttt/202402/t20240201_1.htm">平潭召开经济工作会议</a></li></ul></div>
<div class="block"><ul><li><a href="/zwgk/index.html">政务公开</a></li></ul></div>"""))
    write("trs", "/zwgk/index.html", trs_page("政务公开", """<ul><li><a href="/zwgk/zfxxgk/index.html">政府信息公开</a></li>
<li><a href="/zwgk/zcwj/index.html">政策文件</a></li></ul>"""))
    write("trs", "/zwgk/zfxxgk/index.html", trs_page("政府信息公开", f"""<ul><li><a href="/zwgk/zfxxgk/zfxxgkzn/index.html">政府信息公开指南</a></li>
<li><a href="/zwgk/zfxxgk/zfxxgkzd/index.html">政府信息公开制度</a></li><li><a href="{base}/index.html">政府信息公开年报</a></li>
<li><a href="/zwgk/zfxxgk/wzndbb/index.html">政府网站工作年度报表</a></li></ul>"""))
    write("trs", "/zwgk/zcwj/index.html", trs_page("政策文件", link_list(
        [(distractors[3]["path"], distractors[3]["title"], "2021-06-01")])))
    write("trs", "/zwgk/zfxxgk/wzndbb/index.html", trs_page("政府网站工作年度报表", link_list(
        [(distractors[0]["path"], distractors[0]["title"], "2023-01-13")])))
    manifest["trs"] = {
        "reports": [{k: a[k] for k in ("path", "title", "organ", "report_year")} for a in reports],
        "distractors": [{k: a[k] for k in ("path", "title")} for a in distractors]}


# --- other systems: Ucap, an app-like site, gkmlpt, an old GBK site -------------------------

def simple_page(site_name: str, title: str, body: str, charset: str = "utf-8", extra_head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="{charset}">{extra_head}'
            f'<title>{escape(title)}</title></head>\n<body>\n<div class="top">{escape(site_name)}（复刻 · 测试用）</div>\n'
            f'<div class="nav"><a href="/index.html">首页</a></div>\n<div class="main">\n{body}\n</div>\n'
            f'<div class="footer">复刻页面，仅供本地测试</div>\n</body></html>\n')


def build_ucap(manifest: dict) -> None:
    """沭阳县 (Ucap): the real saved page of the 沭阳县发改局 report, list in createPageHTML pages."""
    page = read(REPO_FILES / "samples" / "shuyang-fgj-2023.html")
    page = re.sub(r'<div class="meta">.*?</div>\s*</div>\n', "", page, count=1, flags=re.S)  # the saving tool's header
    report = "/sygfj/gknb/202401/2ecfb31a335f4d689220a3a23e24a986.shtml"
    write("ucap", report, page)
    d1 = dict(path="/sygfj/gknb/202401/5b0e1c2d3f4a4b5c8d9e0f1a2b3c4d5e.shtml", title="沭阳县发展和改革局2023年政府网站工作年度报表")
    d2 = dict(path="/sygfj/gknb/202312/7c1d2e3f4a5b4c6d9e0f1a2b3c4d5e6f.shtml", title="沭阳县发展和改革局关于做好2023年政府信息公开工作年度报告编制工作的通知")
    for d in (d1, d2):
        write("ucap", d["path"], simple_page("沭阳县人民政府", d["title"], f'<h1><ucaptitle>{escape(d["title"])}</ucaptitle></h1>'
              f'<div id="UCAP-CONTENT"><p>{escape(d["title"])}。</p></div>'))
    items = [(d1["path"], d1["title"], "2024-01-20"), (report, "沭阳县发展和改革局2023年政府信息公开年度报告", "2024-01-17"),
             (d2["path"], d2["title"], "2023-12-15")]
    pages = [items[:2], items[2:]]
    for n, chunk in enumerate(pages):
        write("ucap", f"/sygfj/gknb/index{'' if n == 0 else f'_{n}'}.shtml", simple_page(
            "沭阳县人民政府", "年度报告", link_list(chunk) + f'<script src="/js/page.js"></script><script>createPageHTML({len(pages)}, {n}, "index", "shtml");</script>'))
    write("ucap", "/index.html", simple_page("沭阳县人民政府", "沭阳县人民政府", '<a href="/shuyang/xxgk/xxgk.shtml">信息公开</a>'))
    write("ucap", "/shuyang/xxgk/xxgk.shtml", simple_page("沭阳县人民政府", "信息公开",
          '<ul><li><a href="/sygfj/index.shtml">县发改局</a></li></ul><ul><li><a href="/sygfj/gknb/index.shtml">政府信息公开年报</a></li></ul>'))
    manifest["ucap"] = {"reports": [{"path": report, "title": "沭阳县发展和改革局2023年政府信息公开年度报告",
                                     "organ": "沭阳县发展和改革局", "report_year": 2023}],
                        "distractors": [{k: d[k] for k in ("path", "title")} for d in (d1, d2)]}


APP_LIST = """<h2>政府信息公开年报</h2><div id="app">加载中…</div>
<script>
/* An app-like list: records come as JSON from /api/articles and are drawn by this script. */
var current = 1;
function show(page) {
  fetch("/api/articles?channel=ndbg&page=" + page).then(function (r) { return r.json(); }).then(function (d) {
    var html = "<ul class='list'>";
    d.data.list.forEach(function (a) { html += "<li><a href='" + a.lianjie + "'>" + a.biaoti + "</a> <span>" + a.riqi + "</span></li>"; });
    html += "</ul><a href='javascript:;' id='next'" + (page >= d.data.pages ? " class='disabled'" : "") + ">下一页</a>";
    document.getElementById("app").innerHTML = html;
    document.getElementById("next").onclick = function () { if (page < d.data.pages) { current = page + 1; show(current); } };
  });
}
show(1);
</script>"""


def build_spa(manifest: dict) -> None:
    """嘉兴港区 (an unknown system): the report list is drawn by a script from JSON."""
    text = read(REPO_FILES / "samples" / "zhapu-2023.txt")
    head, tail = split_sections(text)
    head = head.split("\n", 1)[1]
    title = "浙江乍浦经济开发区（嘉兴港区）2023年度政府信息公开工作年度报告"
    report = "/xxgk/ndbg/2024/0119/c4091876.html"
    body = report_body(head, label("003"), tail, "2021", raw_active={"fees_10k_yuan": "1341万元"},
                       carried_over_label="二、上年结转政府信息公开申请数量（须与2022年度年报结转数一致）")
    write("spa", report, simple_page("嘉兴港区", title, f'<div class="info">发布日期：2024-01-19　来源：港区管委会办公室</div>'
          f'<h1>{escape(title)}</h1><div class="article-content">{body}</div>',
          extra_head=f'<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="2024-01-19 09:30">'))
    d1 = dict(path="/xxgk/ndbg/2024/0125/c4093001.html", title="图解：浙江乍浦经济开发区（嘉兴港区）2023年度政府信息公开工作年度报告")
    d2 = dict(path="/xxgk/ndbg/2023/1201/c4070001.html", title="嘉兴港区2023年政务公开工作要点")
    for d in (d1, d2):
        write("spa", d["path"], simple_page("嘉兴港区", d["title"], f"<h1>{escape(d['title'])}</h1><p>（图文）</p>"))
    articles = [{"biaoti": d1["title"], "lianjie": d1["path"], "riqi": "2024-01-25"},
                {"biaoti": title, "lianjie": report, "riqi": "2024-01-19"},
                {"biaoti": d2["title"], "lianjie": d2["path"], "riqi": "2023-12-01"}]
    write("spa", "/_data/articles.json", json.dumps(articles, ensure_ascii=False, indent=1))
    write("spa", "/xxgk/ndbg/index.html", simple_page("嘉兴港区", "政府信息公开年报", APP_LIST))
    write("spa", "/xxgk/index.html", simple_page("嘉兴港区", "信息公开", '<a href="/xxgk/ndbg/index.html">政府信息公开年报</a>'))
    write("spa", "/index.html", simple_page("嘉兴港区", "嘉兴港区", '<a href="/xxgk/index.html">信息公开</a>'))
    manifest["spa"] = {"reports": [{"path": report, "title": title, "organ": "浙江乍浦经济开发区（嘉兴港区）", "report_year": 2023}],
                       "distractors": [{k: d[k] for k in ("path", "title")} for d in (d1, d2)]}


GKMLPT_LIST = """<h2>政府信息公开年报</h2><div id="list"></div>
<script>
var sid = '320800'; var category = 5;
fetch('/gkmlpt/api/all/' + category + '?page=1&sid=' + sid).then(function (r) { return r.json(); }).then(function (d) {
  document.getElementById('list').innerHTML = d.articles.map(function (a) {
    return "<li><a href='" + a.url + "'>" + a.title + "</a></li>"; }).join('');
});
</script>"""


def build_gkmlpt(manifest: dict) -> None:
    """淮安市 (a gkmlpt catalogue): list from the JSON API; the report itself is a PDF attachment."""
    title = "淮安市人民政府2024年政府信息公开工作年度报告"
    pdf = "/attachment/0/512/512345/淮安市人民政府2024年政府信息公开工作年度报告.pdf"
    target = SITES / "gkmlpt" / pdf.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SHARED / "samples" / "09_huaian-shi-2024.pdf", target)
    report = "/gkmlpt/content/2/2025/post_2587001.html"
    write("gkmlpt", report, simple_page("淮安市人民政府", title,
          f'<h1 class="content-title">{escape(title)}</h1><div class="article-content">'
          f'<p>根据《中华人民共和国政府信息公开条例》，现公布淮安市人民政府2024年政府信息公开工作年度报告（见附件）。</p>'
          f'<p>附件：<a href="{pdf}">淮安市人民政府2024年政府信息公开工作年度报告.pdf</a></p></div>',
          extra_head=f'<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="2025-01-20 10:00">'))
    d1 = dict(path="/gkmlpt/content/2/2025/post_2587100.html", title="淮安市人民政府2024年政府网站工作年度报表")
    d2 = dict(path="/gkmlpt/content/2/2025/post_2587200.html", title="一图读懂：淮安市人民政府2024年政府信息公开工作年度报告")
    for d in (d1, d2):
        write("gkmlpt", d["path"], simple_page("淮安市人民政府", d["title"], f"<h1>{escape(d['title'])}</h1><p>（略）</p>"))
    items = [{"title": d2["title"], "url": d2["path"], "date": "2025-01-22"},
             {"title": title, "url": report, "date": "2025-01-20"},
             {"title": d1["title"], "url": d1["path"], "date": "2025-01-15"}]
    write("gkmlpt", "/_data/gkmlpt-5.json", json.dumps(items, ensure_ascii=False, indent=1))
    write("gkmlpt", "/gkmlpt/annualreport/index.html", simple_page("淮安市人民政府", "政府信息公开年报", GKMLPT_LIST))
    write("gkmlpt", "/gkmlpt/index/index.html", simple_page("淮安市人民政府", "政府信息公开", '<a href="/gkmlpt/annualreport/index.html">政府信息公开年报</a>'))
    write("gkmlpt", "/index.html", simple_page("淮安市人民政府", "淮安市人民政府", '<a href="/gkmlpt/index/index.html">政府信息公开</a>'))
    manifest["gkmlpt"] = {"reports": [{"path": report, "title": title, "organ": "淮安市人民政府", "report_year": 2024,
                                       "attachment": pdf}],
                          "distractors": [{k: d[k] for k in ("path", "title")} for d in (d1, d2)]}


def build_oldsite(manifest: dict) -> None:
    """An old GBK portal (平潭 old site): layout tables, charset only in <meta>, 下一页 links, a
    calendar trap, a challenge page behind a report-like title, and a link to a cloned copy on another host."""
    def gbk_page(title, body):
        return simple_page("平潭综合实验区（旧版）", title, f"<table width='960'><tr><td>{body}</td></tr></table>", charset="gb2312")

    def put(path, text):
        target = SITES / "oldsite" / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text.encode("gb18030"))

    _, b18 = pingtan("08_pingtan-2018-zfxxgknb.txt")
    narrative18, _, _ = b18.partition("统计表指标名称")
    # The capture glues the 统计表; its cells as split in labels/08.json's notes (2069 / 12106,
    # fixed by the narrative's 2069; every other row 0 / 0).
    stats = [("主动公开文件数", "条", 2069, 12106), ("其中：1.政府网站公开数", "条", 2069, 12106),
             ("2.政府公报公开数", "条", 0, 0), ("受理依申请公开信息总数", "条", 0, 0), ("其中：1.当面申请数", "条", 0, 0),
             ("2.网上申请数", "条", 0, 0), ("3.信函、传真申请数", "条", 0, 0), ("对申请的答复总数", "条", 0, 0),
             ("其中：1.同意公开答复数", "条", 0, 0), ("2.同意部分公开答复数", "条", 0, 0), ("3.不予公开答复数", "条", 0, 0),
             ("4.其他类型答复数", "条", 0, 0), ("接受行政诉讼、举报数", "件", 0, 0), ("行政复议数", "件", 0, 0),
             ("行政诉讼数", "件", 0, 0)]
    stats_table = tables.table([["<td>指标名称</td><td>计量单位</td><td>2018年度</td><td>历年累计</td>"]] + [
        [f"<td>{escape(name)}</td><td>{unit}</td><td>{year}</td><td>{total}</td>"] for name, unit, year, total in stats])
    title = "平潭综合实验区2018年度政府信息公开工作年度报告"
    report = "/xxgk/gknb/201901/t20190110_80529.htm"
    put(report, gbk_page(title, f'<div class="title">{escape(title)}</div>'
        f'<table><tr><td>发布日期：</td><td>2019-01-10</td><td>索引号：</td><td>FJ00101-0300-2019-00002</td></tr></table>'
        f'<div id="zoom">{paragraphs(split_runon(narrative18))}<p>统计表</p>{stats_table}</div>'))
    challenge = "/xxgk/gknb/201801/t20180112_70001.htm"
    (SITES / "oldsite" / challenge.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (SITES / "oldsite" / challenge.lstrip("/")).write_text(
        '<html><head><meta charset="utf-8"><title>安全验证</title></head><body><p>请开启JavaScript并刷新该页。</p>'
        '<script>document.cookie="__jsl_clearance=1700000000.1|0|abc";location.reload();</script></body></html>', encoding="utf-8")
    d1 = dict(path="/xxgk/gknb/201812/t20181220_69001.htm", title="平潭综合实验区关于报送2018年政府信息公开工作年度报告的通知")
    put(d1["path"], gbk_page(d1["title"], f"<div id='zoom'><p>{escape(d1['title'])}。各单位于2019年1月31日前报送。</p></div>"))
    items1 = [(report, title, "2019-01-10"), (d1["path"], d1["title"], "2018-12-20"),
              ("/calendar/?date=2019-01-01", "2019年1月日历", "")]
    private = "/xxgk/private/t20170110_60001.htm"  # disallowed by robots.txt: never fetched
    put(private, gbk_page("平潭综合实验区2016年度政府信息公开工作年度报告", "<div id='zoom'><p>（内部）</p></div>"))
    (SITES / "oldsite" / "robots.txt").write_text("User-agent: *\nDisallow: /xxgk/private/\n", encoding="utf-8")
    items2 = [(challenge, "平潭综合实验区2017年度政府信息公开工作年度报告", "2018-01-12"),
              (private, "平潭综合实验区2016年度政府信息公开工作年度报告", "2017-01-10"),
              ("http://www.pingtan.gov.cn.mirror-copy.example/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm",
               "平潭综合实验区2021年度政府信息公开工作年度报告", "2022-02-08")]
    put("/xxgk/gknb/list_1.htm", gbk_page("信息公开年报", link_list(items1) + '<a href="list_2.htm">下一页</a>'))
    put("/xxgk/gknb/list_2.htm", gbk_page("信息公开年报", link_list(items2) + '<a href="list_1.htm">上一页</a>'))
    put("/xxgk/index.htm", gbk_page("政府信息公开", '<a href="/xxgk/gknb/list_1.htm">信息公开年报</a> <a href="/calendar/?date=2019-01-01">活动日历</a>'))
    put("/index.html", gbk_page("平潭综合实验区（旧版）", '<a href="/xxgk/index.htm">政府信息公开</a>'))
    manifest["oldsite"] = {"reports": [{"path": report, "title": title, "organ": "平潭综合实验区", "report_year": 2018}],
                           "distractors": [{"path": d1["path"], "title": d1["title"]}],
                           "challenge": [challenge], "robots_disallowed": [private]}


JPAAS_LIST = """<h2>政府信息公开年报</h2><div id="list">加载中…</div>
<script>
/* Hanweb JPaas: the column's list unit is built by the publish server. */
var unitConfig = {webId: 'a3f9c2', pageId: '1229614437', unitId: '6821033'};
function loadUnit(pageNo) {
  var params = 'webId=' + unitConfig.webId + '&pageId=' + unitConfig.pageId + '&unitId=' + unitConfig.unitId +
    '&paramJson=' + encodeURIComponent(JSON.stringify({pageNo: pageNo, pageSize: 15}));
  fetch('/api-gateway/jpaas-publish-server/front/page/build/unit?' + params)
    .then(function (r) { return r.json(); }).then(function (d) { document.getElementById('list').innerHTML = d.data.html; });
}
loadUnit(1);
</script>"""


def build_jpaas(manifest: dict) -> None:
    """平潭 (a newer Hanweb JPaas site): the list comes from the publish server's unit API."""
    _, b21 = pingtan("01_pingtan-2021-zfxxgknb.txt")
    h21, t21 = split_sections(b21)
    col = "/col/col1229614437"
    title = "平潭综合实验区2021年度政府信息公开工作年度报告"
    report = f"{col}/art/2022/art_5f3a9c0d1e2b4c6d.html"
    body = report_body(split_runon(h21), label("01"), split_runon(t21), "2021")
    write("jpaas", report, simple_page("平潭综合实验区", title,
          f'<table class="xxgk"><tr><td>索引号：</td><td>FJ00101-0300-2022-00005</td><td>发布日期：</td><td>2022-02-08</td></tr></table>'
          f'<h1>{escape(title)}</h1><div id="zoom">{body}</div>',
          extra_head=f'<meta name="ArticleTitle" content="{escape(title)}"><meta name="PubDate" content="2022-02-08 16:34">'))
    d1 = dict(path=f"{col}/art/2022/art_77aa01b2c3d4e5f6.html", title="图解：平潭综合实验区2021年度政府信息公开工作年度报告")
    d2 = dict(path=f"{col}/art/2022/art_88bb02c3d4e5f607.html", title="平潭综合实验区2021年政府网站工作年度报表")
    for d in (d1, d2):
        write("jpaas", d["path"], simple_page("平潭综合实验区", d["title"], f"<h1>{escape(d['title'])}</h1><p>（略）</p>"))
    items = [{"url": d1["path"], "title": d1["title"], "date": "2022-02-09"},
             {"url": report, "title": title, "date": "2022-02-08"},
             {"url": d2["path"], "title": d2["title"], "date": "2022-01-15"}]
    write("jpaas", "/_data/jpaas-1229614437.json", json.dumps(items, ensure_ascii=False, indent=1))
    write("jpaas", f"{col}/index.html", simple_page("平潭综合实验区", "政府信息公开年报", JPAAS_LIST))
    write("jpaas", "/col/col1229614400/index.html", simple_page("平潭综合实验区", "政府信息公开",
          f'<a href="{col}/index.html">政府信息公开年报</a>'))
    write("jpaas", "/index.html", simple_page("平潭综合实验区", "平潭综合实验区", '<a href="/col/col1229614400/index.html">政府信息公开</a>'))
    manifest["jpaas"] = {"reports": [{"path": report, "title": title, "organ": "平潭综合实验区", "report_year": 2021}],
                         "distractors": [{k: d[k] for k in ("path", "title")} for d in (d1, d2)]}


# --- edition 2: what changed on the portals between two crawls -------------------------------

def build_edition2(manifest: dict) -> None:
    """Served with `python -m replica --edition 2`: one report edited (南湖: 不掌握 corrected to the
    narrative's 4, leaving the totals as they were, so the table no longer adds up), one deleted (沭阳: 404), one moved (平潭 2019 to a
    new URL), one redirected to the homepage (平潭 2018 on the old site)."""
    ed = HERE / "editions" / "2"
    shutil.rmtree(ed, ignore_errors=True)
    nanhu = manifest["jcms"]["reports"][0]["path"]
    page = read(SITES / "jcms" / nanhu.lstrip("/"))
    row = re.search(r"(<td>1\.本机关不掌握相关政府信息</td>)<td>6</td>((?:<td>0</td>){5})<td>6</td>", page)
    assert row, "南湖 table row not found"
    page = page.replace(row.group(0), row.group(1) + "<td>4</td>" + row.group(2) + "<td>4</td>")
    (ed / "jcms" / nanhu.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    (ed / "jcms" / nanhu.lstrip("/")).write_text(page, encoding="utf-8")
    old19 = next(r["path"] for r in manifest["trs"]["reports"] if r["report_year"] == 2019)
    new19 = old19.replace(".htm", "_1.htm")
    (ed / "trs" / new19.lstrip("/")).parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(SITES / "trs" / old19.lstrip("/"), ed / "trs" / new19.lstrip("/"))
    base = "/zwgk/zfxxgk/zfxxgknb"
    for listing in (SITES / "trs" / base.lstrip("/")).glob("index*.html"):
        text = listing.read_text(encoding="utf-8").replace(old19[len(base) + 1:], new19[len(base) + 1:])
        target = ed / "trs" / listing.relative_to(SITES / "trs")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    shuyang = manifest["ucap"]["reports"][0]["path"]
    old18 = manifest["oldsite"]["reports"][0]["path"]
    rules = {"jcms": {}, "trs": {"gone": [old19]}, "ucap": {"gone": [shuyang]}, "oldsite": {"redirect_home": [old18]}}
    (ed / "edition.json").write_text(json.dumps(rules, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    manifest["edition2"] = {"changed": [{"site": "jcms", "path": nanhu,
                                         "cells": ["applications.unable_not_held.natural_person", "applications.unable_not_held.total"]}],
                            "removed": [{"site": "ucap", "path": shuyang, "reason": "HTTP 404"},
                                        {"site": "oldsite", "path": old18, "reason": "redirects to the homepage"}],
                            "moved": [{"site": "trs", "from": old19, "to": new19}]}


def main() -> None:
    for site in SITE_NAMES:
        shutil.rmtree(SITES / site, ignore_errors=True)
    manifest: dict = {}
    build_jcms(manifest)
    build_trs(manifest)
    build_ucap(manifest)
    build_spa(manifest)
    build_gkmlpt(manifest)
    build_oldsite(manifest)
    build_jpaas(manifest)
    build_edition2(manifest)
    for site in SITE_NAMES:
        for static in (HERE / "static").iterdir():
            target = SITES / site / ("css" if static.suffix == ".css" else "js") / static.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(static, target)
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
