"""Round 3 of the world's attacks: bounds at scale.

- browser_portals(n, interval): n portals that each need the browser (a list drawn by script
  from a JSON API, its page 2 only by a scripted pager), each host enforcing its own
  interval between requests — whoever sends them, Scrapy or Chromium — and counting every
  violation; one real report a page of the list.
- challenge_cookie_flood(): a 加速乐-style 521 challenge whose script sets 60 cookies of
  200 bytes and the clearance cookie before it reloads (12 KB: a browser passes it); the
  server refuses a request whose headers pass 64 KB.
- endless_search(): the column links a site search whose results never end (every page 10
  hits titled like reports, a 下一页, fresh page numbers), beside the real column.
- site_queries(): hostile parameters for every canned query of metadata.yml and huge
  `_size` / `_facet` / `_facet_size` requests on tables and views, each must answer 2xx/4xx
  while a probe keeps answering within 2 s.

Every portal publishes real labelled reports (portals.report_body): they must be archived.
"""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import quote

from .portals import li, page, report_body, report_title
from .server import Answer

LABEL = "nanhu-2023"


@dataclass
class Portal:
    name: str
    organ: str
    routes: dict
    reports: list  # paths that must be archived
    interval: float = 0.0  # the host's own minimum interval (0: none)
    fallback: object = None
    needs_browser: bool = False
    log: list = field(default_factory=list)  # (time, method, path) as the host saw them


class Enforcer:
    """Wraps a Site's routes: every request is timed at arrival; one closer than `interval`
    to the previous one on this host is a violation (answered 503 as a WAF would)."""

    def __init__(self, interval: float):
        self.interval, self.last, self.violations, self.times = interval, 0.0, [], []
        self.lock = threading.Lock()

    def admit(self, path: str, agent: str) -> bool:
        with self.lock:
            now = time.monotonic()
            gap = now - self.last if self.last else None
            self.times.append((now, path, agent))
            ok = gap is None or gap >= self.interval - 0.05  # 50 ms for the loopback's own jitter
            if not ok:
                self.violations.append((round(gap, 3), path, agent))
            self.last = now
            return ok


def _json(data) -> Answer:
    return Answer(200, json.dumps(data, ensure_ascii=False).encode(), [], "application/json; charset=utf-8")


def browser_portal(i: int, organ: str, interval: float) -> Portal:
    """A list only a script draws (fetch of /api/list?page=N), page 2 only by a scripted pager."""
    routes, reports, rows = {}, [], []
    for k, year in enumerate((2023, 2022, 2021, 2020)):
        path = f"/xxgk/nb/{year}/art_{i}_{k}.html"
        routes[path] = Answer(200, report_body(LABEL if year >= 2021 else "pingtan-2019", organ, year).encode())
        reports.append(path)
        rows.append({"t": report_title(organ, year), "u": path})
    routes["/api/list?page=1"] = _json({"pages": 2, "rows": rows[:2]})
    routes["/api/list?page=2"] = _json({"pages": 2, "rows": rows[2:]})
    shell = ('<ul id="list"></ul><span id="next" style="cursor:pointer">下一页</span><script>var n=1;'
             'function load(k){fetch("/api/list?page="+k).then(function(r){return r.json();}).then(function(d){'
             'var ul=document.getElementById("list");ul.innerHTML="";d.rows.forEach(function(x){var l=document.createElement("li");'
             'l.innerHTML=\'<a href="\'+x.u+\'">\'+x.t+\'</a>\';ul.appendChild(l);});n=k;});}'
             'document.getElementById("next").onclick=function(){load(n+1);};load(1);</script>')
    routes["/xxgk/nb/index.html"] = Answer(200, page("政府信息公开年报", shell).encode())
    routes["/"] = Answer(200, page(organ, '<a href="/xxgk/nb/index.html">政府信息公开年报</a>').encode())
    return Portal(f"browser-{i}", organ, routes, reports, interval=interval, needs_browser=True)


def challenge_cookie_flood(organ: str) -> Portal:
    token = "__jsl_clearance_s=1700000000.42|0|ok"

    def guard(h) -> bool:
        """True when the request was answered here (refused or challenged)."""
        size = sum(len(k) + len(v) + 4 for k, v in h.headers.items())
        if size > 65536:
            h.send_response(400)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return True
        if token.split("=", 1)[1] in (h.headers.get("Cookie") or ""):
            return False
        script = ("<script>for(var i=0;i<60;i++){document.cookie='jsl_pad'+i+'='+'x'.repeat(200)+';path=/';}"
                  f"document.cookie='{token};path=/';location.reload();</script>")
        body = f"<html><head></head><body>{script}</body></html>".encode()
        h.send_response(521, "Web Server Is Down")
        h.send_header("Content-Type", "text/html; charset=utf-8")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
        return True

    routes, reports = {}, []
    path = "/xxgk/zfxxgknb/2023.html"
    routes[path] = Answer(200, report_body(LABEL, organ, 2023).encode())
    reports.append(path)
    routes["/xxgk/zfxxgknb/"] = Answer(200, page("政府信息公开年报", "<ul>" + li(path, report_title(organ, 2023)) + "</ul>").encode())
    routes["/"] = Answer(200, page(organ, '<a href="/xxgk/zfxxgknb/">政府信息公开年报</a>').encode())
    p = Portal("challenge-cookie-flood", organ, routes, reports)
    p.guard = guard
    return p


def endless_search(organ: str) -> Portal:
    routes, reports = {}, []
    for k, year in enumerate((2023, 2022)):
        path = f"/xxgk/zfxxgknb/{year}.html"
        routes[path] = Answer(200, report_body(LABEL, organ, year).encode())
        reports.append(path)
    routes["/xxgk/zfxxgknb/"] = Answer(200, page("政府信息公开年报", "<ul>" + "".join(
        li(p, report_title(organ, y)) for p, y in zip(reports, (2023, 2022))) + "</ul>").encode())
    q = quote("政府信息公开工作年度报告")
    routes["/"] = Answer(200, page(organ, '<a href="/xxgk/zfxxgknb/">政府信息公开年报</a>'
                                          f'<form action="/search/"><input name="q"></form><a href="/search/?q={q}&page=1">年报检索</a>').encode())

    def results(path: str):
        if not path.startswith("/search/"):
            return None
        import re

        m = re.search(r"page=(\d+)", path)
        n = int(m.group(1)) if m else 1
        hits = "".join(li(f"/search/hit?id={n * 10 + j}&q={q}", f"{organ}{2000 + (n * 10 + j) % 24}年政府信息公开工作年度报告（检索结果{n * 10 + j}）")
                       for j in range(10))
        pager = f'<a href="/search/?q={q}&page={n + 1}">下一页</a> <a href="/search/?q={q}&page={n + 7}">{n + 7}</a>'
        body = page("检索结果", f"<p>共找到约 {10 ** 6} 条结果</p><ul>{hits}</ul>{pager}")
        if "/search/hit" in path:
            body = page("检索结果", f"<p>{organ}政府信息公开工作年度报告 检索摘要……</p><ul>{hits}</ul>{pager}")
        return Answer(200, body.encode())

    return Portal("endless-search", organ, routes, reports, fallback=results)


def site_queries() -> dict:
    """{case: path} for the public site: hostile parameters of the canned queries, and huge
    size/facet requests on tables and views. Each answers 2xx/4xx, never 500."""
    q = lambda s: quote(s, safe="")  # noqa: E731
    big = "政府信息公开" * 100_000  # 600,000 characters (1.8 MB UTF-8)
    out = {
        "search-huge-q": f"/archive/search?q={q(big[:200_000])}",
        "search-fts-syntax": "/archive/search?q=" + q('NEAR(报告 年度) OR * AND ^公开 "'),
        "search-many-terms": f"/archive/search?q={q(' OR '.join(f'词{i}' for i in range(5000)))}",
        "search-json-size-max": f"/archive/search.json?q={q('报告')}&_size=max&_shape=array",
        "ranking-year-text": f"/archive/requests_ranking?year={q(chr(39) + ' or 1=1 --')}",
        "ranking-year-huge": f"/archive/refusal_rate?year={'9' * 5000}",
        "refusals-year-neg": "/archive/refusals_ranking?year=-99999999999999999999",
        "late-region-like": f"/archive/late_publishers?region={q('%' * 2000 + '_' * 2000)}&year=2023",
        "totals-region-huge": f"/archive/totals_by_year?region={q('浙' * 300_000)}",
        "organ-history-wild": f"/archive/organ_history?organ={q('%')}",
        "organ-history-huge": f"/archive/organ_history?organ={q('县' * 300_000)}",
        "coverage-year-float": "/archive/coverage?year=1e308",
        "canned-extra-params": "/archive/new_reports?_size=max&sql=select+1&_json=body_text&_nl=on",
        "facet-size-max-view": "/archive/report_summary?_facet=organ&_facet=region&_facet=report_year&_facet=format"
                               "&_facet=check_status&_facet_size=max&_size=max",
        "facet-array-view": "/archive/report_summary?_facet_array=organ&_facet_array=region&_facet_size=max",
        "facet-many-table": "/archive/applications?" + "&".join(f"_facet={c}" for c in
                                                                 ("row_key", "column_key", "value", "report_id", "provenance") * 8)
                            + "&_facet_size=max",
        "size-max-view-json": "/archive/report_summary.json?_size=max&_shape=objects",
        "timelimit-param": "/archive.json?sql=" + q("with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c")
                           + "&_timelimit=600000",
        "sort-view-text": "/archive/report_summary?_sort=organ&_size=max",
        "csv-view-stream": "/archive/report_summary.csv?_stream=on&_size=max",
        "json-huge-offset": "/archive/reports.json?_next=" + "9" * 1000,
        "search-table-huge": f"/archive/reports?_search={q(big[:100_000])}&_searchmode=raw",
    }
    return out


PROBE = "/archive/reports.json?_size=1&_col=id"


def _send(h, route) -> None:
    if callable(route):
        return route(h)
    h.send_response(route.status)
    h.send_header("Content-Type", route.content_type)
    for name, value in route.headers:
        h.send_header(name, value)
    h.send_header("Content-Length", str(len(route.body)))
    h.end_headers()
    if h.command != "HEAD":
        try:
            h.wfile.write(route.body)
        except OSError:
            pass


def guarded(site, portal: Portal):
    """Make a Site enforce the portal's interval (a violation answered 503) and its guard."""
    plain = site.lookup
    enforcer = Enforcer(portal.interval) if portal.interval else None
    portal.enforcer = enforcer

    def lookup(raw: str):
        route = plain(raw) or Answer(404, b"<html><head><title>404</title></head><body>404</body></html>")

        def answer(h):
            # who sent it, when it can be told: the browser's requests carry Scrapy's headers
            # (scrapy-playwright), so mostly it cannot
            agent = "browser" if h.headers.get("Sec-Fetch-Mode") or "Chrome" in (h.headers.get("User-Agent") or "") else "?"
            if enforcer and not enforcer.admit(raw, agent):
                return _send(h, Answer(503, b"<html><body>503 too fast</body></html>", [("Retry-After", "2")]))
            guard = getattr(portal, "guard", None)
            if guard and guard(h):
                return None
            return _send(h, route)
        return answer

    site.lookup = lookup
    return site
