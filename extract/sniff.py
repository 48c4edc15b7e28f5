"""What a fetched document is, judged by its first bytes alone — never by its URL, its
extension or its Content-Type, which portals get wrong (a Word file behind
`DownLoad.aspx?FilePath=…` served as application/octet-stream, a PDF named `.html`).

`file_kind(data)` is pure and self-contained: bytes in, one kind out.
"""
from __future__ import annotations

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

BINARY_KINDS = frozenset({"pdf", "ole", "rtf", "ooxml", "ofd", "zip", "image"})
REPORT_FILE_KINDS = frozenset({"pdf", "ole", "rtf", "ooxml", "ofd"})  # read like an attachment


def file_kind(data: bytes) -> str:
    """'pdf', 'ole' (DOC/WPS/XLS), 'rtf', 'ooxml' (DOCX/XLSX), 'ofd', 'zip' (another
    archive), 'image', 'html', or 'unknown' (text or bytes these signatures do not name)."""
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
    lowered = stripped[:256].lower()
    if lowered.startswith(_HTML_STARTS) or (lowered.startswith(b"<") and b"<html" in head.lower()):
        return "html"
    return "unknown"
