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
from pathlib import Path

from . import tables

HERE = Path(__file__).resolve().parent
SITES = HERE / "sites"
SHARED = HERE.parent.parent / "shared"
REPO_FILES = HERE.parent / "tests" / "files"


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def label(name: str) -> dict:
    return json.loads(read(SHARED / "samples" / "labels" / f"{name}.json"))


def paragraphs(text: str) -> str:
    out = []
    for line in text.split("\n"):
        line = line.strip()
        if line:
            out.append(f"<p>{escape(line)}</p>")
    return "\n".join(out)


def split_sections(text: str):
    """(narrative before table 2, narrative after table 4) of a report's text."""
    head = text.split("二、主动公开政府信息情况")[0]
    m = re.search(r"五、(存在的主要问题|主要问题|政府信息公开工作存在)", text)
    tail = text[m.start():] if m else ""
    return head, tail


def split_runon(text: str) -> str:
    """A text capture with the whole body on one line: break it before section markers."""
    return re.sub(r"(?=[一二三四五六七八九十]、[^\d])|(?=（[一二三四五六七八九十]）)", "\n", text)


def report_body(text_head: str, lab: dict, text_tail: str, fmt: str, raw_active=None,
                raw_apps=None, carried_over_label=None, attachment=None) -> str:
    active = tables.active_2021 if fmt == "2021" else tables.active_2019
    parts = [paragraphs(text_head),
             "<p><strong>二、主动公开政府信息情况</strong></p>", active(lab["active"], raw_active or {}),
             "<p><strong>三、收到和处理政府信息公开申请情况</strong></p>",
             "<p>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</p>" if fmt == "2021" else "",
             tables.applications(lab["applications"], fmt, raw_apps or {}, carried_over_label),
             "<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>",
             tables.review(lab["review_litigation"]),
             paragraphs(text_tail)]
    if attachment:
        parts.append(f'<p class="attachment">附件：<a href="{attachment[0]}">{escape(attachment[1])}</a></p>')
    return "\n".join(parts)


# --- page templates ------------------------------------------------------------------------

JCMS_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="SiteName" content="嘉兴市人民政府"><meta name="SiteDomain" content="www.jiaxing.gov.cn">
<meta name="SiteIDCode" content="3304000001">{extra_meta}
<title>{title}</title><link rel="stylesheet" href="/css/site.css"></head>
<body>
<div class="top">嘉兴市人民政府门户网站（复刻 · 测试用）<span class="right"><a href="/index.html">首页</a></span></div>
<div class="nav"><a href="/index.html">首页</a><a href="/col/col1229000001/index.html">政务公开</a>
<a href="/col/col1229000020/index.html">政务服务</a><a href="/col/col1229000030/index.html">互动交流</a></div>
<div class="main">
"""
FOOT = """</div>
<div class="footer">主办：{owner}（复刻页面，仅供本地测试）　网站标识码：{site_id}　<a href="/index.html">返回首页</a></div>
</body></html>
"""


def jcms_page(title: str, body: str, extra_meta: str = "") -> str:
    return (JCMS_HEAD.format(title=escape(title), extra_meta=extra_meta) + body
            + FOOT.format(owner="嘉兴市人民政府办公室", site_id="3304000001"))


def jcms_article(a: dict) -> str:
    meta = (f'\n<meta name="ArticleTitle" content="{escape(a["title"])}">'
            f'\n<meta name="PubDate" content="{a["pubdate"]}">'
            f'\n<meta name="ContentSource" content="{escape(a.get("source", ""))}">'
            f'\n<meta name="ColumnName" content="{escape(a.get("column", "政府信息公开年报"))}">')
    publisher_label = a.get("publisher_label", "发布机构")
    body = f"""<div class="bt-position">当前位置：<a href="/index.html">首页</a> &gt; <a href="/col/col1229000001/index.html">政务公开</a> &gt; <a href="/col/col1229000002/index.html">政府信息公开</a> &gt; {escape(a.get("column", "政府信息公开年报"))}</div>
<table class="xxgk_table">
<tr><td>索引号：</td><td>{escape(a.get("index", ""))}</td><td>公开分类：</td><td>{escape(a.get("category", "其他"))}</td></tr>
<tr><td>{publisher_label}：</td><td>{escape(a.get("publisher", ""))}</td><td>发布日期：</td><td>{a["pubdate"][:10]}</td></tr>
<tr><td>文号：</td><td>{escape(a.get("docno", ""))}</td><td>主题词：</td><td></td></tr>
</table>
<div class="title">{escape(a["title"])}</div>
<div class="article-info">发布日期：{a["pubdate"]}　信息来源：{escape(a.get("source", ""))}　浏览次数：<span id="views"></span></div>
<div id="zoom">
{a["body"]}
</div>
<div class="print"><a href="javascript:window.print()">打印本页</a> <a href="javascript:window.close()">关闭窗口</a></div>
"""
    return jcms_page(a["title"], body, meta)


TRS_HEAD = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="SiteName" content="平潭综合实验区"><meta name="SiteDomain" content="www.pingtan.gov.cn">
<meta name="SiteIDCode" content="3501280001">{extra_meta}
<title>{title}</title><link rel="stylesheet" href="/css/site.css"><script src="/js/page.js"></script></head>
<body>
<div class="top">中国·平潭 平潭综合实验区党工委管委会门户网站（复刻 · 测试用）</div>
<div class="nav"><a href="/index.html">首页</a><a href="/zwgk/index.html">政务公开</a><a href="/zwfw/index.html">政务服务</a><a href="/hdjl/index.html">互动交流</a></div>
<div class="main">
"""


def trs_page(title: str, body: str, extra_meta: str = "") -> str:
    return (TRS_HEAD.format(title=escape(title), extra_meta=extra_meta) + body
            + FOOT.format(owner="平潭综合实验区管委会办公室", site_id="3501280001"))


def trs_article(a: dict) -> str:
    meta = (f'\n<meta name="ArticleTitle" content="{escape(a["title"])}">'
            f'\n<meta name="PubDate" content="{a["pubdate"]}">'
            f'\n<meta name="ColumnName" content="政府信息公开年报">')
    body = f"""<div class="position">当前位置：<a href="/index.html">首页</a> &gt; <a href="/zwgk/index.html">政务公开</a> &gt; <a href="/zwgk/zfxxgk/index.html">政府信息公开</a> &gt; <a href="/zwgk/zfxxgk/zfxxgknb/index.html">政府信息公开年报</a></div>
<div class="xxgk-info">
<div><span>索 引 号：</span>{escape(a.get("index", ""))}</div>
<div><span>信息来源：</span>{escape(a.get("publisher", ""))}</div>
<div><span>发布时间：</span>{a["pubdate"]}</div>
<div><span>文　　号：</span>{escape(a.get("docno", ""))}</div>
</div>
<h1 class="article-title">{escape(a["title"])}</h1>
<div class="TRS_Editor">
{a["body"]}
</div>
"""
    return trs_page(a["title"], body, meta)


def write(site: str, path: str, text: str) -> None:
    target = SITES / site / path.lstrip("/")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def link_list(items) -> str:
    return "<ul class=\"list\">\n" + "\n".join(
        f'<li><a href="{href}" title="{escape(title)}">{escape(title)}</a><span>{date}</span></li>'
        for href, title, date in items) + "\n</ul>"


# --- the JCMS portal -----------------------------------------------------------------------

def build_jcms(manifest: dict) -> None:
    col = "1229425797"
    nanhu_text = read(REPO_FILES / "samples" / "nanhu-2023.txt")
    head, tail = split_sections(nanhu_text)
    head = head.split("浏览次数:", 1)[1]  # the capture's own metadata lines are the page's block
    tail = tail.replace("图解.jpg", "").replace("南湖区人民政府办公室2023年度政府信息公开工作年度报告(1).doc", "")
    zhapu_text = read(REPO_FILES / "samples" / "zhapu-2023.txt")
    zhead, ztail = split_sections(zhapu_text)
    zhead = zhead.split("\n", 1)[1]  # the first line is the title
    shuyang = read(REPO_FILES / "samples" / "shuyang-fgj-2023.html")
    shuyang_body = re.search(r"<ucapcontent>(.*?)</ucapcontent>", shuyang, re.S).group(1)
    zhapu_label = label("003")
    reports = [
        dict(path=f"/art/2024/1/19/art_{col}_4091876.html", title="浙江乍浦经济开发区（嘉兴港区）2023年度政府信息公开工作年度报告",
             organ="浙江乍浦经济开发区（嘉兴港区）", report_year=2023, pubdate="2024-01-19 09:30",
             index="002566187/2024-00031", publisher="嘉兴港区管委会办公室", source="嘉兴港区管委会办公室",
             body=report_body(zhead, zhapu_label, ztail, "2021", raw_active={"fees_10k_yuan": "1341万元"},
                              carried_over_label="二、上年结转政府信息公开申请数量（须与2022年度年报结转数一致）")),
        dict(path=f"/art/2024/1/17/art_{col}_4090012.html", title="沭阳县发展和改革局2023年政府信息公开年度报告",
             organ="沭阳县发展和改革局", report_year=2023, pubdate="2024-01-17 16:02",
             index="014314799/2024-00002", publisher="沭阳县发展和改革局", source="沭阳县发展和改革局",
             body=shuyang_body),
        dict(path=f"/art/2024/1/10/art_{col}_4087123.html", title="南湖区人民政府办公室2023年度政府信息公开工作年度报告",
             organ="南湖区人民政府办公室", report_year=2023, pubdate="2024-01-10 10:26",
             index="1/2024-171718", publisher="区政府办公室", publisher_label="发布单位", source="区政府办公室",
             body=report_body(head, label("000"), tail, "2021",
                              attachment=("/module/download/downfile.jsp?classid=0&filename=nanhu-2023.doc",
                                          "南湖区人民政府办公室2023年度政府信息公开工作年度报告(1).doc"))),
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
    _, b21 = pingtan("01_pingtan-2021-zfxxgknb.txt")
    h21, t21 = split_sections(b21)
    _, b19 = pingtan("03_pingtan-2019-zfxxgknb.txt")
    h19, t19 = split_sections(b19)
    _, b18 = pingtan("08_pingtan-2018-zfxxgknb.txt")
    l03 = label("03")
    reports = [
        dict(path=f"{base}/202202/t20220208_80613.htm", title="平潭综合实验区2021年度政府信息公开工作年度报告",
             organ="平潭综合实验区", report_year=2021, pubdate="2022-02-08 16:34", index="FJ00101-0300-2022-00005",
             publisher="平潭县人民政府", body=report_body(split_runon(h21), label("01"), split_runon(t21), "2021")),
        dict(path=f"{base}/202001/t20200120_80576.htm", title="平潭综合实验区2019年度政府信息公开工作年度报告",
             organ="平潭综合实验区", report_year=2019, pubdate="2020-01-20 15:22", index="FJ00101-0300-2020-00003",
             publisher="平潭综合实验区管委会办公室",
             body=report_body(split_runon(h19), l03, split_runon(t19), "2019",
                              raw_active={"procurement_amount": "75394432.52元"})),
        dict(path=f"{base}/201901/t20190110_80529.htm", title="平潭综合实验区2018年度政府信息公开工作年度报告",
             organ="平潭综合实验区", report_year=2018, pubdate="2019-01-10 16:13", index="FJ00101-0300-2019-00002",
             publisher="平潭综合实验区管委会办公室", body=paragraphs(split_runon(b18))),
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


def main() -> None:
    for site in ("jcms", "trs"):
        shutil.rmtree(SITES / site, ignore_errors=True)
    manifest: dict = {}
    build_jcms(manifest)
    build_trs(manifest)
    for site in ("jcms", "trs"):
        for static in (HERE / "static").iterdir():
            target = SITES / site / ("css" if static.suffix == ".css" else "js") / static.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(static, target)
    (HERE / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
