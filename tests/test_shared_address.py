"""Host names sharing one address share its politeness (crawler/politeness.py): when one
name's request ends, the other names' requests waiting for the address are sent too — none
waits for good. Real server on 127.0.7.2 answering slowly, names given by tests/dns_map.py."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .servers import ROOT

ADDRESS = "127.0.7.2"
NAMES = ["www.one-address.gov.cn", "one-address.gov.cn", "WWW.ONE-ADDRESS.GOV.CN", "www.one-address.gov.cn."]


class _Slow(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 — http.server's name
        time.sleep(1.0)  # longer than the delay: a sibling name's request is queued meanwhile
        body = b"<html><body>ok</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def slow_server():
    server = ThreadingHTTPServer((ADDRESS, 0), _Slow)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("delay", ["0.1", "0"])
def test_every_name_on_one_address_gets_its_turn(slow_server, tmp_path, delay):
    urls = [f"http://{name}:{slow_server}/{i}" for i, name in enumerate(NAMES * 2)]
    env = dict(os.environ, PYTHONPATH=str(ROOT), DNS_MAP=json.dumps({n.lower().rstrip("."): ADDRESS for n in NAMES}
                                                                     | {n: ADDRESS for n in NAMES}),
               ONE_ADDRESS_URLS=json.dumps(urls))
    # outside the project (no scrapy.cfg): only the spider's settings, the downloader and politeness
    proc = subprocess.Popen([sys.executable, "-m", "scrapy", "runspider", str(ROOT / "tests" / "one_address_spider.py"),
                             "-s", f"DOWNLOAD_DELAY={delay}", "-s", "DOWNLOAD_TIMEOUT=30",
                             "-s", "TWISTED_DNS_RESOLVER=tests.dns_map.MappedResolver"],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        pytest.fail(f"the crawl held: {out.count('got ')}/{len(urls)} answers after 60 s\n{err[-1500:]}")
    assert proc.returncode == 0, err[-2000:]
    assert out.count("got ") == len(urls), (out, err[-1500:])
