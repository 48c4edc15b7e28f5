"""A report page split over several pages (第1页 第2页 …, `…_2.html`, TRS `index_1.html`,
`?page=2`, a 下一页 inside the article): the report is the concatenation of its pages.

A later page of a report is a link from it whose label is a pager's (下一页, 第2页, 2, [2]) and
whose URL is the report's own with a page mark: `_N` before the extension, or a page parameter
(page, p, pageNo, pn, curpage, currentPage) in the query; nothing else of the URL differs. The
pages are read in the order of that mark (no mark first), each from the one before, so a pager
that shows a window of page numbers is followed to its end; REPORT_PAGES_MAX bounds them."""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit

from extract.markup import parsable

from . import discover

PART_LABEL = re.compile(r"^(下一页|下页|第?\d{1,3}页?|\[\d{1,3}\]|>|›|»)$")
_MARK = re.compile(r"_(\d{1,3})(?=\.[A-Za-z]{2,5}$)")
_PAGE_PARAMS = {"page", "p", "pageno", "pn", "curpage", "currentpage", "pageindex"}


def part_key(url: str) -> tuple:
    """What a report's pages share: the URL without its page mark."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() not in _PAGE_PARAMS]
    return parts.scheme, parts.netloc.lower(), _MARK.sub("", parts.path), urlencode(query)


def part_number(url: str) -> int:
    """The page mark (0 for the page without one)."""
    parts = urlsplit(url)
    mark = _MARK.search(parts.path)
    for k, v in parse_qsl(parts.query):
        if k.lower() in _PAGE_PARAMS and v.isdigit():
            return int(v)
    return int(mark.group(1)) if mark else 0


def next_part(html: str, url: str) -> str | None:
    """The report's next page linked from this one, if any."""
    key, here = part_key(url), part_number(url)
    later = sorted({(part_number(href), href) for href, label in discover.links(html, url)
                    if href != url and PART_LABEL.match(re.sub(r"\s+", "", label or ""))
                    and part_key(href) == key and part_number(href) > here})
    return later[0][1] if later else None


def is_part_of(report_url: str, url: str) -> bool:
    return url != report_url and part_key(url) == part_key(report_url)


_PAGER_WORDS = re.compile(r"第?\d{1,4}页?|下一页|下页|上一页|上页|首页|尾页|末页|共\d+页|\s+")


def _text(element) -> str:
    """An element's text without what a pager writes (第2页, 下一页, page numbers), which
    differs from page to page of a report without being its content."""
    return _PAGER_WORDS.sub("", element.text_content())


def _content_pair(first, later):
    """The element of each page that holds what differs between them: walking both trees
    together, down into the one child whose text differs, while only one does."""
    while True:
        a, b = list(first), list(later)
        if len(a) != len(b) or _PAGER_WORDS.sub("", first.text or "") != _PAGER_WORDS.sub("", later.text or ""):
            return first, later
        differing = [(x, y) for x, y in zip(a, b) if _text(x) != _text(y)]
        if len(differing) != 1:
            return first, later
        first, later = differing[0]


def joined(pages: list[str]) -> str:
    """One document: the first page, with the content of each later page (the element where
    it differs from the first: its text, not the chrome around it) appended to the first
    page's own content element, in order; a page that cannot be aligned so has its body appended."""
    import copy

    import lxml.html

    try:
        doc = lxml.html.document_fromstring(parsable(pages[0]))
    except (ValueError, lxml.etree.ParserError):
        return _bodies_appended(pages)
    original = copy.deepcopy(doc)
    for later in pages[1:]:
        try:
            other = lxml.html.document_fromstring(parsable(later))
        except (ValueError, lxml.etree.ParserError):
            continue
        a, b = _content_pair(original.body, other.body)
        target = doc.body if a is original.body else _same_place(doc, original, a)
        if target is None:
            target = doc.body
        if b.text and len(target):
            target[-1].tail = (target[-1].tail or "") + b.text
        elif b.text:
            target.text = (target.text or "") + b.text
        for child in list(b):
            target.append(copy.deepcopy(child))
    return lxml.html.tostring(doc, encoding="unicode", doctype="<!DOCTYPE html>")


def _same_place(doc, original, element):
    """The element of `doc` at the place `element` has in `original` (doc grows, original not)."""
    path = original.getroottree().getpath(element)
    found = doc.getroottree().xpath(path)
    return found[0] if found else None


def _bodies_appended(pages: list[str]) -> str:
    html = pages[0]
    for later in pages[1:]:
        body = later.split("<body", 1)[-1].split(">", 1)[-1].rsplit("</body>", 1)[0]
        html = html.replace("</body>", body + "</body>", 1) if "</body>" in html else html + body
    return html
