"""Real HTTP servers on 127.0.0.x for the world's portals, and a canary that counts every
TCP connection and HTTP request made to it (it must stay at zero)."""
from __future__ import annotations

import os
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import unquote, urlsplit


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    headers: list = field(default_factory=list)  # [(name, value)]
    content_type: str = "text/html; charset=utf-8"


# A route is an Answer or a callable (handler) -> None that writes the answer itself.
Route = "Answer | Callable"


def sample(cases: list, size: int, seed: int = 0) -> list:
    """A fixed, seeded subset of the cases; every case with WORLD_CASES=all."""
    import random

    if os.environ.get("WORLD_CASES") == "all" or len(cases) <= size:
        return cases
    rnd = random.Random(seed)
    return sorted(rnd.sample(cases, size), key=cases.index)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def _handler(site):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def _answer(self):
            site.log.append((self.command, self.path, dict(self.headers)))
            route = site.lookup(self.path)
            if route is None:
                body = b"<html><head><title>404 Not Found</title></head><body>404</body></html>"
                route = Answer(404, body)
            if callable(route):
                return route(self)
            self.send_response(route.status)
            self.send_header("Content-Type", route.content_type)
            for name, value in route.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            if self.command != "HEAD":
                try:
                    self.wfile.write(route.body)
                except OSError:
                    pass

        do_GET = do_POST = do_HEAD = _answer
    return Handler


class Site:
    """One portal: routes by path (with query), case-insensitive when asked (IIS-like)."""

    def __init__(self, routes: dict, host: str = "127.0.0.1", ignore_case: bool = False,
                 fallback: Callable | None = None):
        self.routes, self.host, self.ignore_case, self.fallback = routes, host, ignore_case, fallback
        self.log: list = []
        self.server = _Server((host, 0), _handler(self))
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://{self.host}:{self.port}"

    def lookup(self, raw: str):
        path = unquote(raw)
        table = {p.lower(): v for p, v in self.routes.items()} if self.ignore_case else self.routes
        norm = (lambda k: k.lower()) if self.ignore_case else (lambda k: k)
        if norm(path) in table:
            return table[norm(path)]
        found = self.fallback(path) if self.fallback else None
        if found is None and "?" in path:
            found = table.get(norm(path.split("?")[0]))
        return found

    def start(self) -> "Site":
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class Canary:
    """Counts every connection (TCP accept) and request line sent to it, on each address it
    listens on (IPv4 loopback, and ::1 when the machine has it)."""

    def __init__(self, hosts=("127.0.0.1",), port: int = 0, require_all: bool = False):
        self.hits: list = []
        self.sockets = []
        self._stop = False
        for host in hosts:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            try:
                s = socket.socket(family, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                s.bind((host, port))
            except OSError:
                s.close()
                if require_all:
                    self.stop()
                    raise
                continue
            port = s.getsockname()[1]
            s.listen(64)
            self.sockets.append(s)
        self.port = port
        for s in self.sockets:
            threading.Thread(target=self._serve, args=(s,), daemon=True).start()

    def _serve(self, s):
        s.settimeout(0.5)
        while not self._stop:
            try:
                conn, peer = s.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            threading.Thread(target=self._one, args=(conn, peer), daemon=True).start()

    def _one(self, conn, peer):
        conn.settimeout(2)
        data = b""
        try:
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
        try:
            where = conn.getsockname()[0]
        except OSError:
            where = "?"
        self.hits.append((time.time(), where, data.split(b"\r\n", 1)[0].decode("latin-1")))
        try:
            body = b"CANARY-INTERNAL-SECRET"
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n"
                         b"Connection: close\r\n\r\n" % len(body) + body)
        except OSError:
            pass
        conn.close()

    def stop(self):
        self._stop = True
        for s in self.sockets:
            s.close()


def host_of(url: str) -> str:
    return urlsplit(url).netloc
