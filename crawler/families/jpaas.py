"""Hanweb JPaas (newer Hanweb sites): lists come from the publish server's unit API,
…/api-gateway/jpaas-publish-server/front/page/build/unit (JSON carrying the list's HTML),
with webId/pageId/unitId (any letter case) and the API's address read from the page;
articles are /col/col{N}/art/{Y}/art_{hex}.html."""
from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urljoin

import scrapy

from .. import discover
from . import page_config
from .base import Family, Listing, ListingFailed

API = "api-gateway/jpaas-publish-server/front/page/build/unit"


class Jpaas(Family):
    name = "jpaas"
    what = "jpaas unit API"
    markers = (r"jpaas-publish-server", r"/col/col\d+/art/\d{4}/art_[0-9a-f]+\.html")

    def list_requests(self, html, url, meta):
        ids = {"webId": page_config.value(html, "webid", "websiteid", "siteid", pattern=r"\w+"),
               "pageId": page_config.value(html, "pageid", "columnid", pattern=r"\w+"),
               "unitId": page_config.value(html, "unitid", "tplsetid", pattern=r"\w+")}
        if not all(ids.values()):
            return []
        api = page_config.declared_url(html, url, "/front/page/build/unit") or \
            urljoin(page_config.site_root(url, "/col/"), API)
        state = dict(ids, page=1, referer=url, api=api)
        return [self.page_request(state, meta)]

    def page_request(self, state: dict, meta: dict):
        query = urlencode({"webId": state["webId"], "pageId": state["pageId"], "unitId": state["unitId"],
                           "paramJson": json.dumps({"pageNo": state["page"], "pageSize": 15})})
        return scrapy.Request(f"{state['api']}?{query}", meta=dict(meta, jpaas=state))

    def read_answer(self, response) -> Listing:
        state = response.meta["jpaas"]
        try:
            data = json.loads(response.text).get("data")
        except (ValueError, AttributeError):
            raise ListingFailed("answer is not JSON") from None
        if not isinstance(data, dict) or "html" not in data:
            raise ListingFailed("answer carries no list unit")
        listing = Listing(links=discover.links(data.get("html") or "", state["referer"]))
        if listing.links and state["page"] < int(data.get("pageCount") or data.get("totalPage") or 1):
            meta = {k: v for k, v in response.meta.items() if k != "jpaas"}
            listing.requests.append(self.page_request(dict(state, page=state["page"] + 1), meta))
        return listing
