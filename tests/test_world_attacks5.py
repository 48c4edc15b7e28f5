"""Round 5 of the world's attacks (tests/world/attacks5.py): seeds rows as seeds/china
writes them whose portal sends the crawl away (302 or meta refresh to a commercial host, to
another government's host) or lives on a port its own links drop. Nothing outside the seed's
hosts is ever connected to; a portal sent away is recorded with its reason; a report a
person reaches is archived."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import time

import pytest
import yaml

from .servers import BIN, ROOT, free_port
from .world import attacks5 as a5
from .world.known import params
from .world.portals5 import VirtualHosts, names_of, self_signed
from .world.server import Canary


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-attacks5")
    cert = self_signed(tmp)
    canary = Canary(["127.0.0.1"], port=free_port())
    servers, dns, entries, portals = [], {name: "127.0.0.1" for name in a5.OUTSIDE_NAMES}, [], {}
    try:
        for i, row in enumerate(a5.ROWS):
            p, seed = a5.build(row, canary.port)
            address = f"127.0.5.{120 + i}"
            ports = ((80, False), (443, True)) + (((seed["port"], True),) if "port" in seed else ())
            servers.append(VirtualHosts(address, [p], cert, ports=ports).start())
            for name in names_of(p):
                dns[name] = address
            port = f":{seed['port']}" if "port" in seed else ""
            entries.append({"id": f"seed5-{row}", "name": p.case.organ, "url": f"https://{p.www}{port}/",
                            "region": "浙江省", "level": "county",
                            "allowed_hosts": [p.www + port, p.bare + port]})
            portals[row] = p
        (tmp / "seeds.yml").write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
        env = dict(os.environ, DNS_MAP=json.dumps(dns))
        start = time.monotonic()
        proc = subprocess.run(
            [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={tmp / 'seeds.yml'}",
             "-s", f"ARCHIVE_DB={tmp / 'archive.db'}", "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
             "-s", "LOG_LEVEL=INFO", "-s", "DOWNLOAD_TIMEOUT=10",
             "-s", "TWISTED_DNS_RESOLVER=tests.dns_map.MappedResolver"],
            cwd=ROOT, capture_output=True, text=True, timeout=400, env=env)
        print(f"attacks5 crawl: {time.monotonic() - start:.0f} s")
    finally:
        for s in servers:
            s.stop()
        canary.stop()
    return {"proc": proc, "db": sqlite3.connect(tmp / "archive.db"), "canary": canary, "portals": portals}


def test_nothing_outside_connected(seeded):
    assert not seeded["canary"].hits, seeded["canary"].hits


def test_crawl_ends_with_its_line(seeded):
    proc = seeded["proc"]
    assert "Traceback" not in proc.stderr, proc.stderr[proc.stderr.find("Traceback") - 200:][:2000]
    last = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode == 1 and last.startswith("crawl finished with errors"), (proc.returncode, last)


SENT_AWAY = ["redirect-commercial", "redirect-other-gov", "refresh-commercial"]


@pytest.mark.parametrize("row", params("attack5", SENT_AWAY))
def test_portal_sent_away_recorded_with_its_reason(seeded, row):
    """The homepage leads off the portal's hosts: one errors row names where (the host), the
    portal is not `done`."""
    db = seeded["db"]
    target = "www.zjzwfw.gov.cn" if row == "redirect-other-gov" else "www.baidu.com"
    errors = db.execute("select stage, url, message from errors where portal = ?", [f"seed5-{row}"]).fetchall()
    status = db.execute("select status from crawl_runs where portal = ? order by rowid desc limit 1",
                        [f"seed5-{row}"]).fetchone()
    named = [e for e in errors if target in (e[2] or "") or target in (e[1] or "")]
    assert named, f"{row}: no error names {target}: status {status}, errors {errors[:4]}"
    assert status and status[0] != "done", (row, status)


@pytest.mark.parametrize("row", params("attack5", ["port-row", "healthy"]))
def test_report_a_person_reaches_archived(seeded, row):
    db = seeded["db"]
    got = db.execute("select url, organ, report_year from reports where portal = ?", [f"seed5-{row}"]).fetchall()
    errors = db.execute("select stage, url, substr(message, 1, 160) from errors where portal = ?",
                        [f"seed5-{row}"]).fetchall()
    status = db.execute("select status, route from crawl_runs where portal = ? order by rowid desc limit 1",
                        [f"seed5-{row}"]).fetchone()
    assert len(got) == 1, f"{row}: reports {got}; status {status}; errors {errors[:4]}"
