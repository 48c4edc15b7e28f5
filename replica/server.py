"""The replica's HTTP server (standard library only): static pages with ETag and
Last-Modified (answering conditional requests with 304), a 404 page, and the Hanweb JCMS
list proxy /module/jpage/dataproxy.jsp (POST or GET) answering XML records in CDATA."""
from __future__ import annotations

import hashlib
import json
import mimetypes
import re
import threading
from email.utils import formatdate, parsedate_to_datetime
from html import escape
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

SITES = Path(__file__).resolve().parent / "sites"
TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
         ".xml": "text/xml; charset=utf-8", ".js": "application/javascript; charset=utf-8",
         ".css": "text/css; charset=utf-8", ".json": "application/json"}
NOT_FOUND = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>404 页面不存在</title></head>
<body><h1>404</h1><p>您访问的页面不存在或已被删除。</p><p><a href="/index.html">返回首页</a></p></body></html>"""


EDITIONS = Path(__file__).resolve().parent / "editions"
PAGE_SIZE = 2  # records per page of the JSON list APIs


class Handler(BaseHTTPRequestHandler):
    server_version = "ReplicaPortal/1.0"
    root: Path = SITES
    overlay: Path | None = None  # an edition's changed files, served before the base site
    rules: dict = {}  # an edition's removals: {"gone": [paths], "redirect_home": [paths]}

    def log_message(self, fmt, *args):  # quiet: tests read stdout
        pass

    def do_HEAD(self):
        self.do_GET(head=True)

    def do_GET(self, head=False):
        path = urlsplit(self.path).path
        query = parse_qs(urlsplit(self.path).query)
        if path in self.rules.get("gone", []):
            return self.send(404, NOT_FOUND.encode("utf-8"), "text/html; charset=utf-8", head=head)
        if path in self.rules.get("redirect_home", []):
            self.send_response(302)
            self.send_header("Location", "/index.html")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        api = self.api(path)
        if api:
            kind, data, rest = api
            if kind == "dataproxy":
                return self.dataproxy(query, data)
            if kind == "articles":
                return self.json_list(data / "articles.json", query,
                                      lambda rows, pages: {"data": {"list": rows, "pages": pages}})
            if kind == "gkmlpt":
                return self.json_list(data / f"gkmlpt-{rest}.json" if rest.isdigit() else None,
                                      query, lambda rows, pages: {"articles": rows, "total": len(self._rows)})
            if kind == "jpaas":
                return self.jpaas_unit(query, data)
            if kind == "docs":
                return self.docs_query(query, data)
        if path.rstrip("/") == "/calendar":
            return self.calendar(query)
        file = self.resolve(path)
        if file is None:
            return self.send(404, NOT_FOUND.encode("utf-8"), "text/html; charset=utf-8", head=head)
        body = file.read_bytes()
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        mtime = int(file.stat().st_mtime)
        if self.not_modified(etag, mtime):
            self.send_response(304)
            self.send_header("ETag", etag)
            self.end_headers()
            return
        mime = TYPES.get(file.suffix.lower()) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if mime == "application/octet-stream" and body[:15].lower() == b"<!doctype html>":
            mime = "text/html; charset=utf-8"  # an extensionless page (…/gkmlpt/index)
        if mime.startswith("text/html") and not _utf8(body):
            mime = "text/html"  # a GBK page: its charset is declared only in its <meta>
        self.send(200, body, mime, head=head,
                  headers={"ETag": etag, "Last-Modified": formatdate(mtime, usegmt=True)})

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        api = self.api(urlsplit(self.path).path)
        if api and api[0] == "dataproxy":
            query = parse_qs(urlsplit(self.path).query)
            return self.dataproxy({**form, **query}, api[1])
        self.send(405, b"method not allowed", "text/plain; charset=utf-8")

    # The list APIs answer wherever a site lives: a site served under /xx/ has them under
    # /xx/ (its data in /xx/_data/), and nothing at the host's root.
    APIS = (("dataproxy", re.compile(r"^(.*?)/module/(?:web/)?jpage/dataproxy\.jsp$")),
            ("articles", re.compile(r"^(.*?)/api/articles$")),
            ("gkmlpt", re.compile(r"^(.*?)/gkmlpt/api/all/([^/]*)$")),
            ("jpaas", re.compile(r"^(.*?)/api-gateway/jpaas-publish-server/front/page/build/unit$")),
            ("docs", re.compile(r"^(.*?)/open/v3/docs/query$")))

    def api(self, path: str):
        """(kind, data folder, rest of the path) of a list API request, or None."""
        for kind, pattern in self.APIS:
            m = pattern.match(unquote(path))
            if m:
                parts = [p for p in m.group(1).split("/") if p]
                if any(p in ("..", ".") or p.startswith("_") for p in parts):
                    return None
                data = self.root.joinpath(*parts, "_data")
                return (kind, data, m.group(2) if m.lastindex > 1 else "") if data.is_dir() else None
        return None

    def not_modified(self, etag: str, mtime: int) -> bool:
        if self.headers.get("If-None-Match"):
            return etag in [t.strip() for t in self.headers["If-None-Match"].split(",")]
        since = self.headers.get("If-Modified-Since")
        if since:
            try:
                return mtime <= parsedate_to_datetime(since).timestamp()
            except (TypeError, ValueError):
                return False
        return False

    def resolve(self, path: str) -> Path | None:
        parts = [p for p in unquote(path).split("/") if p]
        if any(p in ("..", ".") or p.startswith("_") for p in parts):
            return None  # no traversal, and the _data folder is not public
        for root in ([self.overlay] if self.overlay else []) + [self.root]:
            file = root.joinpath(*parts)
            if file.is_dir():
                file = file / "index.html"
            if file.is_file() and root in file.resolve().parents:
                return file
        return None

    def json_list(self, data: Path | None, query: dict, shape) -> None:
        self._rows = json.loads(data.read_text(encoding="utf-8")) if data and data.is_file() else []
        page = max(1, int((query.get("page") or ["1"])[0] or 1))
        rows = self._rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        pages = max(1, -(-len(self._rows) // PAGE_SIZE))
        self.send(200, json.dumps(shape(rows, pages), ensure_ascii=False).encode("utf-8"),
                  "application/json; charset=utf-8")

    def jpaas_unit(self, query: dict, folder: Path) -> None:
        """Hanweb JPaas: the list unit's HTML inside JSON, PAGE_SIZE records a page."""
        page_id = (query.get("pageId") or [""])[0]
        try:
            page = int(json.loads((query.get("paramJson") or ["{}"])[0]).get("pageNo", 1))
        except (ValueError, AttributeError):
            page = 1
        data = folder / f"jpaas-{page_id}.json"
        rows = json.loads(data.read_text(encoding="utf-8")) if page_id.isdigit() and data.is_file() else []
        chosen = rows[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]
        html = "<ul class='list'>" + "".join(
            f'<li><a href="{r["url"]}" title="{escape(r["title"])}">{escape(r["title"])}</a><span>{r["date"]}</span></li>'
            for r in chosen) + "</ul>"
        body = {"success": True, "data": {"html": html, "pageCount": max(1, -(-len(rows) // PAGE_SIZE)),
                                          "total": len(rows)}}
        self.send(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def calendar(self, query: dict) -> None:
        """An endless calendar: every day links to the next one (a crawl trap)."""
        from datetime import date, timedelta

        try:
            day = date.fromisoformat((query.get("date") or ["2019-01-01"])[0])
        except ValueError:
            day = date(2019, 1, 1)
        following = day + timedelta(days=1)
        html = (f'<html><head><meta charset="utf-8"><title>活动日历 {day}</title></head><body><h1>{day}</h1>'
                f'<a href="/calendar/?date={following}">下一页</a> <a href="/calendar/?date={following}">{following}</a>'
                f'</body></html>')
        self.send(200, html.encode("utf-8"), "text/html; charset=utf-8")

    def docs_query(self, query: dict, folder: Path) -> None:
        """A list API no family knows (a newer CMS): JSON records under result.records,
        `pn` the page number; only a browser running the page's script reads it."""
        data = folder / "docs.json"
        rows = json.loads(data.read_text(encoding="utf-8")) if data.is_file() else []
        size = max(1, int((query.get("ps") or ["2"])[0] or 2))
        page = max(1, int((query.get("pn") or ["1"])[0] or 1))
        body = {"code": 0, "msg": "success", "result": {
            "records": rows[(page - 1) * size: page * size], "current": page,
            "pages": max(1, -(-len(rows) // size)), "total": len(rows)}}
        self.send(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json; charset=utf-8")

    def dataproxy(self, params: dict, folder: Path) -> None:
        def one(name, default):
            return (params.get(name) or [default])[0]
        column = one("columnid", "")
        data = folder / "columns" / f"{column}.json"
        records = json.loads(data.read_text(encoding="utf-8")) if column.isdigit() and data.is_file() else []
        perpage = max(1, int(one("perpage", "15") or 15))
        if "startrecord" in params:
            start, end = int(one("startrecord", "1")), int(one("endrecord", "45"))
        else:  # Jiangsu-style GET ?page=N
            page = int(one("page", "1"))
            start, end = (page - 1) * perpage + 1, page * perpage
        chosen = records[start - 1:end]
        items = "".join(
            f'<record><![CDATA[<li><a href="{r["url"]}" title="{escape(r["title"])}" target="_blank">'
            f'{escape(r["title"][:24])}{"…" if len(r["title"]) > 24 else ""}</a><span>{r["date"]}</span></li>]]></record>'
            for r in chosen)
        total_pages = max(1, -(-len(records) // perpage))
        xml = (f'<?xml version="1.0" encoding="utf-8"?><datastore><nextgroup><![CDATA[<a href="{escape(urlsplit(self.path).path)}?'
               f'page=1&appid=1&webid=1&path=/&columnid={escape(column)}&unitid=8032&permissiontype=0"></a>]]></nextgroup>'
               f"<totalrecord>{len(records)}</totalrecord><totalpage>{total_pages}</totalpage>"
               f"<recordset>{items}</recordset></datastore>")
        self.send(200, xml.encode("utf-8"), "text/xml; charset=utf-8")

    def send(self, status: int, body: bytes, mime: str, head=False, headers=None) -> None:
        headers = dict(headers or {})
        if status == 200 and self.command in ("GET", "HEAD") and "ETag" not in headers:
            # Generated answers (list APIs) carry a validator too, as real servers' often do.
            headers["ETag"] = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            if self.headers.get("If-None-Match") == headers["ETag"]:
                self.send_response(304)
                self.send_header("ETag", headers["ETag"])
                self.end_headers()
                return
        self.send_response(status, HTTPStatus(status).phrase)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)


class PortBusy(OSError):
    pass


def _utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def serve(sites: dict, host: str = "127.0.0.1", edition: int = 1,
          root: Path = SITES, request_log: Path | None = None,
          generated: dict | None = None, handlers=None, started=None) -> list[ThreadingHTTPServer]:
    """Start one server per site in background threads; returns them (ports resolved).
    A site's value is a port, or (host, port) to serve it on another loopback address.
    Edition 2 and later serve the changes in replica/editions/N over the base sites.
    `generated`: site name -> a function (host, port, request_log) serving a site that is
    made, not read from `root` (the hostile site: replica/hostile_site.py). `handlers(site, attrs)`:
    the handler class of a site that serves more than files, or None (the mechanism portals:
    replica/mechanisms_site.py); `started(servers)` is called once every server listens."""
    servers = []
    rules = {}
    if edition > 1:
        rules = json.loads((EDITIONS / str(edition) / "edition.json").read_text(encoding="utf-8"))
    for name, port in sites.items():
        site_host, port = port if isinstance(port, tuple) else (host, port)
        if name in (generated or {}):
            servers += generated[name](site_host, port, request_log)
            continue
        site = Path(root) / name
        if not site.is_dir():
            raise SystemExit(f"no replica site {name!r} in {root}")
        overlay = EDITIONS / str(edition) / name
        attrs = {"root": site.resolve(), "overlay": overlay.resolve() if edition > 1 and overlay.is_dir() else None,
                 "rules": rules.get(name, {})}
        handler = (handlers and handlers(site.resolve(), attrs)) or type(f"Handler_{name}", (Handler,), attrs)
        try:
            server = ThreadingHTTPServer((site_host, port), handler)
        except OSError as exc:
            for started in servers:
                started.server_close()
            raise PortBusy(f"cannot serve {name} on {site_host}:{port}: "
                           f"{'port ' + str(port) + ' is busy' if exc.errno == 98 else exc.strerror}") from None
        server.daemon_threads = True
        server.site_name = name
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    if started:
        started(servers)
    return servers
