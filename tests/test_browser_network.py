"""Chromium reaches no address by itself: with the crawl's launch options and the gate
installed as the crawl installs it, a page that starts navigations, opens windows, submits a
form and asks for preconnects and DNS prefetches towards an internal canary makes no TCP
connection to it (Chromium opens a speculative connection for each navigation before the
request is routed; --host-resolver-rules leaves it nowhere to go), and the page itself still
loads through the gate."""
import asyncio
import http.server
import threading

import pytest

from crawler.gate_browser import BLOCK_SERVICE_WORKERS, BrowserGate
from crawler.settings import PLAYWRIGHT_LAUNCH_OPTIONS

from .servers import free_port
from .world.server import Canary

VECTORS = {  # what a page does, towards the canary at {c} (http://HOST:PORT)
    "navigate": 'setTimeout(function(){{location.href="{c}/hit/navigate"}},300);',
    "window-open": 'window.open("{c}/hit/window-open");',
    "form": 'var f=document.createElement("form");f.method="POST";f.action="{c}/hit/form";document.body.appendChild(f);'
            'setTimeout(function(){{f.submit()}},100);',
    "preconnect": 'var l=document.createElement("link");l.rel="preconnect";l.href="{c}";document.head.appendChild(l);',
    "dns-prefetch": 'var l=document.createElement("link");l.rel="dns-prefetch";l.href="{c}";document.head.appendChild(l);',
}


def _serve(html: bytes, host: str, seen: list | None = None):
    """`html` to every GET; each request's path and Upgrade header noted in `seen`."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if seen is not None:
                seen.append((self.path, self.headers.get("Upgrade")))
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args):
            pass
    server = http.server.ThreadingHTTPServer((host, 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


async def _visit(url: str, portals: dict, refusals: list) -> str:
    from playwright.async_api import async_playwright

    gate = BrowserGate(lambda: portals, lambda portal, u, reason: refusals.append(u))
    async with async_playwright() as p:
        browser = await p.chromium.launch(**PLAYWRIGHT_LAUNCH_OPTIONS)
        try:
            context = await browser.new_context(**BLOCK_SERVICE_WORKERS)
            await gate.install_on_context(context)
            page = await context.new_page()
            await page.goto(url, wait_until="load")
            text = await page.evaluate("document.body.innerText")
            # then the page starts its navigations, which replace its document
            await page.evaluate("window.attack()")
            await page.wait_for_timeout(1500)
            return text
        finally:
            await browser.close()


@pytest.mark.parametrize("target", ["127.0.0.1", "[::1]"])
def test_chromium_opens_no_connection_the_gate_did_not_admit(target):
    canary = Canary(["127.0.0.1", "::1"], port=free_port())
    c = f"http://{target}:{canary.port}"
    script = "".join(v.format(c=c) for v in VECTORS.values())
    html = f"<html><head></head><body><p>政府信息公开年报</p><script>window.attack = function() {{{script}}};</script></body></html>".encode()
    server = _serve(html, "127.0.0.57")
    own = f"127.0.0.57:{server.server_address[1]}"
    portals = {"p": {"id": "p", "url": f"http://{own}/", "allowed_hosts": [own]}}
    refusals: list = []
    try:
        text = asyncio.run(_visit(f"http://{own}/", portals, refusals))
    finally:
        server.shutdown()
        canary.stop()
    assert not canary.hits, f"{len(canary.hits)} connections to the canary: {canary.hits}"
    assert "政府信息公开年报" in text  # the page itself came through the gate
    # and what the page started towards the canary was refused there (which of the navigations
    # comes first — the form's submit, window.open, location.href — is the page's timing)
    assert any("/hit/" in u for u in refusals), refusals


def test_a_websocket_is_never_opened_even_to_the_portal():
    """Playwright's driver would connect a WebSocket with its own DNS answer and outside the
    host's politeness: the browser opens none, and says so."""
    seen: list = []
    html = ("<html><body><p>年报</p><script>window.attack = function() {"
            "new WebSocket('ws://' + location.host + '/socket');};</script></body></html>").encode()
    server = _serve(html, "127.0.0.57", seen)
    own = f"127.0.0.57:{server.server_address[1]}"
    portals = {"p": {"id": "p", "url": f"http://{own}/", "allowed_hosts": [own]}}
    refusals: list = []
    try:
        asyncio.run(_visit(f"http://{own}/", portals, refusals))
    finally:
        server.shutdown()
    assert seen == [("/", None)], seen  # the page itself, no upgrade request
    assert refusals == [f"http://{own}/socket"], refusals
