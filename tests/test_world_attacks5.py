"""Round 5 of the world's attacks (tests/world/attacks5.py): seeds rows as seeds/china
writes them whose portal sends the crawl away (302 or meta refresh to a commercial host, to
another government's host) or lives on a port its own links drop. Nothing outside the seed's
hosts is ever connected to; a portal sent away is recorded with its reason; a report a
person reaches is archived."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import yaml

from .servers import BIN, ROOT, datasette, free_port
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
            address = f"127.0.6.{120 + i}"
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


# --- the public site over hostile archive rows ----------------------------------------------

def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("world-site5")
    ids = a5.hostile_archive(tmp / "archive.db")
    answers = {}
    with datasette(tmp / "archive.db", startup_seconds=60) as base:
        paths = ["/", "/archive", "/archive/reports", "/archive/reports.json?_shape=array&_size=max",
                 "/archive/reports.csv?_stream=on", "/archive/organs"]
        paths += [f"/archive/reports/{i}" for i in ids.values()]
        home = _get(base + "/")[2].decode("utf-8", "replace")
        paths += sorted({h for h in re.findall(r'href="(/[^"#]*)"', home) if not h.startswith("/-/static")})[:30]
        for path in dict.fromkeys(paths):
            start = time.monotonic()
            status, ctype, body = _get(base + path)
            answers[path] = (status, ctype, body, time.monotonic() - start)
    return {"ids": ids, "answers": answers}


@pytest.mark.parametrize("_", params("site5", ["never-500"]))
def test_site_over_hostile_rows_never_500(hostile_site, _):
    bad = [(p, s) for p, (s, _, _, _) in hostile_site["answers"].items() if s >= 500]
    assert not bad, bad


@pytest.mark.parametrize("_", params("site5", ["parse-bounded"]))
def test_site_answers_parse_and_stay_bounded(hostile_site, _):
    """JSON parses; the CSV has one line per report (control characters quoted, not rows
    broken); no HTML page carries the 1 MB title or 18 MB text whole (cells truncated)."""
    import csv
    import io

    answers = hostile_site["answers"]
    rows = json.loads(answers["/archive/reports.json?_shape=array&_size=max"][2])
    assert len(rows) == len(a5.HOSTILE_ROWS)
    records = list(csv.reader(io.StringIO(answers["/archive/reports.csv?_stream=on"][2].decode("utf-8"))))
    assert len(records) == 1 + len(a5.HOSTILE_ROWS), len(records)
    big = [(p, len(b)) for p, (s, ct, b, _) in answers.items() if "html" in ct and len(b) > 2_000_000]
    assert not big, f"HTML pages over 2 MB: {big}"


@pytest.mark.parametrize("_", params("site5", ["rtl-isolated"]))
def test_rtl_override_in_an_organ_cannot_reorder_the_page(hostile_site, _):
    """An organ name carrying U+202E (RIGHT-TO-LEFT OVERRIDE) is shown without it, or
    isolated (<bdi>, dir=auto): it must not reverse the text after it on the page."""
    leaks = []
    for path, (status, ctype, body, _) in hostile_site["answers"].items():
        if "html" not in ctype:
            continue
        text = body.decode("utf-8", "replace")
        for m in re.finditer("\u202e", text):
            before = text[max(0, m.start() - 200):m.start()]
            if "<bdi" not in before and 'dir="auto"' not in before:
                leaks.append((path, text[max(0, m.start() - 40):m.start() + 20]))
                break
    assert not leaks, f"{len(leaks)} pages carry a raw U+202E: {leaks[:4]}"
