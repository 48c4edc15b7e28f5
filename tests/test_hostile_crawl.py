"""The hostile replica site (replica/hostile_site.py) crawled for real, in a subprocess:
every case ends as a recorded outcome — archived, or an `errors` row with its stage and
reason — the real report beside them is archived with its figures, and only the portal's
own host is ever requested (the site's request log, which also covers 127.0.0.2)."""
import urllib.parse

import pytest
import sqlite_utils

from replica.hostile_site import CASES, FORBIDDEN_LINKS

from .conftest import label
from .servers import crawl, free_port, replica, seeds_file

ARCHIVED = ("/zfxxgknb/real.html", "/zfxxgknb/nocharset.html", "/zfxxgknb/wrongcharset.html",
            "/zfxxgknb/flaky.html")
# Read, with what could not be read in the report's own errors (check_status incomplete).
PARTLY_READ = {"/zfxxgknb/malformed.html": "table 3", "/zfxxgknb/cells.html": "table 2",
               "/zfxxgknb/bomb.html": "table 3"}
# case -> (stage, words of the recorded reason) in `errors`
RECORDED = {
    "/zfxxgknb/big.html": ("extract", "EXTRACT_PAGE_MB"),
    "/zfxxgknb/endless.html": ("fetch", "DOWNLOAD_MAXSIZE"),
    "/zfxxgknb/binary.html": ("extract", "binary data"),
    "/files/report-2023.docx": ("extract", "EXTRACT_INFLATED_MB"),
    "/files/encrypted.pdf": ("extract", "encrypted PDF"),
    "/files/truncated.pdf": ("extract", "PDF does not parse"),
    "/loop/a.html": ("fetch", "redirect loop"),
    "/zfxxgknb/stall.html": ("fetch", "took longer than"),
    "/zfxxgknb/challenge.html": ("challenge", "firewall challenge not passed"),
    "/zfxxgknb/private.html": ("scope", "redirected from"),
}


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-crawl")
    log = tmp / "requests.log"
    with replica({"hostile": free_port()}, request_log=log) as sites:
        seeds = seeds_file(tmp / "seeds.yml", sites)
        proc = crawl(seeds, tmp / "archive.db", "-s", "DOWNLOAD_TIMEOUT=10", "-s", "RETRY_TIMES=2",
                     "-s", "RETRY_BACKOFF_BASE=0.2", "-s", "PORTAL_PAGE_BUDGET=40")
    db = sqlite_utils.Database(tmp / "archive.db")
    host = urllib.parse.urlsplit(sites["hostile"]).netloc
    requests = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    return {"proc": proc, "db": db, "host": host, "requests": requests}


def test_every_case_is_covered_here():
    assert set(ARCHIVED) | set(PARTLY_READ) | set(RECORDED) == set(CASES) | {"/files/report-2023.docx"}


def test_crawl_finishes_and_says_the_endless_list_cut_it_short(hostile_crawl):
    proc = hostile_crawl["proc"]
    assert "Traceback" not in proc.stderr
    # The endless list ran into the page budget: the portal is incomplete, and cron is told.
    (run,) = hostile_crawl["db"]["crawl_runs"].rows
    assert run["status"] == "incomplete" and "PORTAL_PAGE_BUDGET" in run["note"]
    assert proc.returncode == 1, proc.stderr[-3000:]


def test_real_and_recoverable_reports_are_archived(hostile_crawl):
    db, expected = hostile_crawl["db"], label("nanhu-2023")["applications"]
    for path in ARCHIVED:
        (report,) = [r for r in db["reports"].rows if urllib.parse.urlsplit(r["url"]).path == path]
        cells = {}
        for row in db["applications"].rows_where("report_id = ?", [report["id"]]):
            cells.setdefault(row["row_key"], {})[row["column_key"]] = row["value"]
        assert cells == expected, path
        assert report["organ"] == CASES[path][0].split("2023")[0]  # decoded right, whatever the charset


@pytest.mark.parametrize("path", PARTLY_READ)
def test_partly_read_reports_say_what_is_missing(hostile_crawl, path):
    (report,) = [r for r in hostile_crawl["db"]["reports"].rows if urllib.parse.urlsplit(r["url"]).path == path]
    assert report["check_status"] == "incomplete" and PARTLY_READ[path] in report["errors"]
    numbers = [r["value"] for r in hostile_crawl["db"]["applications"].rows_where(
        "report_id = ? and value is not null", [report["id"]])]
    assert numbers == []  # nothing invented from words, signs or broken markup


@pytest.mark.parametrize("path", RECORDED)
def test_each_hostile_case_is_recorded_with_stage_and_reason(hostile_crawl, path):
    stage, words = RECORDED[path]
    rows = [e for e in hostile_crawl["db"]["errors"].rows
            if path in urllib.parse.urlsplit(e["url"] or "").path or path in (e["message"] or "")]
    assert any(e["stage"] == stage and words in e["message"] for e in rows), (path, rows)


def test_forbidden_links_are_recorded_and_never_requested(hostile_crawl):
    db, host = hostile_crawl["db"], hostile_crawl["host"]
    scope = {e["url"] for e in db["errors"].rows_where("stage = 'scope'")}
    port = host.split(":")[1]
    for href in FORBIDDEN_LINKS:
        if not href.startswith("javascript:"):  # never even a link: dropped when links are read
            assert href.format(other=f"127.0.0.2:{port}") in scope, href
    requested_hosts = {r[0] for r in hostile_crawl["requests"]}
    assert requested_hosts == {host}  # nothing on 127.0.0.2, not even after the redirect
    assert not [r for r in hostile_crawl["requests"] if r[2].startswith("/calendar")]


def test_server_errors_recover_and_traps_end_at_a_recorded_limit(hostile_crawl):
    flaky = [r[3] for r in hostile_crawl["requests"] if r[2] == "/zfxxgknb/flaky.html"]
    assert flaky == ["500", "500", "200"]
    limits = [e["message"] for e in hostile_crawl["db"]["errors"].rows_where("stage = 'limit'")]
    assert limits and "PORTAL_PAGE_BUDGET" in limits[0]  # the endless list ends at the budget
