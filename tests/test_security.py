"""Security of the published archive, against real Datasette (and real Chromium):
/-/archived/ reads only the WARC folder (ids, never paths), a captured page's scripts never
run on the archive's origin, and the database is read-only with a SQL time limit."""
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from archive.schema import open_archive
from archive.warc import WarcCapture

from .servers import datasette

SECRET = "TOP-SECRET-OUTSIDE-THE-WARC-FOLDER"
HOSTILE_PAGE = """<html><head><meta charset="utf-8"><title>存档页</title></head><body>
<p>某县人民政府2023年政府信息公开工作年度报告</p>
<script>
document.title = "PWNED";
try { parent.document.title = "PWNED"; } catch (e) {}
fetch("/archive.json?sql=select+1&script_ran=1");
</script>
<img src="/-/versions.json?image_loaded=1">
</body></html>"""


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("published")
    outside = tmp_path_factory.mktemp("outside")
    db = open_archive(tmp / "archive.db")
    page_id, _ = WarcCapture(db, tmp / "warcs", "run1", base=tmp).store(
        "http://127.0.0.1:1/report.html", HOSTILE_PAGE.encode("utf-8"), content_type="text/html; charset=utf-8")
    # A WARC record outside the folder, and rows that point at it and at other files.
    stray = WarcCapture(db, outside, "stray", base=outside)
    stray_id, _ = stray.store("http://127.0.0.1:1/secret.html", SECRET.encode(), content_type="text/plain")
    stray.close()
    row = db["captures"].get(stray_id)
    evil = {}
    for name, warc_file in {"absolute": str(outside / row["warc_file"]),
                            "relative": os.path.relpath(outside / row["warc_file"], tmp),
                            "system": "/etc/passwd"}.items():
        evil[name] = db["captures"].insert(dict(row, id=None, warc_file=warc_file,
                                                url=f"http://127.0.0.1:1/{name}")).last_pk
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    with datasette(tmp / "archive.db") as base:
        yield {"base": base, "page_id": page_id, "evil": evil}


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def test_archived_copies_are_read_from_the_warc_folder_only(published):
    base = published["base"]
    status, body = fetch(f"{base}/-/archived/{published['page_id']}/raw")
    assert status == 200 and "政府信息公开工作年度报告" in body
    for name, capture_id in published["evil"].items():
        for suffix in ("/raw", ""):
            status, body = fetch(f"{base}/-/archived/{capture_id}{suffix}")
            assert status == 404 and SECRET not in body and "root:" not in body, name


@pytest.mark.parametrize("path", ["/-/archived/../../etc/passwd", "/-/archived/%2e%2e%2f%2e%2e%2fetc%2fpasswd/raw",
                                  "/-/archived/1%2F..%2F..%2Fetc%2Fpasswd", "/-/archived/warcs%2Fcapture-run1.warc.gz",
                                  "/-/archived/-1/raw", "/-/archived/1.5/raw"])
def test_archived_urls_take_ids_not_paths(published, path):
    status, body = fetch(published["base"] + path)
    assert status == 404 and "root:" not in body and SECRET not in body


def test_captured_scripts_never_run_on_the_archive_origin(published):
    from playwright.sync_api import sync_playwright

    from .test_browser import CHROMIUM, FLAGS

    base = published["base"]
    requested = []
    with sync_playwright() as p:
        launch = {"headless": True, "args": FLAGS}
        if Path(CHROMIUM).exists():
            launch["executable_path"] = CHROMIUM
        browser = p.chromium.launch(**launch)
        page = browser.new_page()
        # finished requests: one blocked by the sandbox's CSP is announced, then fails unsent
        page.on("requestfinished", lambda request: requested.append(request.url))
        for url in (f"{base}/-/archived/{published['page_id']}", f"{base}/-/archived/{published['page_id']}/raw"):
            page.goto(url, wait_until="load")
            page.wait_for_timeout(500)
            assert page.title() != "PWNED", url
            frames = [f for f in page.frames if f != page.main_frame]
            for frame in frames:  # the captured page itself, inside the sandboxed frame
                assert "政府信息公开工作年度报告" in frame.content()
                assert frame.evaluate("document.title") != "PWNED"
        browser.close()
    assert not [u for u in requested if "script_ran" in u or "image_loaded" in u], requested


def query(base: str, sql: str) -> tuple[int, dict]:
    status, body = fetch(f"{base}/archive.json?" + urllib.parse.urlencode({"sql": sql}))
    return status, json.loads(body)


@pytest.mark.parametrize("sql", ["insert into portals (id) values ('x')", "delete from captures",
                                 "update reports set organ = 'x'", "drop table reports",
                                 "pragma journal_mode=wal", "attach database '/tmp/x.db' as x"])
def test_database_is_read_only(published, sql):
    status, answer = query(published["base"], sql)
    assert status >= 400 and answer.get("ok") is False
    status, answer = query(published["base"], "select count(*) as n from captures")
    assert status == 200 and answer["rows"][0][0] == 5


def test_sql_has_a_time_limit(published):
    status, answer = query(published["base"],
                           "with recursive c(x) as (select 1 union all select x + 1 from c) select count(*) from c")
    assert status >= 400 and "too long" in answer["error"]
