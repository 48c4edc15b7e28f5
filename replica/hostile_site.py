"""The hostile replica site (`python -m replica --site hostile=PORT`): a portal whose report
column lists, beside one real report, everything a portal can do wrong. Pages are made from
the descriptions in CASES and replica/hostile.py (nothing big is committed).

The same site also answers on 127.0.0.2 (same port), an address no seed allows: its links
there (directly, and through a redirect) must never be requested. Beside it runs the canary
(replica/canary.py), an internal service on another port that the cases of
replica/hostile_inward.py try to make the archive reach (robots.txt and the sitemap redirected
to it, links and redirects to it in every spelling, a script-built list reaching it in every
way a page can, office documents whose images it serves). Every request, the canary's too,
is written to the request log (`--request-log FILE`) as "host:port METHOD path status".
"""
from __future__ import annotations

import json
import random
import threading
import time
from functools import lru_cache
from html import escape
from http.server import ThreadingHTTPServer
from pathlib import Path

from . import hostile, hostile_inward
from .canary import serve_canary
from .server import NOT_FOUND, Handler, PortBusy

HERE = Path(__file__).resolve().parent
REAL_PAGE = HERE / "sites" / "jcms" / "art" / "2024" / "1" / "10" / "art_1229425797_4087123.html"
REAL_ORGAN = "南湖区人民政府办公室"
OTHER_HOST = "127.0.0.2"  # a private address that is not the portal's host

# path -> (link title on the list, what it is). Titles name a report so the crawler takes each.
CASES = {
    "/zfxxgknb/real.html": ("南湖区人民政府办公室2023年度政府信息公开工作年度报告", "the real report"),
    "/zfxxgknb/malformed.html": ("甲县人民政府2023年政府信息公开工作年度报告", "malformed HTML (unclosed tags, stray markup)"),
    "/zfxxgknb/nocharset.html": ("乙县人民政府2023年政府信息公开工作年度报告", "GBK bytes, no charset anywhere"),
    "/zfxxgknb/wrongcharset.html": ("丙县人民政府2023年政府信息公开工作年度报告", "GBK bytes declared as UTF-8"),
    "/zfxxgknb/big.html": ("丁县人民政府2023年政府信息公开工作年度报告", "a 50 MB page"),
    "/zfxxgknb/endless.html": ("戊县人民政府2023年政府信息公开工作年度报告", "a page that never ends (chunked)"),
    "/zfxxgknb/binary.html": ("己县人民政府2023年政府信息公开工作年度报告", "binary served as text/html"),
    "/zfxxgknb/bomb.html": ("庚县人民政府2023年政府信息公开工作年度报告", "a report page whose attachment is a DOCX bomb"),
    "/files/encrypted.pdf": ("辛县人民政府2023年政府信息公开工作年度报告", "an encrypted PDF"),
    "/files/truncated.pdf": ("壬县人民政府2023年政府信息公开工作年度报告", "a truncated PDF"),
    "/loop/a.html": ("癸县人民政府2023年政府信息公开工作年度报告", "a redirect loop"),
    "/zfxxgknb/stall.html": ("子县人民政府2023年政府信息公开工作年度报告", "a server that stalls mid-response"),
    "/zfxxgknb/flaky.html": ("丑县人民政府2023年政府信息公开工作年度报告", "500 twice, then the report"),
    "/zfxxgknb/challenge.html": ("寅县人民政府2023年政府信息公开工作年度报告", "a challenge page answered with 200"),
    "/zfxxgknb/cells.html": ("卯县人民政府2023年政府信息公开工作年度报告", "tables full of non-numeric cells"),
    "/zfxxgknb/private.html": ("辰县人民政府2023年政府信息公开工作年度报告", "a redirect to a private address"),
}
# Report links that must never be requested: other domains, private addresses, other schemes.
FORBIDDEN_LINKS = {
    "http://other-domain.example/zfxxgknb/report.html": "巳县人民政府2023年政府信息公开工作年度报告",
    "http://{other}/zfxxgknb/real.html": "午县人民政府2023年政府信息公开工作年度报告",
    "http://10.1.2.3/zfxxgknb/report.html": "未县人民政府2023年政府信息公开工作年度报告",
    "javascript:alert(document.cookie)": "申县人民政府2023年政府信息公开工作年度报告",
    "data:text/html,<script>alert(1)</script>": "酉县人民政府2023年政府信息公开工作年度报告",
    "file:///etc/passwd": "戌县人民政府2023年政府信息公开工作年度报告",
}
STALL_SECONDS = 30  # longer than the test's download timeout


def page(title: str, body: str, charset: str = "utf-8") -> str:
    return (f'<!DOCTYPE html><html><head><meta charset="{charset}"><title>{escape(title)}</title></head>'
            f'<body><div id="zoom">{body}</div></body></html>')


@lru_cache(maxsize=None)
def real_page(organ: str = REAL_ORGAN) -> str:
    return REAL_PAGE.read_text(encoding="utf-8").replace(REAL_ORGAN, organ)


def _organ(path: str) -> str:
    return CASES[path][0].split("2023")[0]


@lru_cache(maxsize=None)
def body_of(path: str) -> tuple[bytes, str]:
    """(bytes, Content-Type) of a generated page."""
    html = "text/html; charset=utf-8"
    if path == "/zfxxgknb/real.html":
        return real_page().encode("utf-8"), html
    if path == "/zfxxgknb/malformed.html":
        text = real_page(_organ(path))
        for tag in ("</td>", "</tr>", "</p>", "</div>", "</table>", "</body>", "</html>"):
            text = text.replace(tag, "")
        text = text.replace("<td", "<td <<>> ", 40).replace('class="', "class=", 20) + "<table><tr><td><<<!--"
        return text.encode("utf-8"), html
    if path == "/zfxxgknb/nocharset.html":
        text = real_page(_organ(path)).replace('charset="utf-8"', "").replace("charset=utf-8", "")
        return text.encode("gb18030"), "text/html"
    if path == "/zfxxgknb/wrongcharset.html":
        return real_page(_organ(path)).encode("gb18030"), html
    if path == "/zfxxgknb/big.html":
        return hostile.big_page(50), html
    if path == "/zfxxgknb/binary.html":
        return hostile.binary_html(), html
    if path == "/zfxxgknb/bomb.html":
        title = CASES[path][0]
        return page(title, f"<h1>{title}</h1><p>全文见附件：</p>"
                           f'<p><a href="/files/report-2023.docx">{title}.docx</a></p>').encode("utf-8"), html
    if path == "/files/report-2023.docx":
        return hostile.docx_bomb(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if path == "/files/encrypted.pdf":
        return hostile.encrypted_pdf(), "application/pdf"
    if path == "/files/truncated.pdf":
        return hostile.truncated_pdf(), "application/pdf"
    if path in ("/zfxxgknb/flaky.html", "/zfxxgknb/stall.html"):
        return real_page(_organ(path)).encode("utf-8"), html
    if path == "/zfxxgknb/challenge.html":
        return page("安全验证", "<p>请开启JavaScript并刷新该页。访问验证中……</p>").encode("utf-8"), html
    if path == "/zfxxgknb/cells.html":
        return hostile.non_numeric_cells().replace(hostile.TITLE.encode(), CASES[path][0].encode()), html
    raise KeyError(path)


INWARD_DOCS = "/inward/docs.html"  # a report whose files link their images to the canary
INWARD_TITLE = "子丑内部县人民政府2023年政府信息公开工作年度报告"


class HostileHandler(Handler):
    request_log: Path | None = None
    canary_port: int = 0
    _lock = threading.Lock()
    _flaky: dict = {}

    def log_request(self, code="-", size="-"):
        if self.request_log is not None:
            host, port = self.server.server_address[:2]
            with self._lock, open(self.request_log, "a", encoding="utf-8") as log:
                log.write(f"{host}:{port} {self.command} {self.path} {int(code) if str(code).isdigit() else code}\n")

    def do_GET(self, head=False):
        path = self.path.split("?")[0]
        port = self.server.server_address[1]
        canary = f"http://127.0.0.1:{self.canary_port}"
        if path in ("/", "/index.html"):
            return self._html(page("恶意测试门户", '<a href="/zfxxgknb/index.html">政府信息公开年报</a>'
                                                  '<a href="/inwardnb/index.html">信息公开年报</a>'
                                                  '<a href="/calendar/?date=2019-01-01">活动日历</a>'
                                                  '<a href="/events/2019-01-01.html">政府信息公开</a>'))
        if path in ("/robots.txt", "/sitemap.xml"):  # both redirected inward
            return self._redirect(f"{canary}{path}")
        if path == "/inwardnb/index.html":
            return self._html(hostile_inward.script_list(canary, f"http://localhost:{self.canary_port}"))
        if path == "/inward/browser/xhr-redirect":
            return self._redirect(f"{canary}/browser/xhr-redirect")
        if path == "/inward/browser/sw.js":
            return self.send(200, hostile_inward.service_worker(canary).encode(), "text/javascript", head=head)
        if path == "/inward/browser/list.json":
            items = [["/zfxxgknb/real.html", CASES["/zfxxgknb/real.html"][0]],
                     [f"{canary}/browser/listed.html", "寅卯内部县人民政府2023年政府信息公开工作年度报告"]]
            return self.send(200, json.dumps(items, ensure_ascii=False).encode(), "application/json", head=head)
        if path == INWARD_DOCS:
            return self._html(page(INWARD_TITLE, f"<h1>{INWARD_TITLE}</h1><p>全文见附件：</p>" + "".join(
                f'<p><a href="/files/{name}">{INWARD_TITLE}{name[-5:]}</a></p>'
                for name in hostile_inward.linked_documents(canary))))
        if path.startswith("/files/") and path[7:] in hostile_inward.linked_documents(canary):
            body, mime = hostile_inward.linked_documents(canary)[path[7:]]
            return self.send(200, body, mime, head=head)
        inward = hostile_inward.redirect(path, self.canary_port)
        if inward:
            return self._redirect(inward)
        if path.startswith("/zfxxgknb/index"):
            n = int("".join(c for c in path if c.isdigit()) or 1)
            return self._html(self.column(n, port))
        if path.startswith("/events/"):  # an endless calendar without a telltale URL
            day = path.rsplit("/", 1)[-1].removesuffix(".html")
            following = _next_day(day)
            return self._html(page(f"活动 {day}", f'<a href="/events/{following}.html">下一页</a>'))
        if path.startswith("/loop/"):
            return self._redirect("/loop/b.html" if path.endswith("a.html") else "/loop/a.html")
        if path == "/zfxxgknb/private.html":
            return self._redirect(f"http://{OTHER_HOST}:{port}/zfxxgknb/real.html")
        if path == "/zfxxgknb/flaky.html":
            with self._lock:
                seen = self._flaky[path] = self._flaky.get(path, 0) + 1
            if seen <= 2:
                return self.send(500, b"<h1>500 Internal Server Error</h1>", "text/html; charset=utf-8", head=head)
        if path == "/zfxxgknb/stall.html":
            return self._stall()
        if path == "/zfxxgknb/endless.html":
            return self._endless()
        try:
            body, mime = body_of(path)
        except KeyError:
            return self.send(404, NOT_FOUND.encode("utf-8"), "text/html; charset=utf-8", head=head)
        self.send(200, body, mime, head=head)

    def column(self, n: int, port: int) -> str:
        items = []
        if n == 1:
            items += [f'<li><a href="{p}" title="{escape(t)}">{escape(t)}</a></li>' for p, (t, _) in CASES.items()]
            items += [f'<li><a href="{escape(href.format(other=f"{OTHER_HOST}:{port}"))}">{escape(t)}</a></li>'
                      for href, t in FORBIDDEN_LINKS.items()]
            items += [f'<li><a href="{escape(href)}">{escape(t)}</a></li>'
                      for href, t in hostile_inward.list_items(self.canary_port) + [(INWARD_DOCS, INWARD_TITLE)]]
        # An endless list: every page has a next one.
        items.append(f'<li><a href="/zfxxgknb/index_{n + 1}.html">下一页</a></li>')
        return page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>")

    def _html(self, text: str) -> None:
        self.send(200, text.encode("utf-8"), "text/html; charset=utf-8")

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _stall(self) -> None:
        body = body_of("/zfxxgknb/stall.html")[0]
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 3])
        self.wfile.flush()
        time.sleep(STALL_SECONDS)  # ... and the rest never comes in time

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = random.Random(3).randbytes(1 << 20).hex().encode()[: 1 << 20]
        try:
            self.wfile.write(b"%x\r\n<html><body>\r\n" % len(b"<html><body>"))
            while True:
                self.wfile.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass


def _next_day(day: str) -> str:
    from datetime import date, timedelta

    try:
        return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    except ValueError:
        return "2019-01-02"


def prepare() -> None:
    for path in ("/files/report-2023.docx", "/zfxxgknb/big.html"):
        body_of(path)


def handler(request_log: Path | None, canary_port: int = 0):
    return type("Handler_hostile", (HostileHandler,), {"request_log": request_log, "_flaky": {},
                                                       "canary_port": canary_port})


def serve_hostile(host: str, port: int, request_log: Path | None) -> list[ThreadingHTTPServer]:
    """The canary, the hostile site on `host`, and the same site on 127.0.0.2 (an address no
    seed allows)."""
    prepare()  # the slow pages (the DOCX bomb, the 50 MB page) are made before serving
    canary = serve_canary(host, 0, request_log)
    servers = [canary]
    for address in (host, OTHER_HOST):
        try:
            server = ThreadingHTTPServer((address, port), handler(request_log, canary.server_address[1]))
        except OSError as exc:
            for started in servers:
                started.server_close()
            raise PortBusy(f"cannot serve hostile on {address}:{port}: {exc.strerror}") from None
        server.daemon_threads = True
        server.site_name = "hostile" if address == host else "hostile-other-host"
        port = server.server_address[1]  # the second one on the same port
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers
