"""report_summary is a table kept in step with the rows it is computed from (triggers), and
R5 (carry-over between consecutive years) is checked across the archive in SQL after a crawl;
the canned queries read both. Real figures: the 平潭 2021 report (tests/files/samples)."""
from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from archive.schema import open_archive, summary_select
from archive.store import DERIVED, cross_year_checks, save_portal, save_report
from extract import extract_file

FILES = Path(__file__).parent / "files" / "samples"
ROOT = Path(__file__).resolve().parent.parent
PORTAL = {"id": "pingtan", "name": "平潭综合实验区", "region": "福建省平潭综合实验区", "level": "county",
          "url": "http://127.0.0.1/pingtan/", "allowed_hosts": []}


@pytest.fixture(scope="module")
def pingtan_2021() -> dict:
    return extract_file(FILES / "pingtan-2021.txt").as_dict()


def summary_rows(db) -> list[dict]:
    return [dict(r) for r in db.query("select * from report_summary order by report_id")]


def computed_rows(db) -> list[dict]:
    return [dict(r) for r in db.query(summary_select("1 = 1") + " order by r.id")]


def save(db, result: dict, year: int, url: str, **changes) -> int:
    result = copy.deepcopy(result)
    result.update(report_year=year, **changes)
    return save_report(db, result, url=url, portal=PORTAL["id"], fetched_at=f"{year + 1}-02-01T00:00:00Z")[0]


def test_summary_follows_reports_totals_and_organs(tmp_path, pingtan_2021):
    db = open_archive(tmp_path / "archive.db")
    save_portal(db, PORTAL)
    first = save(db, pingtan_2021, 2021, "http://127.0.0.1/pingtan/2021.html", published="2022-04-15")
    row = summary_rows(db)[0]
    assert (row["organ"], row["report_year"], row["new_received"]) == ("平潭综合实验区", 2021, 70)
    assert (row["deadline"], row["days_late"]) == ("2022-03-31", 15)  # a government: 31 March
    assert summary_rows(db) == computed_rows(db)

    # the organ's kind changes (rules file edited): deadline and lateness follow
    db.execute("update organs set kind = 'department' where id = ?", [row["organ_id"]])
    row = summary_rows(db)[0]
    assert (row["organ_kind"], row["deadline"], row["days_late"]) == ("department", "2022-01-31", 74)
    # the report is extracted again with other figures; then a second report arrives
    save(db, pingtan_2021, 2021, "http://127.0.0.1/pingtan/2021.html",
         applications={**pingtan_2021["applications"], "new_received": {"total": 7}})
    second = save(db, pingtan_2021, 2022, "http://127.0.0.1/pingtan/2022.html")
    assert [r["new_received"] for r in summary_rows(db)] == [7, 70]
    db.execute("update reports set status = 'removed' where id = ?", [second])
    assert summary_rows(db) == computed_rows(db)
    for table in DERIVED:  # report_totals among them
        db.execute(f"delete from [{table}] where report_id = ?", [first])
    db.execute("delete from reports where id = ?", [first])
    assert [r["report_id"] for r in summary_rows(db)] == [second] and summary_rows(db) == computed_rows(db)


def test_an_archive_with_the_old_view_is_migrated(tmp_path, pingtan_2021):
    path = tmp_path / "archive.db"
    db = open_archive(path)
    save_portal(db, PORTAL)
    save(db, pingtan_2021, 2021, "http://127.0.0.1/pingtan/2021.html")
    # as archives before m007 had it: report_summary a view, no triggers
    for (name,) in db.execute("select name from sqlite_master where type = 'trigger'").fetchall():
        db.execute(f"drop trigger [{name}]")
    db.execute("drop table report_summary")
    db.execute(f"create view report_summary as {summary_select('1 = 1')}")
    db.execute("delete from _sqlite_migrations where name = 'm007_report_summary_table'")
    db.conn.commit()
    db.close()
    db = open_archive(path)
    assert "report_summary" in db.table_names() and "report_summary" not in db.view_names()
    assert [r["new_received"] for r in summary_rows(db)] == [70]


def carryover(db) -> list[dict]:
    sql = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))[
        "databases"]["*"]["queries"]["carryover_mismatches"]["sql"]
    return [dict(r) for r in db.query(sql)]


def test_r5_compares_consecutive_years_of_one_organ(tmp_path, pingtan_2021):
    db = open_archive(tmp_path / "archive.db")
    save_portal(db, PORTAL)
    apps = pingtan_2021["applications"]
    forward = dict(apps["carried_forward"])
    save(db, pingtan_2021, 2021, "http://127.0.0.1/pingtan/2021.html")
    # 2022: carried_over equals 2021's carried_forward in every column but one
    over = {**forward, "total": (forward["total"] or 0) + 1}
    later = save(db, pingtan_2021, 2022, "http://127.0.0.1/pingtan/2022.html",
                 applications={**apps, "carried_over": over})
    assert cross_year_checks(db) == 7  # one pair, seven columns
    results = {r["scope"]: r["status"] for r in db.query("select * from checks where rule = 'R5'")}
    assert results["applications.total"] == "fail"
    assert all(s in ("pass", "not_assessable") for k, s in results.items() if k != "applications.total")
    assert db["reports"].get(later)["check_status"] == "has_failures"
    rows = carryover(db)
    assert rows[0]["r5"] == "fail" and rows[0]["column_key"] == "total"
    assert (rows[0]["last_year_carried_forward"], rows[0]["this_year_carried_over"]) == (
        forward["total"], forward["total"] + 1)
    assert (rows[0]["previous_year"], rows[0]["year"]) == (2021, 2022)
    # fixed at the source and crawled again: R5 passes, the report's status follows
    save(db, pingtan_2021, 2022, "http://127.0.0.1/pingtan/2022.html", applications={**apps, "carried_over": forward})
    cross_year_checks(db)
    assert "fail" not in {r["r5"] for r in carryover(db)}
    assert db["reports"].get(later)["check_status"] != "has_failures"


def in_force(db) -> list[dict]:
    sql = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))[
        "databases"]["*"]["queries"]["in_force_mismatches"]["sql"]
    return [dict(r) for r in db.query(sql)]


def test_r8_in_force_follows_last_year_plus_issued_minus_repealed(tmp_path, pingtan_2021):
    db = open_archive(tmp_path / "archive.db")
    save_portal(db, PORTAL)
    # 平潭 2021 prints 规章 0/0/0 and leaves 规范性文件 blank: the blank row given figures here
    active = {**pingtan_2021["active"], "normative_issued": 3, "normative_repealed": 1, "normative_in_force": 12}
    save(db, pingtan_2021, 2021, "http://127.0.0.1/pingtan/2021.html", active=active)
    cross_year_checks(db)
    assert not list(db.query("select * from checks where rule = 'R8'"))  # no 2020: nothing to compare
    # 2022: 规章 follows (in force + 2 issued − 1 repealed); 规范性文件 in force one too many
    nxt = {**active, "regulations_issued": 2, "regulations_repealed": 1,
           "regulations_in_force": active["regulations_in_force"] + 1,
           "normative_issued": 0, "normative_repealed": 0, "normative_in_force": active["normative_in_force"] + 1}
    later = save(db, pingtan_2021, 2022, "http://127.0.0.1/pingtan/2022.html", active=nxt)
    cross_year_checks(db)
    results = {r["scope"]: r["status"] for r in db.query("select * from checks where rule = 'R8'")}
    assert results == {"active.regulations_in_force": "pass", "active.normative_in_force": "fail"}
    assert db["reports"].get(later)["check_status"] == "has_failures"
    rows = in_force(db)
    assert rows[0]["r8"] == "fail" and rows[0]["row"] == "normative"
    assert (rows[0]["last_year_in_force"], rows[0]["issued"], rows[0]["repealed"], rows[0]["in_force"]) == (
        active["normative_in_force"], 0, 0, active["normative_in_force"] + 1)
    # a blank cell: not assessable, never computed with 0
    save(db, pingtan_2021, 2022, "http://127.0.0.1/pingtan/2022.html", active={**nxt, "normative_repealed": None})
    cross_year_checks(db)
    results = {r["scope"]: r["status"] for r in db.query("select * from checks where rule = 'R8'")}
    assert results["active.normative_in_force"] == "not_assessable"
