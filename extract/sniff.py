"""What a file is, from its bytes alone — never by its URL, its extension or its
Content-Type, which portals get wrong (a Word file behind `DownLoad.aspx?FilePath=…` served
as application/octet-stream, a PDF named `.html`, a JS data file saved as `.txt`).

`file_kind(data)` names binary containers by their signatures (PDF, OLE2, RTF, OOXML, OFD,
images), MIME web archives (MHT: Word's "single file web page", often named `.doc`) and HTML; `text_kind(data)` tells the text kinds apart: an HTML page, a
JavaScript/JSON file carrying the report's HTML in a string literal, Markdown, plain text.
Pure: bytes in, a name out.
"""
from __future__ import annotations

import re

# (kind, prefixes of the first bytes)
_MAGIC = (
    ("pdf", (b"%PDF",)),
    ("ole", (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)),  # OLE2: DOC, WPS, XLS, ET
    ("rtf", (b"{\\rtf",)),
    ("image", (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*",
               b"BM", b"RIFF")),
)
_HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<?xml version", b"<meta", b"<title",
                b"<script", b"<div", b"<table", b"<p>", b"<!--")
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")

# a MIME message's header lines, then one saying it is MIME (MHT files start so)
_MIME = re.compile(rb"^(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?"
                   rb"(?:mime-version:|content-type:\s*multipart/)", re.I)

# "mht" is text, but a document, never a page to walk
BINARY_KINDS = frozenset({"pdf", "ole", "rtf", "ooxml", "ofd", "zip", "image", "mht"})
REPORT_FILE_KINDS = frozenset({"pdf", "ole", "rtf", "ooxml", "ofd", "mht"})  # read like an attachment


def file_kind(data: bytes) -> str:
    """'pdf', 'ole' (DOC/WPS/XLS), 'rtf', 'ooxml' (DOCX/XLSX), 'ofd', 'zip' (another
    archive), 'image', 'mht' (a MIME web archive), 'html', or 'unknown' (text or bytes these
    signatures do not name)."""
    head = data[:4096]
    stripped = head.lstrip(b" \t\r\n\x00")
    for bom in _BOMS:
        if stripped.startswith(bom):
            stripped = stripped[len(bom):].lstrip()
            break
    if stripped.startswith(b"%PDF") or (b"%PDF-" in head[:1024] and not stripped.startswith(b"<")):
        return "pdf"  # some servers put a few bytes before the header; PDF readers accept it
    for kind, prefixes in _MAGIC:
        if head.startswith(prefixes):
            if kind == "image" and head.startswith(b"RIFF") and head[8:12] != b"WEBP":
                continue
            return kind
    if head.startswith(b"PK\x03\x04"):
        if b"OFD.xml" in head or b"Doc_0/" in head:
            return "ofd"
        if b"[Content_Types].xml" in head or b"word/" in head or b"xl/" in head or b"docProps/" in head:
            return "ooxml"
        return "zip"
    if _MIME.match(stripped):
        return "mht"
    lowered = stripped[:256].lower()
    if lowered.startswith(_HTML_STARTS) or (lowered.startswith(b"<") and b"<html" in head.lower()):
        return "html"
    return "unknown"


HEAD = 65536  # bytes looked at
_HTML = re.compile(rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S)
_TAGS = re.compile(rb"<(?:table|div|p|td|tr|span|br)\b", re.I)
_SCRIPT = re.compile(rb"^\s*(?:(?:var|let|const)\s+[\w$.]+\s*=|[\w$.]+\s*=\s*[{\[\"']|[\w$.]+\(\s*[{\[\"']|[{\[])", re.S)
_ESCAPED_HTML = re.compile(rb"\\u003c\s*(?:table|p|div)|\\x3c\s*(?:table|p|div)|&lt;\s*(?:table|p|div)"
                           rb"|[\"']\s*<\s*(?:table|p|div)\b|<\s*(?:table|td|tr)\b", re.I)
_MARKDOWN = re.compile(rb"^\s*\|.*\|\s*$", re.M)


def text_kind(data: bytes) -> str:
    """'html', 'script' (HTML inside JS/JSON strings), 'markdown' or 'text'."""
    head = data[:HEAD].lstrip(b"\xef\xbb\xbf")
    if _HTML.match(head):
        return "html"
    if _SCRIPT.match(head) and _ESCAPED_HTML.search(head):
        return "script"
    if len(_MARKDOWN.findall(head)) >= 3:
        return "markdown"
    if len(_TAGS.findall(head[:4096])) >= 3:
        return "html"
    return "text"
