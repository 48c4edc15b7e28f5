"""A decoded page as lxml will parse it.

lxml refuses a str that still starts with an XML declaration naming an encoding
(`<?xml version="1.0" encoding="gb2312"?>`, as XHTML 1.0 templates write), and parsel
parses such a str to an empty tree. Once the bytes are decoded the declaration has done
its work (w3lib reads its encoding when the page's charset is decided), so it is dropped,
with a leading BOM, before the text is parsed. Pure: str in, str out.
"""
from __future__ import annotations

import re

_PROLOG = re.compile(r"\A[\ufeff\s]*<\?xml\s[^>]*\?>", re.I)


def parsable(text: str) -> str:
    """The page without its leading BOM and XML declaration (everything else kept)."""
    if text[:1] == "\ufeff":
        text = text[1:]
    return _PROLOG.sub("", text, count=1)
