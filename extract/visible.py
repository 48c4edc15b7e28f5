"""Text as a person reads it, for the names the archive matches on (titles, organ names,
link labels): the characters one cannot see are dropped — zero-width spaces and joiners, a
byte-order mark, bidirectional controls (U+202E and the like), control characters — and every
kind of space is one space. One function at the boundary where titles and organ names are
read (extract/document.py `load`, extract/report.py, crawler/discover.py labels); the
captured bytes keep the raw text."""
from __future__ import annotations

import re
import unicodedata

_SPACE = re.compile(r"\s+")
# between two CJK characters a space is a paste, not a word break (萧山区　人民政府)
_CJK_GAP = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])\s+(?=[\u3400-\u9fff\uf900-\ufaff])")


def _kind(char: str) -> str:
    """'' (dropped), ' ' (a space) or the character itself."""
    category = unicodedata.category(char)
    if category == "Cf":  # format: U+200B–U+200F, U+202A–U+202E, U+2060–U+2069, U+FEFF, U+061C …
        return ""
    if category == "Cc":
        return " " if char in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85" else ""
    if category in ("Zs", "Zl", "Zp"):
        return " "
    return char


_TABLE: dict[int, str] = {}


def _table() -> dict[int, str]:
    if not _TABLE:
        for code in list(range(0x00, 0x100)) + list(range(0x0600, 0x0620)) + list(range(0x1680, 0x1681)) \
                + list(range(0x180E, 0x180F)) + list(range(0x2000, 0x2070)) + [0x3000, 0xFEFF] \
                + list(range(0xFFF9, 0xFFFC)):
            kind = _kind(chr(code))
            if kind != chr(code):
                _TABLE[code] = kind
    return _TABLE


def visible(text: str | None) -> str:
    """The text without invisible and control characters, its spaces one space each, stripped."""
    if not text:
        return text or ""
    return _SPACE.sub(" ", text.translate(_table())).strip()


def organ_name(text: str | None) -> str:
    """An organ's name as matched: visible, and no space between its Chinese characters."""
    return _CJK_GAP.sub("", visible(text))
