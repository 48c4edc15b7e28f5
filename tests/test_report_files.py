"""The files a report page leads to (crawler/report_files.py): a viewer's link unwrapped to
its file (pdf.js `viewer.html?file=`, kkFileView `onlinePreview?url=<base64>`), and the file a
page shows (`<iframe>`, `<embed>`, `<object>`, PDFObject.embed, location.replace) — on saved
pages (tests/files/pages/viewers, see SOURCES.md) and on generated spellings."""
from __future__ import annotations

import base64
import random
from pathlib import Path
from urllib.parse import quote

import pytest

from crawler import discover
from crawler.report_files import report_files, shown_files, viewed_file

PAGES = Path(__file__).parent / "files" / "pages" / "viewers"
SITE = "http://www.wuyi.gov.cn"


def test_saved_list_of_viewer_links_unwraps_each_to_its_file():
    html = (PAGES / "pdfjs-list.html").read_text(encoding="utf-8")
    page = f"{SITE}/xxgk/zfxxgknb/index.html"
    files = {label: viewed_file(href) for href, label in discover.links(html, page)}
    assert files["武义县人民政府2023年政府信息公开工作年度报告"] == f"{SITE}/upload/2024/01/P020240120086.pdf"
    assert files["武义县人民政府2022年政府信息公开工作年度报告"] == f"{SITE}/upload/2023/01/P020230120186.pdf"
    assert files["武义县人民政府2021年政府信息公开工作年度报告"] == f"{SITE}/upload/2022/01/P020220120286.pdf"
    assert files["武义县人民政府2020年政府信息公开工作年度报告"] == f"{SITE}/upload/2021/01/上传文件.pdf"
    assert files["武义县人民政府2019年政府信息公开工作年度报告"] == f"{SITE}/upload/2020/01/report.docx"
    assert files["PDF阅读器"] is None  # the viewer without a file
    assert files["工作动态"] is None  # a generic preview of a page, not of a file


def test_saved_article_showing_its_pdf():
    html = (PAGES / "embedded-article.html").read_text(encoding="utf-8")
    page = f"{SITE}/xxgk/gknb/202401/t20240120_800.html"
    got = [href for href, _ in shown_files(html, page)]
    assert got == [f"{SITE}/u/cms/www/202401/201530.pdf", f"{SITE}/u/cms/www/202401/211530.pdf",
                   f"{SITE}/u/cms/www/202401/GetFile?id=7",  # by its type: application/pdf
                   f"{SITE}/u/cms/www/202401/221530.pdf",  # a viewer in a frame
                   f"{SITE}/u/cms/www/202401/231530.pdf"]  # PDFObject.embed
    # the frame of a page and the script going home are not files
    assert f"{SITE}/xxgk/share.html" not in got and f"{SITE}/index.html" not in got
    assert [h for h, _ in report_files(html, page)] == got


def _spellings(rnd: random.Random, host: str, path: str):
    """A viewer URL for the file `path` of `host`, in the spellings portals use."""
    full = f"http://{host}{path}"
    b64 = base64.b64encode(full.encode()).decode()
    viewer = rnd.choice(["/static/pdfjs/web/viewer.html", "/pdfjs/web/viewer.html", "/js/pdf.js/web/viewer.htm",
                         "/generic/web/viewer.html"])
    return {
        "plain": f"{viewer}?file={path}",
        "encoded": f"{viewer}?file={quote(path, safe='')}",
        "encoded-twice": f"{viewer}?file={quote(quote(path, safe=''), safe='')}",
        "full-url": f"{viewer}?file={quote(full, safe='')}",
        "with-page": f"{viewer}?file={quote(path, safe='')}#page=3&zoom=auto",
        "kkfileview": f"/onlinePreview?url={quote(b64, safe='')}",
        "kkfileview-raw-b64": f"/kkfileview/onlinePreview?url={b64}&officePreviewType=pdf",
        "kkfileview-urlsafe": f"/onlinePreview?url={base64.urlsafe_b64encode(full.encode()).decode().rstrip('=')}",
        "kkfileview-plain": f"/onlinePreview?url={quote(full, safe='')}",
    }


@pytest.mark.parametrize("seed", range(6))
def test_generated_viewer_spellings_unwrap(seed):
    rnd = random.Random(seed)
    host = f"www.{rnd.choice(['wuyi', 'pujiang', 'panan'])}.gov.cn"
    name = rnd.choice(["P020240120086.pdf", "2023年度报告.pdf", "年报 (更正).pdf", "W0202401+1.docx", "附件1.wps"])
    path = f"/upload/{2020 + seed}/0{1 + seed % 9}/{name}"
    for spelling, link in _spellings(rnd, host, path).items():
        got = viewed_file(f"http://{host}/xxgk/nb/" + link.lstrip("/") if not link.startswith("/")
                          else f"http://{host}{link}")
        assert got == f"http://{host}{path}", (spelling, link, got)


@pytest.mark.parametrize("url", [
    "http://a.gov.cn/xxgk/index.html", "http://a.gov.cn/viewer.html", "http://a.gov.cn/viewer.html?file=",
    "http://a.gov.cn/viewer.html?file=javascript:alert(1)", "http://a.gov.cn/onlinePreview?url=%%%",
    "http://a.gov.cn/onlinePreview?url=bm90IGEgdXJs",  # base64 of "not a url"
    "http://a.gov.cn/list.html?file=/upload/x.pdf",  # a `file` parameter of a page that is no viewer
])
def test_not_a_viewer(url):
    assert viewed_file(url) is None


def _article(spelling: str, pdf: str) -> str:
    pieces = "+".join(f'"{pdf[k:k + 6]}"' for k in range(0, len(pdf), 6))
    body = {
        "iframe": f'<iframe src="{pdf}" width="100%" height="900"></iframe>',
        "iframe-single-quotes": f"<IFRAME SRC='{pdf}'></IFRAME>",
        "embed": f'<embed src="{pdf}" type="application/pdf">',
        "object": f'<object data="{pdf}" type="application/pdf"><p>不支持</p></object>',
        "pdfobject": f'<div id="box"></div><script>PDFObject.embed("{pdf}", "#box", {{height: "900px"}});</script>',
        "location-replace": f"<script>window.location.replace('{pdf}');</script>",
        "location-href": f'<script>setTimeout(function(){{location.href = "{pdf}";}}, 10);</script>',
        "pieces": f'<script>window.location.replace({pieces});</script>',  # only the browser knows
    }[spelling]
    return f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body><h1>年报</h1>{body}</body></html>'


@pytest.mark.parametrize("spelling", ["iframe", "iframe-single-quotes", "embed", "object", "pdfobject",
                                      "location-replace", "location-href", "pieces"])
def test_generated_article_shows_its_file(spelling):
    page = "http://a.gov.cn/xxgk/gknb/202401/t20240120_800.html"
    got = [h for h, _ in report_files(_article(spelling, "/u/cms/www/202401/2015307.pdf"), page)]
    assert got == ([] if spelling == "pieces" else ["http://a.gov.cn/u/cms/www/202401/2015307.pdf"])
