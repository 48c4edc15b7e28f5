"""开普云 Ucap (gov.cn and many Jiangsu sites): static lists paginated as index_1.shtml …
(also written by createPageHTML), bodies in #UCAP-CONTENT / <ucapcontent>."""
from __future__ import annotations

from .base import Family


class Ucap(Family):
    name = "ucap"
    markers = (r"UCAP-CONTENT", r"<ucapcontent", r"ucaptitle", r"ucap")
