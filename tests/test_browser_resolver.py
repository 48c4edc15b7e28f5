"""The browser connects where the gate checked: every request a rendered page makes is
fetched by the crawl's downloader (crawler/browser_fetch.py), so its name is resolved by the
crawl's resolver and the address checked is the address connected to (no DNS-rebinding
window between the browser gate's check and the connection).

A script-built list draws its report link from a JSONP answer on `b.ok.test` (a host the seed
names, known only to the crawl's resolver: tests/dns_map.py maps it to the portal's address)
and also asks `a.rebind.test` (admitted by a wildcard, not named by the seed), which the
system resolver does not know — so the browser gate's own check passes, as a first public
DNS answer would — and which the crawl's resolver answers with the internal canary's address,
as the rebound answer would at connection time."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess

import yaml

from .servers import BIN, ROOT, free_port
from .world import attacks
from .world.portals import page
from .world.server import Answer, Canary, Site


def test_browser_requests_resolve_through_the_crawls_resolver_and_its_check(tmp_path):
    canary = Canary(["127.0.0.1"], port=free_port())
    routes: dict = {}
    attacks._real(routes)
    attacks._home(routes)
    site = Site(routes, host="127.0.0.58")
    rows = json.dumps([{"u": attacks.REAL[0], "t": attacks.REAL[1]}], ensure_ascii=False)
    routes["/list.js?callback=draw"] = Answer(200, f"draw({rows});".encode(), content_type="application/javascript")
    script = ('<ul id="list"></ul><script>function draw(rows){rows.forEach(function(r){var l=document.createElement("li");'
              'l.innerHTML=\'<a href="\'+r.u+\'">\'+r.t+\'</a>\';document.getElementById("list").appendChild(l);});}'
              'if(false){fetch("/api/none");}</script>'
              f'<script src="http://b.ok.test:{site.port}/list.js?callback=draw"></script>'
              f'<script>fetch("http://a.rebind.test:{canary.port}/hit/rebind",{{mode:"no-cors"}}).catch(function(){{}});</script>')
    routes["/xxgk/zfxxgknb/"] = Answer(200, page("政府信息公开年报", script).encode())
    site.start()
    own = f"127.0.0.58:{site.port}"
    seeds = tmp_path / "seeds.yml"
    seeds.write_text(yaml.safe_dump([{
        "id": "rebind", "name": "某县人民政府", "url": f"http://{own}/", "region": "浙江省", "level": "county",
        "allowed_hosts": [own, f"b.ok.test:{site.port}", f"*.rebind.test:{canary.port}"]}], allow_unicode=True))
    env = dict(os.environ, DNS_MAP=json.dumps({"b.ok.test": "127.0.0.58", "a.rebind.test": "127.0.0.1"}))
    try:
        proc = subprocess.run(
            [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={tmp_path / 'a.db'}",
             "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO",
             "-s", "TWISTED_DNS_RESOLVER=tests.dns_map.MappedResolver"],
            cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    finally:
        site.stop()
        canary.stop()
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not canary.hits, canary.hits
    db = sqlite3.connect(tmp_path / "a.db")
    # the JSONP came through the crawl's resolver: the report it lists was found and archived
    assert db.execute("select count(*) from reports where url like ?", [f"%{attacks.REAL[0]}"]).fetchone()[0] == 1
    assert any(path.startswith("/list.js") for _, path, _ in site.log)
    # and the rebound name was refused at connection time, recorded once
    refused = db.execute("select message from errors where stage = 'scope' and message like '%rebind.test%'").fetchall()
    assert refused and "internal address" in refused[0][0], refused
