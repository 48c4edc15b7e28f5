"""TRS WCM: lists are index.html, index_1.html …; the page count is only in inline JS
(createPageHTML / countPage), which the generic pagination reads."""
from __future__ import annotations

from .base import Family


class Trs(Family):
    name = "trs"
    markers = (r"createPageHTML\(", r"var\s+countPage\s*=", r"TRS_Editor", r"trs_editor_view")
