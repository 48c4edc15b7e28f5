"""Hanweb JPaas (newer Hanweb sites): lists come from
/api-gateway/jpaas-publish-server/front/page/build/unit (JSON carrying the list's HTML);
articles are /col/col{N}/art/{Y}/art_{hex}.html."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urljoin

import scrapy

from .. import discover
from .base import Family, Listing

_UNIT = re.compile(r"""(?:webId|websiteId)\s*[:=]\s*['"]?(\w+)['"]?.*?(?:pageId|columnId)\s*[:=]\s*['"]?(\w+)['"]?"""
                   r""".*?(?:unitId|tplSetId)\s*[:=]\s*['"]?(\w+)""", re.S)
API = "/api-gateway/jpaas-publish-server/front/page/build/unit"


class Jpaas(Family):
    name = "jpaas"
    markers = (r"jpaas-publish-server", r"/col/col\d+/art/\d{4}/art_[0-9a-f]+\.html")

    def list_requests(self, html, url, meta):
        m = _UNIT.search(html)
        if not m:
            return []
        state = {"webId": m.group(1), "pageId": m.group(2), "unitId": m.group(3), "page": 1, "referer": url}
        return [self.page_request(state, meta)]

    def page_request(self, state: dict, meta: dict):
        query = urlencode({"webId": state["webId"], "pageId": state["pageId"], "unitId": state["unitId"],
                           "paramJson": json.dumps({"pageNo": state["page"], "pageSize": 15})})
        return scrapy.Request(urljoin(state["referer"], f"{API}?{query}"), meta=dict(meta, jpaas=state))

    def read_answer(self, response) -> Listing:
        state = response.meta["jpaas"]
        try:
            data = json.loads(response.text).get("data") or {}
        except (ValueError, AttributeError):
            return Listing()
        listing = Listing(links=discover.links(data.get("html") or "", state["referer"]))
        if listing.links and state["page"] < int(data.get("pageCount") or data.get("totalPage") or 1):
            meta = {k: v for k, v in response.meta.items() if k != "jpaas"}
            listing.requests.append(self.page_request(dict(state, page=state["page"] + 1), meta))
        return listing
