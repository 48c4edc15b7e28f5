"""Guangdong gkmlpt (政府信息公开目录平台): the list page is built from a JSON API,
/gkmlpt/api/all/{category}?page={n}&sid={sid}, with the site id `sid` in the page source.
Articles are …/content/post_{id}.html."""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import scrapy

from .base import Family, Listing

_SID = re.compile(r"""\bsid\s*[:=]\s*['"]?(\d+)""")
_CATEGORY = re.compile(r"""/gkmlpt/api/all/(\d+)|\bcategory(?:_id|Id)?\s*[:=]\s*['"]?(\d+)""")


class Gkmlpt(Family):
    name = "gkmlpt"
    markers = (r"/gkmlpt/", r"gkmlpt")

    def list_requests(self, html, url, meta):
        sid, category = _SID.search(html), _CATEGORY.search(html)
        if not (sid and category):
            return []
        state = {"sid": sid.group(1), "category": category.group(1) or category.group(2), "page": 1,
                 "referer": url}
        return [self.page_request(state, meta)]

    def page_request(self, state: dict, meta: dict):
        api = urljoin(state["referer"], f"/gkmlpt/api/all/{state['category']}?page={state['page']}&sid={state['sid']}")
        return scrapy.Request(api, meta=dict(meta, gkmlpt=state))

    def read_answer(self, response) -> Listing:
        state = response.meta["gkmlpt"]
        try:
            data = json.loads(response.text)
        except ValueError:
            return Listing()
        articles = data.get("articles") or []
        listing = Listing(links=[(urljoin(response.url, a.get("url", "")), re.sub(r"\s+", "", a.get("title", "")))
                                 for a in articles if a.get("url")])
        per_page = len(articles)
        if per_page and state["page"] * per_page < int(data.get("total") or 0):
            meta = {k: v for k, v in response.meta.items() if k != "gkmlpt"}
            listing.requests.append(self.page_request(dict(state, page=state["page"] + 1), meta))
        return listing
