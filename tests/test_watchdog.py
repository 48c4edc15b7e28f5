"""The watchdog, crawled for real: a hostile portal that would hold the crawl is cut off at
PORTAL_TIME_LIMIT and recorded `incomplete` with the reason, while another portal of the
same crawl finishes and the archive is published."""
import time

import sqlite_utils

from .servers import crawl, free_port, replica, seeds_file


def test_a_portal_holding_the_crawl_is_cut_off_and_the_others_are_published(tmp_path):
    with replica({"hostile": free_port(), "trs": free_port()}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        started = time.monotonic()
        proc = crawl(seeds, tmp_path / "archive.db", "-s", "PORTAL_TIME_LIMIT=12", "-s", "DOWNLOAD_TIMEOUT=5",
                     "-s", "RETRY_BACKOFF_BASE=0.2", "-s", "PORTAL_PAGE_BUDGET=100000")
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
