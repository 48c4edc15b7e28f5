"""Attacks beyond issue 19's 58 cases, built from descriptions against one internal canary
(tests/world/server.py Canary) that must never be reached.

- portals(canary): hostile portals for a crawl — URL spellings of loopback, redirects and
  refreshes of every kind, sitemaps and Link headers, names in the seed that resolve to
  loopback, browser subresources and APIs, traps, drips, endless bodies, broken headers.
  Every portal also publishes one real report, which must be archived.
- files(canary): documents for `python -m extract` that make a reader reach out (remote
  templates, fields, external data, links) or blow up (nested zips, member floods).
- site_queries(): requests against the public Datasette that try to hold it.
Each canary URL names its case in its path (/hit/<case>), so a hit says what leaked.
"""
from __future__ import annotations

import base64
import html
import io
import itertools
import json
import random
import time
import zipfile
from dataclasses import dataclass, field
from urllib.parse import quote

from .portals import page, report_body, report_title
from .server import Answer

REAL_LABEL = "nanhu-2023"


@dataclass
class HostilePortal:
    name: str
    routes: dict
    report: str = "/xxgk/zfxxgknb/real.html"  # the real report: must be archived
    allowed_hosts: list | None = None  # None: the seeded host:port
    vectors: list = field(default_factory=list)  # case names (canary paths)
    browser: bool = False
    bounded: str = ""  # a bound this portal must run into (recorded, not silent)


def spellings(port: int, case: str) -> dict:
    """Loopback (the canary, 127.0.0.1 / ::1) spelled every way a URL parser may read it."""
    p = f"/hit/{case}"
    return {
        "decimal": f"http://2130706433:{port}{p}-decimal",
        "hex": f"http://0x7f000001:{port}{p}-hex",
        "hex-dotted": f"http://0x7f.0x0.0x0.0x1:{port}{p}-hexdot",
        "octal": f"http://0177.0.0.01:{port}{p}-octal",
        "short": f"http://127.1:{port}{p}-short",
        "mapped-v6": f"http://[::ffff:127.0.0.1]:{port}{p}-mapped",
        "mapped-v6-hex": f"http://[::ffff:7f00:1]:{port}{p}-mappedhex",
        "v6-loopback": f"http://[::1]:{port}{p}-v6",
        "v6-long": f"http://[0:0:0:0:0:0:0:1]:{port}{p}-v6long",
        "trailing-dot": f"http://localhost.:{port}{p}-dot",
        "upper": f"HTTP://LOCALHOST:{port}{p}-upper",
        "ideographic-dots": f"http://127。0。0。1:{port}{p}-ideo",
        "fullwidth": f"http://１２７.０.０.１:{port}{p}-fullwidth",
        "zero": f"http://0:{port}{p}-zero",
        "protocol-relative": f"//127.0.0.1:{port}{p}-prel",
        "backslashes": f"/\\127.0.0.1:{port}{p}-bslash",
        "scheme-only": f"http:127.0.0.1:{port}{p}-schemeonly",
        "tab-inside": f"http://127.0.0.\t1:{port}{p}-tab",
        "percent-host": f"http://%31%32%37.0.0.1:{port}{p}-pcthost",
    }


def with_userinfo(allowed: str, port: int, case: str) -> dict:
    """The portal's own host written as userinfo in front of loopback (and the reverse)."""
    p = f"/hit/{case}"
    return {"userinfo": f"http://{allowed}@127.0.0.1:{port}{p}-userinfo",
            "userinfo-backslash": f"http://{allowed}\\@127.0.0.1:{port}{p}-userinfo-bs",
            "userinfo-hash": f"http://127.0.0.1:{port}#@{allowed}{p}-userinfo-hash"}


_PORTAL_NUMBER = itertools.count()


def _real(routes: dict):
    # the same report on every portal, each copy its own bytes: identical bytes on two
    # portals are one report kept as the first portal's (archive/ingest.py, seeds overlap)
    body = report_body(REAL_LABEL, "某县人民政府", 2023) + f"\n<!-- portal {next(_PORTAL_NUMBER)} -->"
    routes["/xxgk/zfxxgknb/real.html"] = Answer(200, body.encode())


def _list(items: list[tuple[str, str]], head: str = "", extra: str = "") -> bytes:
    lis = "".join(f'<li><a href="{html.escape(h, quote=True)}">{html.escape(t)}</a></li>' for h, t in items)
    return page("政府信息公开年报", f"<ul>{lis}</ul>{extra}", head=head).encode()


def _home(routes: dict, column: str = "/xxgk/zfxxgknb/"):
    routes["/"] = Answer(200, page("某县人民政府", f'<a href="{column}">政府信息公开年报</a>').encode())
    routes.setdefault("/robots.txt", Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"))


REAL = ("/xxgk/zfxxgknb/real.html", report_title("某县人民政府", 2023))


def _titled(i: int) -> str:
    return report_title(f"某县第{i}局", 2023)


# --- static crawl vectors ---------------------------------------------------------------------

def link_spellings(port: int, own: str) -> HostilePortal:
    urls = {**spellings(port, "link"), **with_userinfo(own, port, "link")}
    routes = {}
    _real(routes)
    _home(routes)
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list([REAL] + [(u, _titled(i)) for i, u in enumerate(urls.values())]))
    return HostilePortal("link-spellings", routes, vectors=[f"link-{k}" for k in urls])


def redirect_spellings(port: int, own: str) -> HostilePortal:
    urls = {**spellings(port, "redir"), **with_userinfo(own, port, "redir")}
    routes = {}
    _real(routes)
    _home(routes)
    items = [REAL]
    for i, (k, u) in enumerate(urls.items()):
        status = [301, 302, 303, 307, 308][i % 5]
        routes[f"/xxgk/zfxxgknb/r{i}.html"] = Answer(status, b"", [("Location", u)])
        items.append((f"/xxgk/zfxxgknb/r{i}.html", _titled(i)))
    # a chain: own host → own host → loopback
    routes["/xxgk/zfxxgknb/chain.html"] = Answer(302, b"", [("Location", "/xxgk/zfxxgknb/chain2.html")])
    routes["/xxgk/zfxxgknb/chain2.html"] = Answer(301, b"", [("Location", f"http://[::1]:{port}/hit/redir-chain")])
    items.append(("/xxgk/zfxxgknb/chain.html", _titled(99)))
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list(items))
    return HostilePortal("redirect-spellings", routes, vectors=[f"redir-{k}" for k in urls] + ["redir-chain"])


def refreshes(port: int, own: str) -> HostilePortal:
    """Refresh: header, <meta http-equiv=refresh> in spellings, a refresh on the homepage."""
    routes = {}
    _real(routes)
    _home(routes)
    items = [REAL]
    routes["/xxgk/zfxxgknb/h.html"] = Answer(200, page("跳转", "<p>正在跳转</p>").encode(),
                                             [("Refresh", f"0; url=http://2130706433:{port}/hit/refresh-header")])
    items.append(("/xxgk/zfxxgknb/h.html", _titled(1)))
    metas = {"plain": f"0;url=http://127.0.0.1:{port}/hit/meta-plain",
             "quoted": f"0; URL='http://[::1]:{port}/hit/meta-quoted'",
             "spaced": f"  3 ;  url = http://0x7f000001:{port}/hit/meta-spaced",
             "no-url-key": f"0;http://127.1:{port}/hit/meta-nokey"}
    for i, (k, content) in enumerate(metas.items()):
        path = f"/xxgk/zfxxgknb/m{i}.html"
        routes[path] = Answer(200, page("跳转", "<p>跳转中</p>", head=f'<meta http-equiv="refresh" content="{html.escape(content)}">').encode())
        items.append((path, _titled(10 + i)))
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list(items))
    return HostilePortal("refreshes", routes, vectors=["refresh-header"] + [f"meta-{k}" for k in metas])


def sitemaps_and_headers(port: int, own: str) -> HostilePortal:
    """robots.txt Sitemap: lines, a sitemap index and urlset naming loopback, a Link: header,
    Content-Location."""
    routes = {}
    _real(routes)
    routes["/"] = Answer(200, page("某县人民政府", '<a href="/xxgk/zfxxgknb/">政府信息公开年报</a>').encode(),
                         [("Link", f"<http://127.0.0.1:{port}/hit/linkheader>; rel=preload; as=script"),
                          ("Content-Location", f"http://127.0.0.1:{port}/hit/content-location")])
    routes["/robots.txt"] = Answer(200, (f"User-agent: *\nAllow: /\nSitemap: http://127.0.0.1:{port}/hit/robots-sitemap.xml\n"
                                         f"Sitemap: /sitemap.xml\nSitemap: http://[::1]:{port}/hit/robots-sitemap-v6.xml\n").encode(),
                                   content_type="text/plain")
    routes["/sitemap.xml"] = Answer(200, (
        '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f'<sitemap><loc>http://127.0.0.1:{port}/hit/sitemap-index</loc></sitemap>'
        '<sitemap><loc>/sitemap-1.xml</loc></sitemap></sitemapindex>').encode(), content_type="application/xml")
    routes["/sitemap-1.xml"] = Answer(200, (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f'<url><loc>http://127.0.0.1:{port}/hit/sitemap-url/zfxxgknb/</loc></url>'
        f'<url><loc>http://2130706433:{port}/hit/sitemap-url-decimal/zfxxgknb/</loc></url>'
        '<url><loc>/xxgk/zfxxgknb/</loc></url></urlset>').encode(), content_type="application/xml")
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list([REAL]))
    return HostilePortal("sitemaps-and-headers", routes,
                         vectors=["linkheader", "content-location", "robots-sitemap", "sitemap-index", "sitemap-url"])


def names_to_loopback(port: int, own: str) -> HostilePortal:
    """The seed lists names besides its address; those names resolve to loopback (as a
    rebinding DNS answer would). Only the seeded address is a loopback the seed names."""
    routes = {}
    _real(routes)
    _home(routes)
    items = [REAL] + [(f"http://{n}:{port}/hit/dns-{n}", _titled(i)) for i, n in enumerate(["localhost", "vm", "runsc"])]
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list(items))
    return HostilePortal("names-to-loopback", routes, allowed_hosts=[own, "localhost", "vm", "runsc"],
                         vectors=["dns-localhost", "dns-vm", "dns-runsc"])


def portless_seed(port: int, own: str) -> HostilePortal:
    """allowed_hosts written without a port (as real seeds are): another port of the same
    address is another service (the canary listens there too)."""
    host = own.split(":")[0]
    routes = {}
    _real(routes)
    _home(routes)
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list([REAL, (f"http://{host}:{port}/hit/portless", _titled(1))]))
    return HostilePortal("portless-seed", routes, allowed_hosts=[host], vectors=["portless"])


# --- browser vectors --------------------------------------------------------------------------

def _script_list(extra_head: str, extra_body: str, script: str = "") -> bytes:
    """A list only a browser can read (drawn from an inline array; a fetch( marks it)."""
    data = json.dumps([{"u": REAL[0], "t": REAL[1]}], ensure_ascii=False)
    draw = (f'<ul id="list"></ul><script>var rows={data};rows.forEach(function(r){{var l=document.createElement("li");'
            'l.innerHTML=\'<a href="\'+r.u+\'">\'+r.t+\'</a>\';document.getElementById("list").appendChild(l);});'
            'if(false){fetch("/api/none");}</script>')
    return page("政府信息公开年报", draw + extra_body + (f"<script>{script}</script>" if script else ""), head=extra_head).encode()


def browser_subresources(port: int, own: str) -> HostilePortal:
    c = f"http://127.0.0.1:{port}/hit"
    head = (f'<link rel="stylesheet" href="{c}/css"><link rel="prefetch" href="{c}/prefetch">'
            f'<link rel="preload" href="{c}/preload" as="fetch" crossorigin><link rel="preconnect" href="http://[::1]:{port}">'
            f'<link rel="dns-prefetch" href="//2130706433:{port}"><link rel="icon" href="{c}/icon">'
            f'<link rel="manifest" href="{c}/manifest"><style>@import url("{c}/import");body{{background:url({c}/bg)}}'
            f'@font-face{{font-family:x;src:url({c}/font)}} p{{font-family:x}}</style>')
    body = (f'<img srcset="{c}/srcset 2x" src="/x.png"><picture><source srcset="{c}/picture"><img src="/y.png"></picture>'
            f'<video poster="{c}/poster"></video><audio src="{c}/audio" preload="auto"></audio>'
            f'<object data="{c}/object"></object><embed src="{c}/embed"><input type="image" src="{c}/inputimage">'
            f'<svg><image href="{c}/svgimage" width="1" height="1"/></svg>'
            f'<iframe srcdoc="&lt;img src=&quot;{c}/srcdoc&quot;&gt;"></iframe>'
            f'<iframe src="data:text/html,%3Cimg%20src%3D%22{quote(c)}%2Fdataiframe%22%3E"></iframe>')
    routes = {}
    _real(routes)
    _home(routes)
    routes["/xxgk/zfxxgknb/"] = Answer(200, _script_list(head, body))
    return HostilePortal("browser-subresources", routes, browser=True,
                         vectors=["css", "prefetch", "preload", "icon", "manifest", "import", "bg", "font", "srcset",
                                  "picture", "poster", "audio", "object", "embed", "inputimage", "svgimage", "srcdoc",
                                  "dataiframe"])


def browser_apis(port: int, own: str) -> HostilePortal:
    c = f"http://127.0.0.1:{port}/hit"
    worker = base64.b64encode(f'fetch("{c}/worker",{{mode:"no-cors"}});'.encode()).decode()
    script = (f'try{{navigator.sendBeacon("{c}/beacon","x")}}catch(e){{}}'
              f'try{{new WebSocket("ws://127.0.0.1:{port}/hit/websocket")}}catch(e){{}}'
              f'try{{new EventSource("{c}/eventsource")}}catch(e){{}}'
              f'try{{new Worker("data:application/javascript;base64,{worker}")}}catch(e){{}}'
              f'try{{new Worker(URL.createObjectURL(new Blob([atob("{worker}").replace("/worker","/blobworker")])))}}catch(e){{}}'
              f'try{{import("{c}/module.js")}}catch(e){{}}'
              f'new Image().src="http://2130706433:{port}/hit/image-decimal";'
              f'fetch("http://[::ffff:127.0.0.1]:{port}/hit/fetch-mapped",{{mode:"no-cors"}}).catch(function(){{}});'
              f'fetch("http://0x7f.1:{port}/hit/fetch-hex",{{mode:"no-cors"}}).catch(function(){{}});'
              'if(navigator.serviceWorker){navigator.serviceWorker.register("/sw.js").catch(function(){});}'
              f'var f=document.createElement("form");f.method="POST";f.action="{c}/form";f.target="t";'
              'var i=document.createElement("iframe");i.name="t";document.body.appendChild(i);document.body.appendChild(f);f.submit();')
    routes = {}
    _real(routes)
    _home(routes)
    routes["/sw.js"] = Answer(200, (f'self.addEventListener("install",function(e){{fetch("{c}/serviceworker-install",{{mode:"no-cors"}});}});'
                                    f'self.addEventListener("activate",function(e){{fetch("{c}/serviceworker-activate",{{mode:"no-cors"}});}});').encode(),
                              content_type="application/javascript")
    routes["/xxgk/zfxxgknb/"] = Answer(200, _script_list("", "", script))
    return HostilePortal("browser-apis", routes, browser=True,
                         vectors=["beacon", "websocket", "eventsource", "worker", "blobworker", "module.js",
                                  "image-decimal", "fetch-mapped", "fetch-hex", "serviceworker-install", "form"])


def browser_navigation(port: int, own: str) -> HostilePortal:
    """After drawing the list the page navigates itself (and opens a window) to loopback."""
    script = (f'setTimeout(function(){{window.open("http://127.0.0.1:{port}/hit/window-open")}},200);'
              f'setTimeout(function(){{location.href="http://[::1]:{port}/hit/navigate"}},600);')
    routes = {}
    _real(routes)
    _home(routes)
    routes["/xxgk/zfxxgknb/"] = Answer(200, _script_list("", "", script), [
        ("Link", f"<http://127.0.0.1:{port}/hit/browser-linkheader>; rel=preload; as=image"),
        ("Refresh", f"3; url=http://127.0.0.1:{port}/hit/browser-refresh-header")])
    return HostilePortal("browser-navigation", routes, browser=True,
                         vectors=["window-open", "navigate", "browser-linkheader", "browser-refresh-header"])


def list_refreshing_away(port: int, own: str) -> HostilePortal:
    """The column page lists the report and also carries a delayed meta refresh to loopback
    (a person sees the list for two seconds; the list must not be lost)."""
    head = f'<meta http-equiv="refresh" content="2;url=http://0x7f000001:{port}/hit/list-meta-refresh">'
    routes = {}
    _real(routes)
    _home(routes)
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list([REAL], head=head))
    return HostilePortal("list-refreshing-away", routes, vectors=["list-meta-refresh"])


def deep_json(port: int, own: str) -> HostilePortal:
    """A script-built list whose API answers JSON nested 200,000 deep (and one 50 MB flat)."""
    routes = {}
    _real(routes)
    _home(routes)
    depth = 200_000
    routes["/api/deep.json"] = Answer(200, b"[" * depth + b"]" * depth, content_type="application/json")
    routes["/api/deep2.json"] = Answer(200, b'{"a":' * depth + b"1" + b"}" * depth, content_type="application/json")
    script = 'fetch("/api/deep.json").then(function(r){return r.text()});fetch("/api/deep2.json").then(function(r){return r.text()});'
    routes["/xxgk/zfxxgknb/"] = Answer(200, _script_list("", "", script))
    return HostilePortal("deep-json", routes, browser=True)


# --- work that must stay bounded --------------------------------------------------------------

def query_trap(port: int, own: str) -> HostilePortal:
    """Every list page links 30 fresh query variants of itself as page numbers."""
    routes = {}
    _real(routes)
    _home(routes)
    rnd = random.Random(5)

    def listing(path: str):
        if not path.startswith("/xxgk/zfxxgknb/list.html"):
            return None
        pager = " ".join(f'<a href="/xxgk/zfxxgknb/list.html?p={rnd.randrange(10**9)}">{k}</a>' for k in range(1, 31))
        return Answer(200, _list([REAL], extra=f'<div class="pager">{pager}<a href="/xxgk/zfxxgknb/list.html?p={rnd.randrange(10**9)}">下一页</a></div>'))
    routes["__fallback__"] = listing
    routes["/"] = Answer(200, page("某县人民政府", '<a href="/xxgk/zfxxgknb/list.html">政府信息公开年报</a>').encode())
    return HostilePortal("query-trap", routes, bounded="PORTAL_PAGE_BUDGET")


def _drip(headers_first: bool, every: float = 1.0):
    def handle(h):
        try:
            if headers_first:
                h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 100000\r\n\r\n<html>")
                h.wfile.flush()
            for _ in range(600):
                time.sleep(every)
                h.wfile.write(b" " if headers_first else b"X")
                h.wfile.flush()
        except OSError:
            pass
        h.close_connection = True
    return handle


def slow_drips(port: int, own: str) -> HostilePortal:
    """Report-titled links whose answers drip one byte a second (body, or the headers)."""
    routes = {}
    _real(routes)
    _home(routes)
    items = [REAL]
    for i in range(8):
        routes[f"/xxgk/zfxxgknb/s{i}.html"] = _drip(headers_first=i % 2 == 0)
        items.append((f"/xxgk/zfxxgknb/s{i}.html", _titled(i)))
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list(items))
    return HostilePortal("slow-drips", routes)


def _endless_chunked(h):
    try:
        h.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nTransfer-Encoding: chunked\r\n\r\n")
        i = 0
        while True:
            chunk = "".join(f'<li><a href="/x/{i + k}.html">{_titled(i + k)}</a></li>' for k in range(200)).encode()
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            i += 200
    except OSError:
        pass
    h.close_connection = True


def endless_list(port: int, own: str) -> HostilePortal:
    """A list page streamed forever in chunks, every line a report link."""
    routes = {}
    _real(routes)
    _home(routes)
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list([REAL, ("/xxgk/zfxxgknb/more/", "下一页")]))
    routes["/xxgk/zfxxgknb/more/"] = _endless_chunked
    return HostilePortal("endless-list", routes, bounded="MAXSIZE")  # DOWNLOAD_MAXSIZE or a list-page cap


def _raw(answer: bytes):
    def handle(h):
        try:
            h.wfile.write(answer)
            h.wfile.flush()
        except OSError:
            pass
        h.close_connection = True
    return handle


def broken_headers(port: int, own: str) -> HostilePortal:
    """Answers with NUL and bare CR in headers, obsolete line folding, two Content-Lengths,
    5,000 Set-Cookie headers, a 200 KB header value, an unknown charset."""
    body = report_body(REAL_LABEL, "某县第一局", 2023).encode()
    n = str(len(body)).encode()
    answers = {
        "nul": b"HTTP/1.1 200 OK\r\nContent-Type: text/html\x00; charset=utf-8\r\nX-A: a\x00b\r\nContent-Length: " + n + b"\r\n\r\n" + body,
        "bare-cr": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\rX-Injected: 1\r\nContent-Length: " + n + b"\r\n\r\n" + body,
        "folded": b"HTTP/1.1 200 OK\r\nContent-Type: text/html;\r\n charset=utf-8\r\nContent-Length: " + n + b"\r\n\r\n" + body,
        "two-lengths": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: 10\r\nContent-Length: " + n + b"\r\n\r\n" + body,
        "huge-header": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nX-Big: " + b"a" * 200_000 +
                       b"\r\nContent-Length: " + n + b"\r\n\r\n" + body,
        "unknown-charset": b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=x-no-such-charset\r\nContent-Length: " + n + b"\r\n\r\n" + body,
        "crlf-location": b"HTTP/1.1 302 Found\r\nLocation: /xxgk/zfxxgknb/real.html%0d%0aSet-Cookie:%20evil=1\r\nContent-Length: 0\r\n\r\n",
    }
    routes = {}
    _real(routes)
    _home(routes)
    items = [REAL]
    for i, (k, raw) in enumerate(answers.items()):
        routes[f"/xxgk/zfxxgknb/h-{k}.html"] = _raw(raw)
        items.append((f"/xxgk/zfxxgknb/h-{k}.html", _titled(i)))
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list(items))
    return HostilePortal("broken-headers", routes)


def cookie_flood(port: int, own: str) -> HostilePortal:
    """The homepage sets 5,000 cookies (a browser keeps at most ~180 per site); the portal's
    server, like nginx, refuses a request whose headers pass 64 KB."""
    home = page("某县人民政府", '<a href="/xxgk/zfxxgknb/">政府信息公开年报</a>').encode()
    raw = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n" +
           b"".join(b"Set-Cookie: c%d=%s; Path=/\r\n" % (i, b"v" * 100) for i in range(5000)) +
           b"Content-Length: %d\r\n\r\n" % len(home) + home)
    routes = {}
    _real(routes)
    _home(routes)
    routes["/"] = _raw(raw)
    routes["/xxgk/zfxxgknb/"] = Answer(200, _list([REAL]))
    return HostilePortal("cookie-flood", routes)


PORTALS = [link_spellings, redirect_spellings, refreshes, sitemaps_and_headers, names_to_loopback, portless_seed,
           browser_subresources, browser_apis, browser_navigation, list_refreshing_away, deep_json, query_trap, slow_drips, endless_list,
           broken_headers, cookie_flood]


# --- files for the readers ------------------------------------------------------------------------

def _zip(members: dict, compression=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


CT = ('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
      '<Default Extension="xml" ContentType="application/xml"/>{}</Types>')
RELS = '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{}</Relationships>'
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="' + R + '"'


def _docx(body: str, doc_rels: str = "", extra: dict | None = None, settings_rels: str = "") -> bytes:
    members = {
        "[Content_Types].xml": CT.format('<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                                         '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'),
        "_rels/.rels": RELS.format(f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="word/document.xml"/>'),
        "word/document.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>'
                             '<w:p><w:r><w:t>某县人民政府2023年政府信息公开工作年度报告</w:t></w:r></w:p>' + body + "</w:body></w:document>",
        "word/_rels/document.xml.rels": RELS.format(f'<Relationship Id="rIdS" Type="{R}/settings" Target="settings.xml"/>' + doc_rels),
        "word/settings.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:settings {W}>'
                             + ('<w:attachedTemplate r:id="rIdT"/>' if settings_rels else "") + '<w:linkStyles/></w:settings>',
    }
    if settings_rels:
        members["word/_rels/settings.xml.rels"] = RELS.format(settings_rels)
    members.update(extra or {})
    return _zip(members)


def _xlsx(sheet_extra: str = "", wb_rels: str = "", extra: dict | None = None, wb_extra: str = "", ct: str = "") -> bytes:
    return _zip({
        "[Content_Types].xml": CT.format('<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                                         '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' + ct),
        "_rels/.rels": RELS.format(f'<Relationship Id="rId1" Type="{R}/officeDocument" Target="xl/workbook.xml"/>'),
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                           f'xmlns:r="{R}"><sheets><sheet name="年报" sheetId="1" r:id="rId1"/></sheets>{wb_extra}</workbook>',
        "xl/_rels/workbook.xml.rels": RELS.format(f'<Relationship Id="rId1" Type="{R}/worksheet" Target="worksheets/sheet1.xml"/>' + wb_rels),
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>某县人民政府2023年政府信息公开工作年度报告</t></is></c></row>'
                                    f'{sheet_extra}</sheetData></worksheet>',
        **(extra or {})})


def files(port: int) -> dict:
    """{case: (file name, bytes)} — every reference aims at the canary."""
    c = f"http://127.0.0.1:{port}/hit"
    out = {}
    out["docx-remote-template"] = ("tpl.docx", _docx("", settings_rels=
        f'<Relationship Id="rIdT" Type="{R}/attachedTemplate" Target="{c}/docx-remote-template.dotm" TargetMode="External"/>'))
    # control: issue 19 #6 (an external image relationship), so a run shows the canary sees a reader's fetch
    out["docx-external-image"] = ("extimg.docx", _docx(
        '<w:p><w:r><w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
        '<wp:extent cx="100" cy="100"/><wp:docPr id="1" name="p"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
        '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/></pic:nvPicPr><pic:blipFill><a:blip r:link="rIdI"/></pic:blipFill>'
        '<pic:spPr/></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>',
        doc_rels=f'<Relationship Id="rIdI" Type="{R}/image" Target="{c}/docx-external-image.png" TargetMode="External"/>'))
    out["docx-includepicture"] = ("incpic.docx", _docx(
        f'<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;{c}/docx-includepicture.png&quot; \\d "><w:r><w:t>x</w:t></w:r></w:fldSimple></w:p>'))
    out["docx-includetext"] = ("inctext.docx", _docx(
        f'<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> INCLUDETEXT "{c}/docx-includetext.docx" </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>y</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r></w:p>'))
    out["docx-subdocument"] = ("subdoc.docx", _docx('<w:p><w:subDoc r:id="rIdSub"/></w:p>',
        doc_rels=f'<Relationship Id="rIdSub" Type="{R}/subDocument" Target="{c}/docx-subdocument.docx" TargetMode="External"/>'))
    out["docx-frame"] = ("frame.docx", _docx("", extra={
        "word/webSettings.xml": f'<?xml version="1.0" encoding="UTF-8"?><w:webSettings {W}><w:frameset><w:frame><w:sourceFileName r:id="rIdF"/></w:frame></w:frameset></w:webSettings>',
        "word/_rels/webSettings.xml.rels": RELS.format(f'<Relationship Id="rIdF" Type="{R}/frame" Target="{c}/docx-frame.html" TargetMode="External"/>')},
        doc_rels=f'<Relationship Id="rIdW" Type="{R}/webSettings" Target="webSettings.xml"/>'))
    out["docx-linked-ole"] = ("ole.docx", _docx(
        '<w:p><w:r><w:object><o:OLEObject xmlns:o="urn:schemas-microsoft-com:office:office" Type="Link" ProgID="Excel.Sheet.12" r:id="rIdO" UpdateMode="Always"/></w:object></w:r></w:p>',
        doc_rels=f'<Relationship Id="rIdO" Type="{R}/oleObject" Target="{c}/docx-linked-ole.xlsx" TargetMode="External"/>'))
    out["xlsx-external-link"] = ("extlink.xlsx", _xlsx(
        sheet_extra='<row r="2"><c r="A2"><f>[1]Sheet1!A1</f><v>0</v></c></row>',
        wb_rels=f'<Relationship Id="rIdE" Type="{R}/externalLink" Target="externalLinks/externalLink1.xml"/>',
        wb_extra='<externalReferences><externalReference r:id="rIdE"/></externalReferences>',
        ct='<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>',
        extra={"xl/externalLinks/externalLink1.xml": '<?xml version="1.0" encoding="UTF-8"?><externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                                    f'xmlns:r="{R}"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames></externalBook></externalLink>',
               "xl/externalLinks/_rels/externalLink1.xml.rels": RELS.format(
                   f'<Relationship Id="rId1" Type="{R}/externalLinkPath" Target="{c}/xlsx-external-link.xlsx" TargetMode="External"/>')}))
    out["xlsx-web-query"] = ("webquery.xlsx", _xlsx(
        wb_rels=f'<Relationship Id="rIdC" Type="{R}/connections" Target="connections.xml"/>',
        ct='<Override PartName="/xl/connections.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.connections+xml"/>',
        extra={"xl/connections.xml": '<?xml version="1.0" encoding="UTF-8"?><connections xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                     f'<connection id="1" name="q" type="4" refreshedVersion="6" refreshOnLoad="1"><webPr url="{c}/xlsx-web-query" htmlTables="1"/></connection></connections>'}))
    out["xlsx-hyperlink-formula"] = ("hyper.xlsx", _xlsx(
        sheet_extra=f'<row r="2"><c r="A2" t="str"><f>HYPERLINK("{c}/xlsx-hyperlink")</f><v>x</v></c>'
                    f'<c r="B2" t="str"><f>IMAGE("{c}/xlsx-image-formula")</f><v>x</v></c>'
                    f'<c r="C2" t="str"><f>FILTERXML(WEBSERVICE("{c}/xlsx-filterxml"),"//a")</f><v>x</v></c></row>'))
    out["rtf-includepicture"] = ("pic.rtf", (
        "{\\rtf1\\ansi{\\*\\template " + c + "/rtf-template.dot}某县人民政府2023年政府信息公开工作年度报告\\par"
        "{\\field{\\*\\fldinst INCLUDEPICTURE \"" + c + "/rtf-includepicture.png\" \\\\d}{\\fldrslt x}}\\par"
        "{\\field{\\*\\fldinst INCLUDETEXT \"" + c + "/rtf-includetext.txt\"}{\\fldrslt y}}}").encode("gbk"))
    out["odt-section-link"] = ("link.odt", _odt(
        f'<text:section text:name="s"><text:section-source xlink:href="{c}/odt-section-link.odt" xlink:type="simple"/></text:section>'
        f'<table:table table:name="t"><table:table-source xlink:href="{c}/odt-table-source.html" table:table-name="x"/></table:table>'))
    out["ods-cell-range-source"] = ("range.ods", _ods(
        f'<table:table table:name="s"><table:table-source table:mode="copy-all" xlink:href="{c}/ods-table-source.html" '
        'table:filter-name="calc_HTML_WebQuery" table:table-name="HTML_all" table:refresh-delay="PT1S"/>'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>某县人民政府2023年政府信息公开工作年度报告</text:p></table:table-cell></table:table-row></table:table>'
        f'<table:database-ranges><table:database-range table:name="r" table:target-range-address="s.A1:s.B2"><table:database-source-sql table:database-name="{c}/ods-db" table:sql-statement="select 1"/></table:database-range></table:database-ranges>'))
    out["svg-external"] = ("report.svg", (
        f'<?xml version="1.0"?><?xml-stylesheet href="{c}/svg-stylesheet.css"?><svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink"><image xlink:href="{c}/svg-image.png" width="10" height="10"/>'
        f'<use href="{c}/svg-use.svg#a"/><text>某县人民政府2023年政府信息公开工作年度报告</text></svg>').encode())
    out["html-subresources"] = ("page.html", (
        f'<html><head><meta charset="utf-8"><link rel="stylesheet" href="{c}/html-css"><base href="{c}/html-base/"></head>'
        f'<body><img src="{c}/html-img"><iframe src="{c}/html-iframe"></iframe><p>某县人民政府2023年政府信息公开工作年度报告</p></body></html>').encode())
    out["pdf-actions"] = ("actions.pdf", _pdf(c))
    # bounded work: a docx whose embedded docx is a bomb; a zip with 200,000 members
    bomb = _zip({"word/document.xml": b"<a>" + b" " * (120 * 1024 * 1024) + b"</a>"})
    out["docx-nested-bomb"] = ("nested.docx", _docx("", extra={"word/embeddings/oleObject1.docx": bomb}))
    out["xlsx-member-flood"] = ("flood.xlsx", _xlsx(extra={f"xl/media/i{i}.xml": b"" for i in range(5_000)}))
    out["docx-deep-nesting"] = ("deep.docx", _docx("<w:p>" * 100_000 + "</w:p>" * 100_000))
    return out


def _odf(mimetype: str, body: str, kind: str) -> bytes:
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:xlink="http://www.w3.org/1999/xlink"')
    content = (f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2"><office:body>'
               f'<office:{kind}><text:p>某县人民政府2023年政府信息公开工作年度报告</text:p>{body}</office:{kind}></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
                f'<manifest:file-entry manifest:full-path="/" manifest:media-type="{mimetype}"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), mimetype)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def _odt(body: str) -> bytes:
    return _odf("application/vnd.oasis.opendocument.text", body, "text")


def _ods(body: str) -> bytes:
    return _odf("application/vnd.oasis.opendocument.spreadsheet", body.replace("<text:p>某县", "<text:p>某县", 1), "spreadsheet")


def _pdf(c: str) -> bytes:
    """A one-page PDF whose open action, link annotation, launch and remote go-to all aim at
    the canary, with an embedded file."""
    text = b"BT /F1 12 Tf 72 720 Td (Annual report 2023) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /URI /URI (" + f"{c}/pdf-openaction".encode() + b") >> "
        b"/Names << /EmbeddedFiles << /Names [(a.html) 7 0 R] >> >> /AA << /O << /S /GoToR /F (" + f"{c}/pdf-gotor".encode() + b") /D [0 /Fit] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> /Annots [6 0 R] >>",
        b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 612 792] /A << /S /URI /URI (" + f"{c}/pdf-link".encode() + b") >> >>",
        b"<< /Type /Filespec /F (a.html) /EF << /F 8 0 R >> >>",
        b"<< /Type /EmbeddedFile /Length 40 >>\nstream\n<img src=\"" + f"{c}/pdf-embedded".encode()[:28] + b"\">\nendstream",
    ]
    out = b"%PDF-1.7\n"
    offsets = []
    for i, o in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + o + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return out


# --- the public site --------------------------------------------------------------------------

def site_queries() -> dict:
    """{case: path} — each must answer 2xx/4xx (never 500) while the site keeps answering."""
    recursive = "with recursive c(x) as (select 1 union all select x+1 from c) select count(*) from c"
    big = "年度报告 " * 20_000
    q = lambda s: quote(s, safe="")
    unbalanced = '"年度 报告'
    return {
        "fts-near": f"/archive/reports?_search={q('NEAR(年度 报告, 0)')}",
        "fts-star": f"/archive/reports?_search={q('*')}",
        "fts-prefix-star": f"/archive/reports?_search={q('报* OR 年* OR 公*')}",
        "fts-unbalanced": f"/archive/reports?_search={q(unbalanced)}",
        "fts-column-filter": f"/archive/reports?_search={q('body_text:报告 AND {title organ}:县')}",
        "fts-caret": f"/archive/reports?_search={q('^报告')}",
        "fts-100kb": f"/archive/reports?_search={q(big)}",
        "fts-100kb-json": f"/archive/reports.json?_search={q(big)}",
        "sort-unindexed": "/archive/reports?_sort=body_text",
        "sort-desc-unindexed": "/archive/captures?_sort_desc=url",
        "facet-text": "/archive/reports?_facet=body_text&_facet=title&_facet=url&_facet=errors",
        "facet-array": "/archive/reports?_facet_array=body_text",
        "size-max": "/archive/applications.json?_size=max&_shape=objects",
        "size-huge": "/archive/applications.json?_size=100000000",
        "size-negative": "/archive/applications.json?_size=-1",
        "next-garbage": "/archive/reports.json?_next=" + q("1' or '1'='1") + "&_sort=title",
        "where-injection": "/archive/reports.json?_where=" + q("1=1) union select 1--"),
        "recursive-cte": "/archive.json?sql=" + q(recursive),
        "cross-join": "/archive.json?sql=" + q("select count(*) from applications a, applications b, applications c, applications d"),
        "zeroblob": "/archive.json?sql=" + q("select length(zeroblob(2000000000))"),
        "printf-width": "/archive.json?sql=" + q("select length(printf('%.*c', 2000000000, 'x'))"),
        "group-concat-growth": "/archive.json?sql=" + q("with recursive c(x) as (select 1 union all select x+1 from c limit 50000000) "
                                                       "select length(group_concat(hex(randomblob(64)))) from c"),
        "json-array-growth": "/archive.json?sql=" + q("with recursive c(x, s) as (select 1, json_array(1) union all "
                                                     "select x+1, json_array(s, s) from c where x < 40) select length(s) from c order by x desc limit 1"),
        "like-backtrack": "/archive.json?sql=" + q("select count(*) from reports where body_text like '%a%a%a%a%a%a%a%a%a%a%a%a%b'"),
        "glob-backtrack": "/archive.json?sql=" + q("select count(*) from reports, (select 1 union select 2 union select 3) where body_text glob '*[0-9]*[0-9]*[0-9]*[0-9]*[0-9]*[0-9]*x'"),
        "attach": "/archive.json?sql=" + q("attach database '/tmp/x.db' as x"),
        "readfile": "/archive.json?sql=" + q("select readfile('/etc/passwd')"),
        "load-extension": "/archive.json?sql=" + q("select load_extension('/tmp/x')"),
        "pragma-write": "/archive.json?sql=" + q("pragma writable_schema=1"),
        "csv-stream": "/archive/reports.csv?_stream=on&_size=max",
        "sql-100kb": "/archive.json?sql=" + q("select 1 " + "+ 1 " * 25_000),
        "deep-parens": "/archive.json?sql=" + q("select " + "(" * 5000 + "1" + ")" * 5000),
        "bad-id": "/-/archived/-1",
        "bad-id-huge": "/-/archived/" + "9" * 400,
        "bad-format": "/archive/reports.xyz",
        "traversal-table": "/archive/..%2f..%2fetc%2fpasswd",
    }


PROBE = "/archive/reports.json?_size=1&_col=id"
