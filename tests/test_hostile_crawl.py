"""The hostile replica site (replica/hostile_site.py) crawled for real, in a subprocess:
every case ends as a recorded outcome — archived, or an `errors` row with its stage and
reason — the real report beside them is archived with its figures, and only the portal's
own host is ever requested (the site's request log, which also covers 127.0.0.2 and the
canary: an internal service on another port that every case of replica/hostile_inward.py
tries to make the archive reach). The portal is seeded as real seeds are written:
`allowed_hosts: [localhost]`, a host without a port."""
import urllib.parse
from pathlib import Path

import pytest
import sqlite_utils
import yaml

from replica.canary import SECRET
from replica.hostile_inward import cases as inward_cases
from replica.hostile_site import CASES, FORBIDDEN_LINKS, INWARD_TITLE

from .conftest import label
from .servers import crawl, free_port, replica

ARCHIVED = ("/zfxxgknb/real.html", "/zfxxgknb/nocharset.html", "/zfxxgknb/wrongcharset.html",
            "/zfxxgknb/flaky.html")
# Read, with what could not be read in the report's own errors (check_status incomplete).
PARTLY_READ = {"/zfxxgknb/malformed.html": "table 3", "/zfxxgknb/cells.html": "table 2",
               "/zfxxgknb/bomb.html": "table 3"}
# case -> (stage, words of the recorded reason) in `errors`
RECORDED = {
    "/zfxxgknb/big.html": ("extract", "EXTRACT_PAGE_MB"),
    "/zfxxgknb/endless.html": ("limit", "DOWNLOAD_MAXSIZE"),
    "/zfxxgknb/binary.html": ("extract", "binary data"),
    "/files/report-2023.docx": ("extract", "EXTRACT_INFLATED_MB"),
    "/files/encrypted.pdf": ("extract", "encrypted PDF"),
    "/files/truncated.pdf": ("extract", "PDF does not parse"),
    "/loop/a.html": ("fetch", "redirect loop"),
    "/zfxxgknb/stall.html": ("fetch", "took longer than"),
    "/zfxxgknb/challenge.html": ("challenge", "firewall challenge not passed"),
    # refusals are one row per reason, naming the first URLs: this one is counted there
    "/zfxxgknb/private.html": ("scope", "(by a redirect)"),
}


@pytest.fixture(scope="module")
def hostile_crawl(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile-crawl")
    log = tmp / "requests.log"
    with replica({"hostile": free_port()}, request_log=log) as sites:
        port = urllib.parse.urlsplit(sites["hostile"]).port
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump([{"id": "replica-hostile", "name": "恶意测试门户（复刻）",
                                          "url": f"http://localhost:{port}/", "region": "浙江省嘉兴市",
                                          "level": "county", "allowed_hosts": ["localhost"]}],
                                        allow_unicode=True), encoding="utf-8")
        proc = crawl(seeds, tmp / "archive.db", "-s", "DOWNLOAD_TIMEOUT=10", "-s", "RETRY_TIMES=2",
                     "-s", "RETRY_BACKOFF_BASE=0.2", "-s", "PORTAL_PAGE_BUDGET=40")
    db = sqlite_utils.Database(tmp / "archive.db")
    host = urllib.parse.urlsplit(sites["hostile"]).netloc
    requests = [line.split() for line in log.read_text(encoding="utf-8").splitlines()]
    return {"proc": proc, "db": db, "host": host, "requests": requests, "tmp": tmp,
            "canary": urllib.parse.urlsplit(sites["canary"]).netloc}


def test_every_case_is_covered_here():
    assert set(ARCHIVED) | set(PARTLY_READ) | set(RECORDED) == set(CASES) | {"/files/report-2023.docx"}


def test_crawl_finishes_and_the_endless_list_ends_where_it_adds_nothing(hostile_crawl):
    proc = hostile_crawl["proc"]
    assert "Traceback" not in proc.stderr
    # Every later page of the endless list offers 下一页 and no new report link: the list ends
    # at its first such page (not at the page budget), and the route says where.
    (run,) = hostile_crawl["db"]["crawl_runs"].rows
    assert run["status"] == "ok_with_errors" and "PORTAL_PAGE_BUDGET" not in (run["note"] or ""), run
    assert "list ended at /zfxxgknb/index_2.html: no new report link" in run["route"], run["route"]
    assert proc.returncode == 0, proc.stderr[-3000:]


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
            if path in urllib.parse.urlsplit(e["url"] or "").path or path in (e["message"] or "")
            or stage == "scope"]
    assert any(e["stage"] == stage and words in e["message"] for e in rows), (path, rows)


def test_forbidden_links_are_recorded_and_never_requested(hostile_crawl):
    db, host = hostile_crawl["db"], hostile_crawl["host"]
    scope = " ".join(e["message"] for e in db["errors"].rows_where("stage = 'scope'"))
    port = host.split(":")[1]
    for href in FORBIDDEN_LINKS:
        if not href.startswith("javascript:"):  # never even a link: dropped when links are read
            assert href.format(other=f"127.0.0.2:{port}") in scope, href
    requested_hosts = {r[0] for r in hostile_crawl["requests"]}
    assert requested_hosts == {host}  # nothing on 127.0.0.2, not even after the redirect
    assert not [r for r in hostile_crawl["requests"] if r[2].startswith("/calendar")]


def test_server_errors_recover_and_the_endless_list_costs_two_pages(hostile_crawl):
    flaky = [r[3] for r in hostile_crawl["requests"] if r[2] == "/zfxxgknb/flaky.html"]
    assert flaky == ["500", "500", "200"]
    pages = {r[2] for r in hostile_crawl["requests"] if r[2].startswith("/zfxxgknb/index_")}
    assert pages <= {"/zfxxgknb/index_2.html", "/zfxxgknb/index_3.html"}, sorted(pages)


def test_the_canary_is_never_reached(hostile_crawl):
    """No case reached the internal service: not Scrapy (links, redirects, robots.txt, the
    sitemap), not the browser (fetch, img, iframe, XHR redirect, WebSocket, workers, popup),
    not LibreOffice (the documents' linked images)."""
    canary = hostile_crawl["canary"]
    assert [r for r in hostile_crawl["requests"] if r[0] == canary] == []
    db = hostile_crawl["db"]
    port = canary.split(":")[1]
    assert [c["url"] for c in db["captures"].rows if f":{port}" in c["url"]] == []
    assert [r["url"] for r in db["reports"].rows if f":{port}" in (r["final_url"] or r["url"])] == []
    assert not [r for r in db["reports"].rows if SECRET in (r["body_text"] or "")]
    for warc in Path(hostile_crawl["tmp"]).glob("**/*.warc*"):
        assert SECRET.encode() not in warc.read_bytes(), warc


def test_inward_cases_were_tried_and_refused_once_per_reason(hostile_crawl):
    db = hostile_crawl["db"]
    refusals = list(db["errors"].rows_where("stage = 'scope'"))
    reasons = [e["message"].split(";")[0] for e in refusals]
    assert len(reasons) == len(set(reasons)), reasons  # one row per portal and reason, counted
    text = " ".join(e["message"] for e in refusals)
    canary_port = hostile_crawl["canary"].split(":")[1]
    assert f"127.0.0.1:{canary_port}/robots.txt" in text  # robots.txt redirected inward: refused
    for case in inward_cases():
        if case["hops"] == 0:  # a link straight there: refused as it is read
            assert case["target"].format(port=canary_port) in text or "more" in text, case["description"]
    # the redirects were followed on the portal and stopped at the hop that leads inward
    hops = {r[2] for r in hostile_crawl["requests"] if r[2].startswith("/inward/")}
    assert {c["path"] for c in inward_cases() if c["hops"]} <= hops
    assert "(from the browser)" in text  # the script-built list's requests inward were aborted
    # the office documents whose images live at the canary were fetched and read (offline)
    requested = {r[2] for r in hostile_crawl["requests"]}
    assert "/files/external-image.docx" in requested  # (an .odt is no attachment link: tests/test_gate.py)
    assert [r for r in db["reports"].rows if INWARD_TITLE.split("2023")[0] in (r["organ"] or r["title"] or "")]
