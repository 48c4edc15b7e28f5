"""The files a report page leads to: those it links (rules.yml `attachment`), those it shows
instead of holding the report — an `<iframe src=….pdf>`, `<embed type=application/pdf>`,
`<object data=….pdf>`, a script's PDFObject.embed("….pdf") or location.replace("….pdf") —
and the file behind a viewer it links (a pdf.js `viewer.html?file=…`, a kkFileView
`onlinePreview?url=<base64>`: rules.yml `viewers`). What the reader sees is the file, so the
file is what is read; the viewer's URL is unwrapped to the file's (the caller checks scope).
Pure functions of the page's text; the browser's view adds the documents a rendered page
loaded or went to (crawler/spiders/report_pages.py)."""
from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache
from urllib.parse import unquote, urljoin, urlsplit

from . import discover


@lru_cache(maxsize=1)
def _attachment() -> re.Pattern:
    return re.compile(discover.rules()["attachment"], re.I)


@lru_cache(maxsize=1)
def _viewers() -> list[tuple]:
    return [(re.compile(v["path"], re.I), re.compile(v["param"], re.I), v["encoding"], bool(v.get("file_only")))
            for v in discover.rules()["viewers"]]


def is_file_url(url: str) -> bool:
    """A URL that names a report file (rules.yml `attachment`)."""
    return bool(_attachment().search(url))


def viewed_file(url: str) -> str | None:
    """The file a viewer URL shows (absolute, without fragment), or None when `url` is no
    viewer's (or names nothing it could fetch)."""
    parts = urlsplit(url)
    if not parts.query:
        return None
    for path, param, encoding, file_only in _viewers():
        if not path.search(parts.path):
            continue
        for pair in parts.query.split("&"):
            key, _, value = pair.partition("=")
            if not value or not param.fullmatch(unquote(key)):
                continue
            target = _decoded(value, encoding)
            if not target:
                continue
            absolute = urljoin(url, target).split("#")[0]
            if urlsplit(absolute).scheme not in ("http", "https") or absolute == url.split("#")[0]:
                continue
            if file_only and not is_file_url(absolute):
                continue
            return absolute
    return None


def _url_decoded(value: str) -> str:
    """Percent-decoded as a viewer's script does (decodeURIComponent; a value encoded twice
    is decoded twice). '+' stays '+' (pdf.js does not read it as a space)."""
    for _ in range(3):
        decoded = unquote(value)
        if decoded == value:
            break
        value = decoded
    return value.strip()


def _looks_like_url(text: str) -> bool:
    return bool(re.match(r"^(https?://|/|\./|\.\./)[^<>\"'\r\n\t]*$", text))


def _decoded(value: str, encoding: str) -> str | None:
    if encoding == "base64":
        raw = _url_decoded(value).replace(" ", "+")
        try:
            text = base64.b64decode(raw + "=" * (-len(raw) % 4), altchars=b"-_" if "-" in raw or "_" in raw else None,
                                    validate=False).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            text = ""
        text = _url_decoded(text) if text else ""
        if _looks_like_url(text):
            return text
        plain = _url_decoded(value)  # an older kkFileView takes the URL itself
        return plain if _looks_like_url(plain) else None
    target = _url_decoded(value)
    return target if target and not target.startswith(("javascript:", "data:", "blob:")) else None


_SHOWN = "iframe[src], frame[src], embed[src], object[data]"
_HAS_SHOWN = re.compile(r"<(iframe|frame|embed|object)\b", re.I)


def shown_files(html: str, url: str) -> list[tuple[str, str]]:
    """(file URL, label) of each file the page shows in itself (an <iframe>, <embed> or
    <object> whose URL or type names a report file, or a viewer's) or that a script of it
    embeds or goes to (rules.yml `embedded_file`)."""
    rule = discover.rules()["embedded_file"]
    script_rule = rule["script"]
    if not _HAS_SHOWN.search(html) and not script_rule.search(html):
        return []
    selector = discover.page_selector(html)
    base = discover.document_base(selector, url)
    out = []
    for element in selector.css(_SHOWN):
        href = (element.attrib.get("src") or element.attrib.get("data") or "").strip()
        if not href or href.startswith(("javascript:", "data:", "blob:", "about:")):
            continue
        absolute = urljoin(base, href).split("#")[0]
        kind = (element.attrib.get("type") or "").strip().lower()
        target = viewed_file(absolute) or (absolute if is_file_url(absolute) or rule["types"].search(kind) else None)
        if target:
            out.append((target, (element.attrib.get("title") or "").strip()))
    for code in selector.css("script::text").getall():
        for m in script_rule.finditer(code):
            absolute = urljoin(base, m.group(1)).split("#")[0]
            target = viewed_file(absolute) or (absolute if is_file_url(absolute) else None)
            if target:
                out.append((target, ""))
    return out


# a viewer's URL with its query somewhere in the page: only then are its links parsed for one
_VIEWER_HINT = re.compile(r"(viewer\.html?|onlinepreview|picturespreview|preview|pdfview|pdfviewer|showpdf)(\.\w+)?\?",
                          re.I)


def report_files(html: str, url: str) -> list[tuple[str, str]]:
    """(file URL, label) of every report file the page leads to, once each, in page order:
    its file links (a viewer's link unwrapped to its file), then the files it shows."""
    found = [(viewed_file(href) or href, label) for href, label in discover.attachment_links(html, url)]
    if _VIEWER_HINT.search(html):
        found += [(viewed_file(href), label) for href, label in discover.links(html, url) if viewed_file(href)]
    found += shown_files(html, url)
    seen, out = set(), []
    for href, label in found:
        if href not in seen:
            seen.add(href)
            out.append((href, label))
    return out


@lru_cache(maxsize=1)
def _bundle() -> re.Pattern:
    return re.compile(discover.rules()["bundle"], re.I)


def bundle_links(html: str, url: str) -> list[tuple[str, str]]:
    """(zip URL, label) of each zip of reports the page links (rules.yml `bundle`)."""
    if ".zip" not in html.lower():
        return []
    seen, out = set(), []
    for href, label in discover.links(html, url):
        if _bundle().search(href) and href not in seen:
            seen.add(href)
            out.append((href, label))
    return out
