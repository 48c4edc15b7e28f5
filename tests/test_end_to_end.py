"""The whole pipeline on the bundled replica: crawls in subprocesses (real Chromium where a
list needs it) → WARC captures → extraction → archive.db; then a re-crawl, and a crawl of
the portals after edits and removals. The fixture `archive` is in conftest.py."""
from __future__ import annotations

import json
import urllib.parse

import pytest

from archive.warc import payload_digest, read_capture
from extract import extract_bytes

from .conftest import ROOT, label
from .servers import PORTALS

MANIFEST = json.loads((ROOT / "replica" / "manifest.json").read_text(encoding="utf-8"))
SITES = [s for s in MANIFEST if s in PORTALS]


def run_rows(archive, n: int) -> dict:
    run = archive["run_ids"][n]
    return {r["portal"]: r for r in archive["db"]["crawl_runs"].rows_where("run = ?", [run])}


def report_by_organ(db, organ: str, year: int) -> dict:
    rows = list(db["reports"].rows_where("organ = ? and report_year = ?", [organ, year]))
    assert len(rows) == 1, f"{organ} {year}: {len(rows)} rows"
    return rows[0]


def table3(db, report_id: int) -> dict:
    out: dict = {}
    for r in db["applications"].rows_where("report_id = ?", [report_id]):
        out.setdefault(r["row_key"], {})[r["column_key"]] = r["value"]
    return out


def site_of(url: str, sites: dict) -> str:
    netloc = urllib.parse.urlsplit(url).netloc
    return next(s for s, base in sites.items() if urllib.parse.urlsplit(base).netloc == netloc)


def test_crawls_succeed_and_a_portal_that_lost_its_reports_is_flagged(archive):
    runs = archive["runs"]
    assert runs["first"].returncode == 0, runs["first"].stderr[-3000:]
    assert runs["again"].returncode == 0, runs["again"].stderr[-3000:]
    # In edition 2 the 沭阳 portal's only report is gone: the run says so and exits 1.
    assert runs["edited"].returncode == 1
    flagged = run_rows(archive, 2)["replica-shuyang"]
    assert flagged["status"] == "no_reports" and "had reports before" in flagged["note"]


def test_finds_every_report_and_no_distractor(archive):
    moved = {(c["site"], c["to"]): (c["site"], c["from"]) for c in MANIFEST["edition2"]["moved"]}
    found = set()
    for r in archive["db"]["reports"].rows:
        key = (site_of(r["url"], archive["sites"]), urllib.parse.urlsplit(r["url"]).path)
        found.add(moved.get(key, key))
    expected = {(site, r["path"]) for site in SITES for r in MANIFEST[site]["reports"]}
    distractors = {(site, d["path"]) for site in SITES for d in MANIFEST[site]["distractors"]}
    assert found == expected
    assert not found & distractors


def test_challenge_page_and_cloned_copy_are_not_reports(archive):
    db = archive["db"]
    challenge = MANIFEST["oldsite"]["challenge"][0]
    assert not list(db["reports"].rows_where("url like ?", [f"%{challenge}"]))
    errors = [e["message"] for e in db["errors"].rows_where("url like ?", [f"%{challenge}"])]
    assert errors and "challenge" in errors[0]
    assert not list(db["captures"].rows_where("url like ?", ["%mirror-copy.example%"]))
    assert not list(db["captures"].rows_where("url like ?", ["%/calendar/%"]))  # the endless calendar
    private = MANIFEST["oldsite"]["robots_disallowed"][0]  # robots.txt is obeyed
    assert not list(db["captures"].rows_where("url like ?", [f"%{private}"]))
    assert "robots.txt" in next(db["errors"].rows_where("url like ?", [f"%{private}"]))["message"]


def test_zhapu_values(archive):
    db = archive["db"]
    report = report_by_organ(db, "浙江乍浦经济开发区（嘉兴港区）", 2023)
    t3 = table3(db, report["id"])
    assert t3["new_received"]["total"] == 37
    assert t3["total_handled"]["total"] == 38
    assert t3["carried_over"]["total"] == 1
    active = {r["key"]: r for r in db["active_disclosure"].rows_where("report_id = ?", [report["id"]])}
    assert active["licensing"]["value"] == 22738
    assert active["fees_10k_yuan"]["value"] == 1341 and active["fees_10k_yuan"]["raw"] == "1341万元"
    assert report["format"] == "2021" and report["check_status"] == "ok"


def test_nanhu_values_before_and_after_the_edit(archive):
    db = archive["db"]
    report = report_by_organ(db, "南湖区人民政府办公室", 2023)
    assert report["published"] == "2024-01-10"
    change = next(db["changes"].rows_where("report_id = ? and kind = 'changed'", [report["id"]]))
    diff = {d["cell"]: (d["old"], d["new"]) for d in json.loads(change["diff"])}
    # First crawl: the table as published (new 18, 不掌握 6, carried forward 2) ...
    assert diff["applications.unable_not_held.total"] == (6, 4)
    assert set(diff) == set(MANIFEST["edition2"]["changed"][0]["cells"])
    # ... and the edited page now in the archive.
    t3 = table3(db, report["id"])
    assert t3["new_received"]["total"] == 18 and t3["carried_forward"]["total"] == 2
    assert t3["unable_not_held"]["total"] == 4
    # The edit broke the table's own sum: (七)总计 16 is no longer the sum of the results.
    r2 = next(db["checks"].rows_where("report_id = ? and rule = 'R2' and scope = 'applications.total'", [report["id"]]))
    assert r2["status"] == "fail" and "16 ≠ 14" in r2["detail"]
    # The first version stays in the WARC.
    old_capture, old_body = read_capture(db, change["old_capture_id"], archive["path"].parent)
    assert extract_bytes(old_body, old_capture["url"])["applications"]["unable_not_held"]["total"] == 6


@pytest.mark.parametrize("organ,name", [
    ("沭阳县发展和改革局", "shuyang-fgj-2023"),
    ("浙江乍浦经济开发区（嘉兴港区）", "zhapu-2023"),
])
def test_tables_as_the_page_shows_them(archive, organ, name):
    db, expected = archive["db"], label(name)
    report = report_by_organ(db, organ, 2023)
    assert table3(db, report["id"]) == expected["applications"]
    active = {r["key"]: r["value"] for r in db["active_disclosure"].rows_where("report_id = ?", [report["id"]])}
    assert active == expected["active"]
    review: dict = {}
    for r in db["review_litigation"].rows_where("report_id = ?", [report["id"]]):
        review.setdefault(r["block"], {})[r["outcome"]] = r["value"]
    assert review == expected["review_litigation"]


def test_gbk_page_is_decoded(archive):
    db = archive["db"]
    report = report_by_organ(db, "平潭综合实验区", 2018)
    assert report["format"] == "pre2019" and "主动公开" in report["body_text"]
    headline = {r["key"]: r["value"] for r in db["headline_figures"].rows_where("report_id = ?", [report["id"]])}
    assert headline == {"applications_received": 0, "review_cases": 0, "suits": 0, "proactive_items": 2069}
    legacy = list(db["legacy_indicators"].rows_where("report_id = ? order by position", [report["id"]]))
    assert len(legacy) == 15 and (legacy[0]["indicator"], legacy[0]["unit"], legacy[0]["value"]) == ("主动公开文件数", "条", 2069)


def test_attachment_is_captured(archive):
    db = archive["db"]
    report = report_by_organ(db, "淮安市人民政府", 2024)
    attachment = next(db["attachments"].rows_where("report_id = ?", [report["id"]]))
    assert attachment["url"].endswith(".pdf") and attachment["capture_id"]
    capture, body = read_capture(db, attachment["capture_id"], archive["path"].parent)
    assert body.startswith(b"%PDF") and payload_digest(body) == capture["digest"]
    # The page has no tables: the report's figures come from the PDF.
    assert attachment["used_for_figures"] == 1 and report["figures_from"] == attachment["final_url"]
    t3 = table3(db, report["id"])
    assert t3["new_received"]["total"] == 3119 and t3["total_handled"]["total"] == 3050
    assert report["format"] == "2021" and report["check_status"] == "ok"


def test_every_report_has_source_and_capture(archive):
    db = archive["db"]
    for report in db["reports"].rows:
        assert report["url"].startswith("http://127.0.0.1:")
        assert report["final_url"] and report["fetched_at"] and report["capture_id"]
        capture, body = read_capture(db, report["capture_id"], archive["path"].parent)
        assert payload_digest(body) == capture["digest"] == report["content_digest"]
        if report["figures_from"] != report["final_url"]:
            continue  # figures read from an attachment
        again = extract_bytes(body, report["final_url"], capture["content_type"])
        assert again["report_year"] == report["report_year"]
        stored = {(r["row_key"], r["column_key"]): r["value"]
                  for r in db["applications"].rows_where("report_id = ?", [report["id"]])}
        assert stored == {(row, col): v for row, cols in again["applications"].items() for col, v in cols.items()}


def test_browser_reference_at_full_discovery_then_only_where_needed(archive):
    runs, again = run_rows(archive, 0), run_rows(archive, 1)
    # The first crawl is a full discovery: every column is also rendered, as the reference
    # its static routes are checked against.
    assert all(r["browser_renders"] >= 1 for r in runs.values()), {p: r["browser_renders"] for p, r in runs.items()}
    # The re-crawl renders only the script-built list (and the old site's challenge, tried again).
    assert again["replica-zhapu"]["browser_renders"] == 1
    assert all(r["browser_renders"] == 0 for p, r in again.items() if p not in ("replica-zhapu", "replica-pingtan-old")), \
        {p: (r["browser_renders"], r["route"]) for p, r in again.items()}
    statuses = {p: r["status"] for p, r in runs.items()}
    assert statuses.pop("replica-pingtan-old") == "ok_with_errors"  # its challenge page
    assert set(statuses.values()) == {"ok"}, statuses


def test_second_crawl_downloads_no_report_again(archive):
    first, again = run_rows(archive, 0), run_rows(archive, 1)
    for portal, row in again.items():
        assert row["reports_new"] == 0 and row["captures_new"] == 0 and row["reports_changed"] == 0
        assert row["reports_unchanged"] == row["reports_found"] == first[portal]["reports_found"]
    # list pages and API answers are asked conditionally too: at most 5% of the first crawl
    assert sum(r["bytes"] for r in again.values()) <= sum(r["bytes"] for r in first.values()) * 0.05
    # The re-run goes straight to the known report columns: far fewer pages.
    assert all(r["discovery"] == "known_columns" for r in again.values())
    assert all(r["discovery"] == "full" for r in first.values())
    assert sum(r["pages"] for r in again.values()) <= sum(r["pages"] for r in first.values()) / 2


def test_edits_and_removals_are_recorded(archive):
    db = archive["db"]
    changes = {(c["kind"], urllib.parse.urlsplit(c["old_url"]).path): c for c in db["changes"].rows}
    for removed in MANIFEST["edition2"]["removed"]:
        change = changes[("removed", removed["path"])]
        assert change["note"] == removed["reason"]
        report = db["reports"].get(change["report_id"])
        assert report["status"] == "removed" and report["capture_id"]  # the archived copy stays
    for moved in MANIFEST["edition2"]["moved"]:
        change = changes[("moved", moved["from"])]
        assert urllib.parse.urlsplit(change["new_url"]).path == moved["to"]
        report = db["reports"].get(change["report_id"])
        assert urllib.parse.urlsplit(report["url"]).path == moved["to"] and report["status"] == "current"
    assert sorted(k for k, _ in changes) == ["changed", "moved", "removed", "removed"]
    edited = run_rows(archive, 2)
    assert edited["replica-jiaxing"]["reports_changed"] == 1
    assert edited["replica-pingtan"]["reports_moved"] == 1
    assert edited["replica-pingtan-old"]["reports_removed"] == 1


def test_cells_carry_their_provenance(archive):
    """Each stored value names its layout and where in the capture it was printed."""
    import sqlite_utils

    db = sqlite_utils.Database(archive["path"])
    rows = list(db.query("""select a.value, a.raw, a.layout, a.location, a.label_match, r.capture_id
        from applications a join reports r on r.id = a.report_id
        where a.row_key = 'new_received' and a.column_key = 'total' and r.title like '%南湖%'"""))
    assert rows and rows[0]["value"] == 18 and rows[0]["raw"] == "18"
    assert rows[0]["layout"] == "html" and rows[0]["location"].startswith("table ")
    assert rows[0]["label_match"] in ("exact", "pattern") and rows[0]["capture_id"]
    assert db.execute("select count(*) from applications where value is not null and location is null").fetchone()[0] == 0
    assert {r["year_source"] for r in db["reports"].rows if r["report_year"]} <= {
        "title", "meta", "metadata block", "statistics period", "body"}


def test_reextract_reproduces_the_derived_rows(archive, tmp_path):
    import shutil
    import subprocess
    import sys

    import sqlite_utils

    copy = tmp_path / "archive.db"
    shutil.copy(archive["path"], copy)
    (tmp_path / "warcs").symlink_to(archive["path"].parent / "warcs")

    def derived(db):
        return {t: sorted(map(tuple, (r.values() for r in db[t].rows)))
                for t in ("applications", "active_disclosure", "review_litigation", "checks")}

    before = derived(sqlite_utils.Database(copy))
    captures_before = sqlite_utils.Database(copy)["captures"].count
    # an archive made before cells carried provenance: reextract brings it to the new reader
    old = sqlite_utils.Database(copy)
    for table in ("applications", "active_disclosure", "review_litigation"):
        old.execute(f"update {table} set layout = null, location = null, label_match = null")
    old.conn.commit()
    old.conn.close()
    proc = subprocess.run([sys.executable, "-m", "archive.reextract", str(copy)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    after_db = sqlite_utils.Database(copy)
    assert derived(after_db) == before
    assert after_db["captures"].count == captures_before


def test_interrupted_crawl_resumes_without_duplicates(tmp_path):
    import signal
    import subprocess
    import time

    import sqlite_utils

    from .servers import BIN, replica, seeds_file

    db_path, state = tmp_path / "archive.db", tmp_path / "state"
    with replica({"trs": 0, "jcms": 0}) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        args = [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db_path}",
                "-s", f"JOBDIR={state}", "-s", "DOWNLOAD_DELAY=0.6", "-s", "AUTOTHROTTLE_ENABLED=False"]
        first = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(2.5)
        first.send_signal(signal.SIGINT)  # like Ctrl-C or a cron job's timeout: a graceful stop
        first.wait(timeout=120)
        second = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    db = sqlite_utils.Database(db_path)
    urls = [r["url"] for r in db["reports"].rows]
    assert len(urls) == len(set(urls)) == 3  # 南湖 2023 and 2022 (jcms) and 平潭 2019 (trs), once each
    digests = [(r["url"], r["digest"]) for r in db["captures"].rows]
    assert len(digests) == len(set(digests))
    assert not state.exists()  # a complete crawl clears its resumable state
    statuses = [r["status"] for r in db["crawl_runs"].rows]
    assert statuses[-2:] == ["ok", "ok"] and set(statuses[:-2]) <= {"interrupted"}


def test_a_change_around_the_report_is_not_a_change_of_the_report(tmp_path):
    """A page whose chrome changes between crawls (a generation time, a counter) is captured
    again, but the report did not change: no `changes` row."""
    import shutil

    import sqlite_utils

    from .servers import crawl, free_port, replica, seeds_file

    root = tmp_path / "sites"
    shutil.copytree(ROOT / "replica" / "sites" / "trs", root / "trs")
    page = root / "trs" / "zwgk" / "zfxxgk" / "zfxxgknb" / "202001" / "t20200120_80576.htm"
    db_path = tmp_path / "archive.db"
    with replica({"trs": free_port()}, root=root) as sites:
        seeds = seeds_file(tmp_path / "seeds.yml", sites)
        assert crawl(seeds, db_path).returncode == 0
        page.write_bytes(page.read_bytes().replace(b"</body>", b"<!-- generated 2026-11-24 05:20 --></body>"))
        assert crawl(seeds, db_path).returncode == 0
    db = sqlite_utils.Database(db_path)
    assert db["changes"].count == 0
    assert len({r["digest"] for r in db["captures"].rows_where("url like ?", ["%t20200120_80576.htm"])}) == 2
    report = next(db["reports"].rows)
    assert report["content_digest"] == next(db["captures"].rows_where(
        "url like ? order by id desc", ["%t20200120_80576.htm"]))["digest"]
