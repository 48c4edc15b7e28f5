"""Unknown systems: 下一页 links and TRS-style index_N pages are followed (rules.yml)."""
from __future__ import annotations

import scrapy

from .. import discover
from .base import Family


class Generic(Family):
    name = "generic"

    def recognises(self, html: str, url: str = "") -> bool:
        return True

    def list_requests(self, html, url, meta):
        return [scrapy.Request(href, meta=dict(meta)) for href in discover.pagination(html, url)]
