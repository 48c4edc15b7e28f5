"""Hanweb JCMS: a column's records are not links in the HTML. The first group sits in a
`<script type="text/xml"><datastore>` block; the rest come from dataproxy.jsp — POST with
startrecord/endrecord (Zhejiang, /module/jpage/) or GET with page= (Jiangsu,
/module/web/jpage/) — as XML records in CDATA. Zhejiang sites also list a region's reports
by year at /module/xxgk/xxgkAnnualReport.jsp?area=…&fbtime=…. Reading them directly needs no
browser."""
from __future__ import annotations

import re
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import scrapy

from .. import discover
from . import page_config
from .base import Family, Listing, ListingFailed

GROUP = 45  # records per dataproxy request, as the portals' own pages ask
_DATASTORE = re.compile(r"<datastore>.*?</datastore>", re.S)
_NEXTGROUP = re.compile(r"<nextgroup>\s*<!\[CDATA\[(.*?)\]\]>\s*</nextgroup>", re.S)
_ANNUAL = re.compile(r"""([^"'\s<>=]*/module/xxgk/xxgkAnnualReport\.jsp)\?[^"'<>]*?area=([\w-]+)""")
ANNUAL_YEARS = 6  # report years asked from xxgkAnnualReport.jsp, newest first


def parse_datastore(xml_text: str, base_url: str) -> tuple[list, int | None]:
    """Links in a datastore block or dataproxy answer, and its totalrecord if given."""
    links, total = [], None
    m = re.search(r"<totalrecord>\s*(\d+)\s*</totalrecord>", xml_text)
    if m:
        total = int(m.group(1))
    for cdata in re.findall(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", xml_text, re.S):
        links.extend(discover.links(cdata, base_url))
    return links, total


PARAMS = ("columnid", "unitid", "webid", "appid", "path", "sourcecontenttype", "permissiontype", "webname")


def proxy_params(html: str, url: str) -> dict | None:
    """The dataproxy parameters of a column page, as the page declares them: its nextgroup
    link, or its jpage config (keys in any letter case, columnId = columnid); the proxy's
    own URL from the page (resolved against it), else the site's /module/jpage/dataproxy.jsp."""
    params: dict = {}
    proxy = None
    m = _NEXTGROUP.search(html)
    href = re.search(r'href="([^"]+)"', m.group(1)) if m else None
    if href:
        target = urljoin(url, href.group(1).replace("&amp;", "&"))
        params.update({k.lower(): v for k, v in parse_qsl(urlsplit(target).query)})
        proxy = target.split("?")[0]
    for name in PARAMS:
        if name not in params:
            declared = page_config.value(html, name, pattern=r"[\w/.%-]+")
            if declared:
                params[name] = declared
    if "columnid" not in params:
        return None
    proxy = proxy or page_config.declared_url(html, url, "dataproxy.jsp") or \
        page_config.site_root(url, "/col/") + "module/jpage/dataproxy.jsp"
    params["_proxy"] = proxy
    method = page_config.value(html, "method", "type", pattern=r"GET|POST")
    params["_method"] = method.upper() if method else ("GET" if "/web/jpage/" in proxy else "POST")
    return params


class Jcms(Family):
    name = "jcms"
    what = "jcms dataproxy"
    markers = (r"<datastore>", r"dataproxy\.jsp", r"/module/jpage/", r"/art/\d{4}/\d{1,2}/\d{1,2}/art_")

    def list_requests(self, html, url, meta):
        requests = self.annual_report_requests(html, url, meta)
        params = proxy_params(html, url)
        if params and (_DATASTORE.search(html) or "dataproxy" in html):
            requests.append(self.group_request(params, url, 1, meta))
        return requests

    def annual_report_requests(self, html: str, url: str, meta: dict) -> list:
        """xxgkAnnualReport.jsp lists a region's reports of one year (HTML)."""
        m = _ANNUAL.search(html)
        if not m:
            return []
        this_year = date.today().year
        return [scrapy.Request(urljoin(url, f"{m.group(1)}?{urlencode({'area': m.group(2), 'fbtime': year})}"),
                               meta=dict(meta, jcms={"annual": True, "referer": url}))
                for year in range(this_year - 1, this_year - 1 - ANNUAL_YEARS, -1)]

    def group_request(self, params: dict, referer: str, start: int, meta: dict):
        proxy = params["_proxy"]
        if params.get("_method") == "GET":  # Jiangsu: GET, one page at a time
            page = (start - 1) // GROUP + 1
            query = urlencode({"page": page, "appid": params.get("appid", "1"), "webid": params.get("webid", "1"),
                               "path": params.get("path", "/"), "columnid": params["columnid"],
                               "unitid": params.get("unitid", ""), "webname": params.get("webname", ""),
                               "permissiontype": params.get("permissiontype", "0"), "perpage": GROUP})
            return scrapy.Request(f"{proxy}?{query}", headers={"Referer": referer},
                                  meta=dict(meta, jcms={"params": params, "start": start, "referer": referer}))
        query = urlencode({"startrecord": start, "endrecord": start + GROUP - 1, "perpage": 15})
        form = {"col": "1", "appid": params.get("appid", "1"), "webid": params.get("webid", "1"),
                "path": params.get("path", "/"), "columnid": params["columnid"],
                "sourceContentType": params.get("sourcecontenttype", "1"),
                "unitid": params.get("unitid", ""), "permissiontype": params.get("permissiontype", "0")}
        return scrapy.FormRequest(f"{proxy}?{query}", formdata=form, headers={"Referer": referer},
                                  meta=dict(meta, jcms={"params": params, "start": start,
                                                        "referer": referer}))

    def read_answer(self, response) -> Listing:
        """One dataproxy answer: its records, and the request for the next group."""
        state = response.meta["jcms"]
        if state.get("annual"):  # an HTML list of one year's reports
            return Listing(links=discover.links(response.text, response.url))
        if "<datastore" not in response.text and "<recordset" not in response.text:
            raise ListingFailed("answer is not a jpage datastore")
        links, total = parse_datastore(response.text, state["referer"])
        listing = Listing(links=links)
        start = state["start"]
        if links and total and start + GROUP - 1 < total:
            meta = {k: v for k, v in response.meta.items() if k not in ("jcms",)}
            listing.requests.append(self.group_request(state["params"], state["referer"],
                                                       start + GROUP, meta))
        return listing

