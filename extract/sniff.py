"""What a file is, from its bytes, whatever it is called.

`text_kind` tells the text kinds apart: an HTML page, a JavaScript/JSON file carrying the
report's HTML in a string literal (a portal's data file, sometimes saved as `.txt`), Markdown,
and plain text. Pure: bytes in, a name out.
"""
from __future__ import annotations

import re

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
