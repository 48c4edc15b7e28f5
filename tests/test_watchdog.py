"""The watchdog, crawled for real: a hostile portal that would hold the crawl is cut off at
PORTAL_TIME_LIMIT and recorded `incomplete` with the reason, while another portal of the
same crawl finishes and the archive is published; a request waiting out a robots.txt
Crawl-delay (capped at MAX_CRAWL_DELAY, recorded) is cut at the limit too."""
import signal
import subprocess
import time
import urllib.parse

import sqlite_utils
import yaml

from .servers import BIN, ROOT, crawl, free_port, replica, seeds_file
from .world import attacks4 as a4
from .world.portals import page
from .world.server import Answer, Site


def test_a_portal_holding_the_crawl_is_cut_off_and_the_others_are_published(tmp_path):
    # The waiting requests of a portal past its limit are cut too, so the healthy portal must
    # not queue behind the hostile one's: it gets an address of its own (two hosts on one
    # address share one turn, crawler/politeness.py), and no reference render (renders wait
    # in the one browser slot, behind the hostile portal's).
    with replica({"hostile": free_port(), "trs": f"127.0.0.3:{free_port()}"}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        started = time.monotonic()
        proc = crawl(seeds, tmp_path / "archive.db", "-s", "PORTAL_TIME_LIMIT=12", "-s", "DOWNLOAD_TIMEOUT=5",
                     "-s", "RETRY_BACKOFF_BASE=0.2", "-s", "PORTAL_PAGE_BUDGET=100000",
                     "-s", "BROWSER_REFERENCE=False")
        took = time.monotonic() - started
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr[-3000:]
    last = proc.stderr.strip().splitlines()[-1]  # after every log line, one saying why
    assert last.startswith("crawl finished with errors: 1 of 2 portals not complete (1 incomplete: "), last
    db = sqlite_utils.Database(tmp_path / "archive.db")
    runs = {r["portal"]: r for r in db["crawl_runs"].rows}
    assert runs["replica-hostile"]["status"] == "incomplete"
    assert "PORTAL_TIME_LIMIT" in runs["replica-hostile"]["note"]
    assert runs["replica-pingtan"]["status"] in ("ok", "ok_with_errors") and runs["replica-pingtan"]["reports_found"]
    limits = list(db["errors"].rows_where("stage = 'limit' and portal = 'replica-hostile'"))
    assert len([e for e in limits if "PORTAL_TIME_LIMIT" in e["message"]]) == 1
    assert took < 120, took


# --- a robots.txt asking a day between requests (crawler/politeness.py, crawler/watchdog.py) ---

def _delay_crawl(tmp_path, robots: bytes, *extra: str, interrupt_when_asked: str | None = None):
    """The crawl of one portal behind `robots`; with `interrupt_when_asked`, one SIGINT (an
    operator's Ctrl-C) once the host was asked for that path."""
    portal = a4.portal(0, "healthy", "武义县人民政府")
    routes = dict(portal.routes)
    routes["/about.html"] = Answer(200, page("本站概况", "<p>概况</p>").encode())
    routes["/robots.txt"] = Answer(200, robots, content_type="text/plain")
    site = Site(routes, host="127.0.6.20").start()
    netloc = urllib.parse.urlsplit(site.base).netloc
    seeds = tmp_path / "seeds.yml"
    seeds.write_text(yaml.safe_dump([{"id": "slow", "name": portal.organ, "url": site.base + "/", "region": "浙江省",
                                      "level": "county", "allowed_hosts": [netloc]}], allow_unicode=True),
                     encoding="utf-8")
    try:
        popen = subprocess.Popen([str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}",
                                  "-s", f"ARCHIVE_DB={tmp_path / 'archive.db'}", "-s", "DOWNLOAD_DELAY=0",
                                  "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "BROWSER_REFERENCE=False", *extra],
                                 cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if interrupt_when_asked:
            for _ in range(600):  # bounded: 60 s for the crawl to start and ask
                if any(path == interrupt_when_asked for _, path, _ in site.log) or popen.poll() is not None:
                    break
                time.sleep(0.1)
            time.sleep(1)
            popen.send_signal(signal.SIGINT)
        try:
            out, err = popen.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            popen.kill()
            out, err = popen.communicate()
        proc = subprocess.CompletedProcess(popen.args, popen.returncode, out, err)
    finally:
        site.stop()
    return proc, sqlite_utils.Database(tmp_path / "archive.db"), [path for _, path, _ in site.log], portal


def test_a_request_waiting_out_a_long_crawl_delay_is_cut_at_the_portal_limit(tmp_path):
    """Crawl-delay: 86400, capped at MAX_CRAWL_DELAY (60 s): the homepage waits in the host's
    slot past PORTAL_TIME_LIMIT (8 s) and is dropped there; both bounds are recorded."""
    proc, db, asked, _ = _delay_crawl(tmp_path, b"User-agent: *\nCrawl-delay: 86400\nAllow: /\n",
                                      "-s", "PORTAL_TIME_LIMIT=8")
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr[-3000:]
    assert asked == ["/robots.txt"], asked  # the homepage never left its slot
    (run,) = db["crawl_runs"].rows
    assert run["status"] == "incomplete" and "PORTAL_TIME_LIMIT" in run["note"], run
    errors = [(e["stage"], e["message"]) for e in db["errors"].rows]
    assert [m for s, m in errors if s == "limit" and "PORTAL_TIME_LIMIT" in m], errors
    capped = [m for s, m in errors if s == "limit" and "MAX_CRAWL_DELAY" in m]
    assert len(capped) == 1 and "86400" in capped[0] and "60 s" in capped[0], errors


def test_a_long_crawl_delay_is_honoured_up_to_the_cap_and_the_portal_read(tmp_path):
    proc, db, asked, portal = _delay_crawl(tmp_path, b"User-agent: *\nCrawl-delay: 86400\nAllow: /\n",
                                           "-s", "MAX_CRAWL_DELAY=0.5")
    assert "Traceback" not in proc.stderr and proc.returncode == 0, proc.stderr[-3000:]
    got = {urllib.parse.urlsplit(r["url"]).path for r in db["reports"].rows}
    assert set(portal.reports) <= got, (got, asked)
    (run,) = db["crawl_runs"].rows
    assert run["status"] == "ok_with_errors", run  # read whole; the cap is its one errors row
    (error,) = db["errors"].rows
    assert error["stage"] == "limit" and "MAX_CRAWL_DELAY (0.5 s)" in error["message"], error


def test_a_request_waiting_past_its_url_time_limit_is_cut_and_recorded(tmp_path):
    """No request waits for good: the homepage waiting for a host that is sent nothing for
    URL_TIME_LIMIT (6 s; here a 60 s Crawl-delay) is dropped, recorded (stage `limit`), and
    the crawl ends."""
    proc, db, asked, _ = _delay_crawl(tmp_path, b"User-agent: *\nCrawl-delay: 86400\nAllow: /\n",
                                      "-s", "URL_TIME_LIMIT=6")
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr[-3000:]
    assert asked == ["/robots.txt"], asked
    errors = [(e["stage"], e["url"], e["message"]) for e in db["errors"].rows]
    cut = [e for e in errors if e[0] == "limit" and "URL_TIME_LIMIT (6 s) reached while it waited for its host" in e[2]]
    assert cut and cut[0][1].endswith("/"), errors


def test_a_first_ctrl_c_stops_the_waiting_requests_and_publishes(tmp_path):
    """One SIGINT while the homepage waits out a 60 s Crawl-delay: it is not waited out (never
    asked), the stop is recorded, the run is published and the last line says it was stopped."""
    proc, db, asked, _ = _delay_crawl(tmp_path, b"User-agent: *\nCrawl-delay: 86400\nAllow: /\n",
                                      interrupt_when_asked="/robots.txt")
    assert "Traceback" not in proc.stderr and proc.returncode == 1, proc.stderr[-3000:]
    assert asked == ["/robots.txt"], asked
    last = proc.stderr.strip().splitlines()[-1]
    assert last == "crawl did not finish (shutdown); the next run resumes", last
    (run,) = db["crawl_runs"].rows  # published: the archive is not empty
    errors = [(e["stage"], e["message"]) for e in db["errors"].rows]
    assert [m for s, m in errors if s == "limit" and m.startswith("the crawl was stopped: ")], errors
