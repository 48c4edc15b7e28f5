"""XHTML pages: a page that opens with an XML declaration naming its encoding (± a BOM, ±
an XHTML DOCTYPE), as XHTML 1.0 templates of older CMSs write, reads like any other page —
its cells by the extractor, its links by the crawler — and the encoding it declares only
there decides how its bytes are decoded (GBK bytes under `encoding="gb2312"` read as GBK).
"""
import itertools

import pytest
from scrapy.http import HtmlResponse, Request

from crawler import discover
from extract import extract_bytes
from extract.markup import parsable

from .conftest import label
from .layouts import to_html
from .test_corpus import compare

SECTIONS = ("active", "applications", "review_litigation")
REPORT = "nanhu-2023"
XHTML_DOCTYPE = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
                 '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')


def _prolog(encoding_name: str, quote: str, upper: bool) -> str:
    decl = f"<?xml version={quote}1.0{quote} encoding={quote}{encoding_name}{quote}?>"
    return decl.upper() if upper else decl


def _cases():
    """(id, prolog, bytes encoding, BOM): every spelling a template writes."""
    spellings = [("utf-8", "utf-8", False), ("UTF-8", "utf-8", True),
                 ("gb2312", "gbk", False), ("GBK", "gbk", False), ("gb18030", "gb18030", False)]
    for (name, codec, bom), quote, upper, doctype in itertools.product(
            spellings, ('"', "'"), (False, True), (False, True)):
        parts = [name, "bom" if bom else "", "dq" if quote == '"' else "sq", "upper" if upper else "",
                 "doctype" if doctype else ""]
        case = "-".join(p for p in parts if p)
        yield pytest.param(_prolog(name, quote, upper) + (XHTML_DOCTYPE if doctype else ""), codec, bom, id=case)


CASES = list(_cases())


def _xhtml(page: str, prolog: str, codec: str, bom: bool) -> bytes:
    """The page as an XHTML template writes it: the XML declaration is its only charset."""
    head = '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="zh-CN"><head>'
    page = prolog + page.replace('<!DOCTYPE html><html><head><meta charset="utf-8">', head, 1)
    return (b"\xef\xbb\xbf" if bom else b"") + page.encode(codec)


@pytest.mark.parametrize("prolog,codec,bom", CASES)
def test_labelled_xhtml_report_reads_exact(prolog, codec, bom):
    expected = label(REPORT)
    got = extract_bytes(_xhtml(to_html(expected), prolog, codec, bom), f"{REPORT}.html", "text/html")
    exact, undetermined, wrong = compare(expected, got, SECTIONS)
    assert not wrong, wrong
    assert not any("does not parse" in e for e in got["errors"]), got["errors"]
    assert exact / (exact + undetermined) >= 0.95, (exact, undetermined, got["errors"])
    assert "年度报告" in (got["title"] or "")  # decoded as declared, not mojibake


HOMEPAGE = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>某县人民政府</title></head><body>'
            '<div class="nav"><a href="/zwgk/">政务公开</a></div><ul class="list">'
            '<li><a href="/zwgk/ndbg/2024/art_1.html">某县人民政府2023年政府信息公开工作年度报告</a></li>'
            '<li><a href="./art_2.html" title="某县发展和改革局2023年政府信息公开工作年度报告">发改局年报</a></li>'
            '</ul><iframe src="/frame.html"></iframe><link rel="next" href="/zwgk/index_2.html"/>'
            '</body></html>')


@pytest.mark.parametrize("prolog,codec,bom", CASES)
def test_xhtml_list_page_links_read_as_the_crawler_does(prolog, codec, bom):
    """parse_page's reading of a saved response: response.text (Scrapy's decoding), then
    discover's links, frames and declared next page."""
    url = "http://127.0.0.1:8000/zwgk/ndbg/index.html"
    response = HtmlResponse(url, body=_xhtml(HOMEPAGE, prolog, codec, bom), request=Request(url),
                            headers={"Content-Type": "text/html"})
    html = response.text
    links = dict(discover.links(html, response.url))
    assert links["http://127.0.0.1:8000/zwgk/ndbg/2024/art_1.html"] == "某县人民政府2023年政府信息公开工作年度报告"
    assert links["http://127.0.0.1:8000/zwgk/ndbg/art_2.html"] == "某县发展和改革局2023年政府信息公开工作年度报告"
    assert sum(discover.is_report_link(text, True) for text in links.values()) == 2
    assert discover.frame_urls(html, url) == ["http://127.0.0.1:8000/frame.html"]
    assert discover.next_page_links(html, url) == ["http://127.0.0.1:8000/zwgk/index_2.html"]


def test_parsable_drops_only_the_prolog():
    page = "<html><body><p>&lt;?xml 留着?&gt;</p></body></html>"
    assert parsable('\ufeff <?xml version="1.0" encoding="gb2312"?>\n' + page) == "\n" + page
    assert parsable(page) == page
    assert parsable("<?xml-stylesheet href='a.xsl'?>" + page) == "<?xml-stylesheet href='a.xsl'?>" + page
