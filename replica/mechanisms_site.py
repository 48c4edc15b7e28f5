"""The server side of the mechanism portals (replica/mechanisms.py): what a static folder
cannot do. A site folder with a `_mech.json` is served by this handler:

- `challenge`: "jsl" — every path answers HTTP 521 with a script that computes a cookie and
  reloads (加速乐-style) until the request carries it; "refresh" — a 200 page that sets the
  cookie with Set-Cookie and refreshes to itself. `token` (read on every request) changes the
  cookie the firewall accepts: a test rotates it to make earlier cookies refused.
- `referer`: files behind the download handler need a Referer of the site (else 403).
- `DownLoad.aspx?FilePath=…&FileName=…` and `downfile.jsp?id=N`: files served as
  application/octet-stream, with a Content-Disposition.
- `/api/content?id=N` (JSON), `/api/content.html?id=N` (a fragment), `/api/content.js?id=N&callback=F`
  (JSONP): the text of a shell report page (`_data/content/N.json`).
- `/api/page?n=N`: an HTML fragment of list page N (`_data/list.json`); `/api/jsonp/list?page=N&callback=F`.
- `POST /api/list/query` with a JSON body {pageNo, pageSize, _t}: JSON records (no `_t`: 400).
- `POST …/list.aspx` (ASP.NET postback: `__VIEWSTATE`, `__EVENTARGUMENT` = page): list page N.
- `search` {path, input, hidden}: the portal's search at `path` (GET, or POST with a form body):
  the records of `_data/list.json` whose title holds the words of `input`, two a page
  (`page=N`, a 下一页 link), with an ETag; a missing hidden field is HTTP 400.
- `PATH?page=N`: a later page of a split report, from `_pages/PATH.N` when it exists.
- `{{netloc:ORIGIN}}` in a served page is replaced by the address another origin is served on.
"""
from __future__ import annotations

import hashlib
import json
import time
from html import escape
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from .server import NOT_FOUND, Handler

PAGE_SIZE = 2
JSL_TOKEN = "1700000000.%d|0|5b8e0f"  # the cookie the challenge's script computes (%d: 6 * 7)
NETLOCS: dict = {}  # origin -> "host:port", filled once every server has started


def list_items(rows: list) -> str:
    return "".join(f'<li><a href="{r["url"]}" title="{escape(r["title"])}">{escape(r["title"])}</a>'
                   f'<span>{r["date"]}</span></li>' for r in rows)


class MechanismHandler(Handler):
    mech: dict = {}

    # --- the firewall ---------------------------------------------------------------------

    def _cookies(self) -> dict:
        out = {}
        for part in (self.headers.get("Cookie") or "").split(";"):
            name, _, value = part.strip().partition("=")
            out[name] = value
        return out

    def _challenged(self) -> bool:
        kind = self.mech.get("challenge")
        if not kind:
            return False
        token = int(json.loads((self.root / "_mech.json").read_text(encoding="utf-8")).get("token") or 7)
        cookies = self._cookies()
        if kind == "jsl" and cookies.get("__jsl_clearance_s") == JSL_TOKEN % (6 * token):
            return False
        if kind == "refresh" and cookies.get("wzws_cid") == f"9f3c1a{token}":
            return False
        if kind == "jsl":
            script = (f"<script>var a = 6, b = {token}; document.cookie = '__jsl_clearance_s=' + "
                      f"'{JSL_TOKEN.split('%d')[0]}' + (a * b) + '{JSL_TOKEN.split('%d')[1]}' + ';path=/';"
                      "location.reload();</script>")
            self.send(521, f"<html><head></head><body>{script}</body></html>".encode(), "text/html; charset=utf-8")
        else:
            body = ('<html><head><meta http-equiv="refresh" content="0"><title>访问验证</title></head>'
                    '<body><p>正在进行安全验证……</p></body></html>').encode("utf-8")
            self.send(200, body, "text/html; charset=utf-8", headers={"Set-Cookie": f"wzws_cid=9f3c1a{token}; Path=/",
                                                                     "Cache-Control": "no-store"})
        return True

    # --- GET ------------------------------------------------------------------------------

    def do_GET(self, head=False):
        if self._challenged():
            return
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        one = lambda name, default="": (query.get(name) or [default])[0]  # noqa: E731
        base = self.root / "_data"
        if (self.mech.get("search") or {}).get("path") == path:
            return self.search(query)
        split = self.root / "_pages" / f"{path.lstrip('/')}.{one('page')}"
        if one("page").isdigit() and split.is_file():  # a later page of a split report
            return self.send(200, split.read_bytes(), "text/html; charset=utf-8", head=head)
        if path.endswith(("/DownLoad.aspx", "/downfile.jsp")):
            return self.download(path, one)
        if path.endswith("/api/content") or path.endswith("/api/content.html") or path.endswith("/api/content.js"):
            item = base / "content" / f"{one('id')}.json"
            if not one("id").isdigit() or not item.is_file():
                return self.send(404, b"{}", "application/json")
            data = json.loads(item.read_text(encoding="utf-8"))
            if path.endswith(".html"):
                return self.send(200, data["content"].encode("utf-8"), "text/html; charset=utf-8")
            text = json.dumps({"code": 0, "data": data}, ensure_ascii=False)
            if path.endswith(".js"):
                return self.send(200, f"{one('callback', 'cb')}({text});".encode("utf-8"),
                                 "application/javascript; charset=utf-8")
            return self.send(200, text.encode("utf-8"), "application/json; charset=utf-8")
        if path.endswith("/api/page") or path.endswith("/api/jsonp/list"):
            rows = self._rows()
            n = max(1, int(one("n", one("page", "1")) or 1))
            chosen = rows[(n - 1) * PAGE_SIZE:n * PAGE_SIZE]
            pages = max(1, -(-len(rows) // PAGE_SIZE))
            if path.endswith("/api/page"):
                return self.send(200, f'<ul class="list" data-pages="{pages}">{list_items(chosen)}</ul>'.encode("utf-8"),
                                 "text/html; charset=utf-8")
            text = json.dumps({"pages": pages, "rows": chosen}, ensure_ascii=False)
            return self.send(200, f"{one('callback', 'cb')}({text});".encode("utf-8"),
                             "application/javascript; charset=utf-8")
        return super().do_GET(head=head)

    def search(self, asked: dict) -> None:
        spec = self.mech["search"]
        one = lambda name: (asked.get(name) or [""])[0]  # noqa: E731
        if any(one(k) != v for k, v in spec["hidden"].items()):
            return self.send(400, b"<html><body>bad search</body></html>", "text/html; charset=utf-8")
        words, n = one(spec["input"]).strip(), max(1, int(one("page") or 1))
        rows = [r for r in self._rows() if words and words in r["title"]]
        pages = max(1, -(-len(rows) // PAGE_SIZE))
        nav = ""
        if n < pages:
            more = {**spec["hidden"], spec["input"]: words, "page": n + 1}
            nav = f'<a href="{spec["path"]}?{escape(urlencode(more))}">下一页</a>'
        body = ('<!DOCTYPE html>\n<html><head><meta charset="utf-8"><title>搜索结果</title></head><body>'
                f'<p>共{len(rows)}条结果</p><ul class="list">{list_items(rows[(n - 1) * PAGE_SIZE:n * PAGE_SIZE])}</ul>'
                f'<div class="pager">{nav}</div></body></html>').encode("utf-8")
        self.send(200, body, "text/html; charset=utf-8",
                  headers={"ETag": '"' + hashlib.sha1(body).hexdigest()[:16] + '"'})

    def _rows(self) -> list:
        data = self.root / "_data" / "list.json"
        return json.loads(data.read_text(encoding="utf-8")) if data.is_file() else []

    def download(self, path: str, one) -> None:
        if self.mech.get("referer"):
            referer = urlsplit(self.headers.get("Referer") or "")
            if referer.netloc != self.headers.get("Host"):
                return self.send(403, b"<html><body>403 Forbidden: hotlinking</body></html>", "text/html")
        name = one("FilePath") or f"/upload/{one('id')}.bin"
        file = self.resolve(name)
        if file is None:
            return self.send(404, NOT_FOUND.encode("utf-8"), "text/html; charset=utf-8")
        body = file.read_bytes()
        label = one("FileName") or file.name
        self.send(200, body, "application/octet-stream",
                  headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(label)}",
                           "ETag": '"' + hashlib.sha1(body).hexdigest()[:16] + '"'})

    def send(self, status, body, mime, head=False, headers=None):
        if status == 521:  # not in http.HTTPStatus: 加速乐's "Web server is down"
            self.send_response(521, "Web Server Is Down")
            self.send_header("Content-Type", mime)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        if mime.startswith("text/html") and NETLOCS and b"{{netloc:" in body:
            for origin, netloc in NETLOCS.items():
                body = body.replace(f"{{{{netloc:{origin}}}}}".encode(), netloc.encode())
        if status == 200 and (headers or {}).get("ETag") and self.headers.get("If-None-Match") == headers["ETag"]:
            self.send_response(304)
            self.send_header("ETag", headers["ETag"])
            self.end_headers()
            return
        return super().send(status, body, mime, head=head, headers=headers)

    # --- POST -----------------------------------------------------------------------------

    def do_POST(self):
        if self._challenged():
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode("utf-8", "replace")
        path = urlsplit(self.path).path
        if (self.mech.get("search") or {}).get("path") == path:
            return self.search(parse_qs(raw))
        if path.endswith("/api/list/query"):
            try:
                asked = json.loads(raw)
            except ValueError:
                asked = {}
            if not isinstance(asked, dict) or abs(time.time() * 1000 - float(asked.get("_t") or 0)) > 600_000:
                return self.send(400, b'{"code":400,"msg":"bad timestamp"}', "application/json")
            rows, n = self._rows(), max(1, int(asked.get("pageNo") or 1))
            size = max(1, int(asked.get("pageSize") or PAGE_SIZE))
            body = {"code": 0, "data": {"list": rows[(n - 1) * size:n * size], "totalPage": max(1, -(-len(rows) // size))}}
            return self.send(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")
        if path.endswith("/list.aspx"):
            form = parse_qs(raw)
            if not (form.get("__VIEWSTATE") or [""])[0]:
                return self.send(500, b"<html><body>Validation of viewstate MAC failed</body></html>", "text/html")
            n = int((form.get("__EVENTARGUMENT") or ["1"])[0] or 1)
            file = self.resolve(path.replace("list.aspx", f"list_{n}.aspx.html"))
            if file is None:
                return self.send(404, NOT_FOUND.encode("utf-8"), "text/html; charset=utf-8")
            return self.send(200, file.read_bytes(), "text/html; charset=utf-8")
        return super().do_POST()


def handler_for(site_root, base_attrs: dict):
    """The handler of a mechanism portal (a site with `_mech.json`), else None."""
    if not (site_root / "_mech.json").is_file():
        return None
    mech = json.loads((site_root / "_mech.json").read_text(encoding="utf-8"))
    return type(f"Mechanism_{site_root.name}", (MechanismHandler,), {**base_attrs, "mech": mech})


def started(servers) -> None:
    """Once every server listens: the addresses pages name as {{netloc:ORIGIN}}."""
    NETLOCS.update({server.site_name: "%s:%d" % server.server_address[:2] for server in servers})
