"""The replica's pages: real report bodies (from the labelled samples) and the page chrome of
each publishing system, for replica/build.py.
"""
from __future__ import annotations

import json
import re
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


def relabel_year(text: str, year: int, to: int) -> str:
    """A report's narrative told of another year: `year` and the year after it moved to `to`
    and the year after that (the year the report was written in); no other number changes."""
    return re.sub(rf"(?<!\d)({year}|{year + 1})(?=年)", lambda m: str(to + int(m.group(1)) - year), text)


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
