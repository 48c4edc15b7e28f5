"""A report published as page images inside its article (图片版: one `<img>` a page, no text
of the report): the pictures are the report. They are fetched (in scope, archived as
captures like any answer) and put into the report's HTML as `data:` URIs in page order, so
the one capture the extractor reads holds them (extract/html_images.py reads them by OCR in
their place; the extractor does no I/O). Pure: the spider fetches (report_pages.py)."""
from __future__ import annotations

import base64
import re
from urllib.parse import urljoin

import lxml.html

from extract.markup import parsable
from extract.sniff import file_kind

SKIP = re.compile(r"(?:^data:|\.svg(?:$|\?)|logo|icon|banner|qrcode|erweima|ewm|share|print|close|spacer|blank\.gif)", re.I)
KINDS = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp", "webp": "image/webp",
         "tiff": "image/tiff"}


def _root(html: str):
    try:
        return lxml.html.document_fromstring(parsable(html))
    except (lxml.etree.ParserError, ValueError):
        return None


def pictures(html: str, url: str) -> list[str]:
    """The pictures of the page's body in page order (absolute URLs, each once), leaving
    out what is no page of a report (logos, icons, QR codes, share buttons)."""
    root = _root(html)
    if root is None:
        return []
    for bad in root.xpath("//script|//style|//noscript|//template|//header|//nav|//footer"):
        bad.drop_tree()
    out = []
    for img in root.iter("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        if not src or SKIP.search(src):
            continue
        absolute = urljoin(url, src).split("#")[0]
        if absolute.startswith(("http://", "https://")) and absolute not in out:
            out.append(absolute)
    return out


def media_type(body: bytes) -> str | None:
    """The picture's type by its bytes (None: not a picture)."""
    if file_kind(body) != "image":
        return None
    head = body[:16]
    for kind, signature in (("png", b"\x89PNG"), ("jpeg", b"\xff\xd8\xff"), ("gif", b"GIF8"), ("bmp", b"BM"),
                            ("webp", b"RIFF"), ("tiff", b"II*\x00"), ("tiff", b"MM\x00*")):
        if head.startswith(signature):
            return KINDS[kind]
    return None


def embedded(html: str, url: str, fetched: dict[str, bytes]) -> str:
    """The page with each fetched picture's `src` replaced by its bytes as a data: URI."""
    root = _root(html)
    if root is None:
        return html
    for img in root.iter("img"):
        src = (img.get("src") or img.get("data-src") or "").strip()
        body = fetched.get(urljoin(url, src).split("#")[0]) if src else None
        kind = media_type(body) if body else None
        if kind:
            img.set("src", f"data:{kind};base64,{base64.b64encode(body).decode('ascii')}")
            img.attrib.pop("data-src", None)
    return lxml.html.tostring(root, encoding="unicode", doctype="<!DOCTYPE html>")
