"""The canary: an internal HTTP service on loopback that nothing the archive does may ever
reach. Every hit (any method, any path) is written to the request log like the replica's
own requests ("host:port METHOD path status"), and answered with SECRET so that a leak
would also show in captures and reports."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

SECRET = "CANARY-INTERNAL-SERVICE-ANSWER"


class CanaryHandler(BaseHTTPRequestHandler):
    request_log: Path | None = None
    hits: list = []
    _lock = threading.Lock()

    def log_message(self, fmt, *args):
        pass

    def _hit(self):
        host, port = self.server.server_address[:2]
        line = f"{host}:{port} {self.command} {self.path} 200"
        with self._lock:
            self.hits.append(line)
            if self.request_log is not None:
                with open(self.request_log, "a", encoding="utf-8") as log:
                    log.write(line + "\n")
        body = f"<html><body><h1>{SECRET}</h1><a href=\"/more\">{SECRET}</a></body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = do_PUT = do_OPTIONS = _hit


def serve_canary(host: str = "127.0.0.1", port: int = 0, request_log: Path | None = None) -> ThreadingHTTPServer:
    handler = type("Handler_canary", (CanaryHandler,), {"request_log": request_log, "hits": []})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    server.site_name = "canary"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
