"""Guangdong gkmlpt (政府信息公开目录平台): the list page is built from a JSON API,
{site}/gkmlpt/api/all/{category}?page={n}&sid={sid}. The API's address, the site id (sid,
SID, siteId …) and the category are read from the page; the category may be only in the
link's fragment (…/gkmlpt/index#2513), which the spider keeps for this family.
Articles are …/content/post_{id}.html."""
from __future__ import annotations

import json
import re
from urllib.parse import urljoin

import scrapy

from . import page_config
from .base import Family, ListingFailed, Listing


class Gkmlpt(Family):
    name = "gkmlpt"
    what = "gkmlpt API"
    markers = (r"/gkmlpt/", r"gkmlpt")

    def list_requests(self, html, url, meta):
        sid = page_config.value(html, "sid", "site_id", "siteid", "websiteid", pattern=r"\d+")
        category = self.category(html, url, meta.get("fragment"))
        if not (sid and category):
            return []
        api = page_config.declared_url(html, url, "/gkmlpt/api/")
        root = api.split("/gkmlpt/api/")[0] + "/gkmlpt/api/" if api else \
            page_config.site_root(url, "/gkmlpt/") + "gkmlpt/api/"
        state = {"sid": sid, "category": category, "page": 1, "referer": url, "api": root}
        return [self.page_request(state, meta)]

    @staticmethod
    def category(html: str, url: str, fragment: str | None) -> str | None:
        """From the link's fragment (#2513), the page's config, or an API path in the page."""
        if fragment and re.fullmatch(r"\d+", fragment):
            return fragment
        declared = page_config.value(html, "category", "categoryid", "category_id", "catid", "cat_id",
                                     "columnid", pattern=r"\d+")
        if declared:
            return declared
        m = re.search(r"/gkmlpt/api/all/(\d+)", html) or re.search(r"/gkmlpt/(?:index/)?(\d+)(?:/|$)", url)
        return m.group(1) if m else None

    def page_request(self, state: dict, meta: dict):
        api = urljoin(state["api"], f"all/{state['category']}?page={state['page']}&sid={state['sid']}")
        return scrapy.Request(api, meta=dict(meta, gkmlpt=state))

    def read_answer(self, response) -> Listing:
        state = response.meta["gkmlpt"]
        try:
            data = json.loads(response.text)
            articles = data.get("articles")
        except (ValueError, AttributeError):
            raise ListingFailed("answer is not gkmlpt JSON") from None
        if not isinstance(articles, list):
            raise ListingFailed("answer has no articles")
        listing = Listing(links=[(urljoin(response.url, a.get("url", "")), re.sub(r"\s+", "", a.get("title", "")))
                                 for a in articles if isinstance(a, dict) and a.get("url")])
        per_page = len(articles)
        if per_page and state["page"] * per_page < int(data.get("total") or 0):
            meta = {k: v for k, v in response.meta.items() if k != "gkmlpt"}
            listing.requests.append(self.page_request(dict(state, page=state["page"] + 1), meta))
        return listing
