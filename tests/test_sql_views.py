"""SQL without Datasette (docs/sql.md): search from sqlite3 and `python -m archive.search`,
a report's whole text, where its figures came from, table 2's labels and units, the rows to
count, one meaning of blank, organs' levels — on the replica crawled (the `archive` fixture),
and an archive from before these upgraded on open."""
import shutil
import sqlite3
import subprocess
import sys

from archive.schema import open_archive

from .servers import ROOT


def _q(archive, sql, *args):
    return archive["db"].execute(sql, args).fetchall()


def test_search_from_sqlite3_and_the_command(archive):
    # a plain MATCH finds nothing (the index holds bigrams); the phrase of bigrams does
    assert _q(archive, "select count(*) from reports_fts where reports_fts match '行政复议'") == [(0,)]
    phrase = {r for (r,) in _q(archive, "select rowid from reports_fts where reports_fts match '\"行政 政复 复议\"'")}
    like = {r for (r,) in _q(archive, "select report_id from report_text where full_text like '%行政复议%'")}
    assert phrase == like and len(phrase) >= 5
    run = subprocess.run([sys.executable, "-m", "archive.search", str(archive["path"]), "行政复议"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "-- in sqlite3: select rowid from reports_fts where reports_fts match '\"行政 政复 复议\"'"
    assert lines[-1] == f"{len(phrase)} reports"
    huaian = next(i for i, line in enumerate(lines) if "淮安市人民政府 2024" in line)
    assert "行政复议" in lines[huaian + 1]  # the sentence, read from the PDF
    assert any("[removed]" in line for line in lines)  # a removed report says so


def test_a_pdf_reports_text_and_layout(archive):
    # 淮安's page has a few lines; its report is the PDF attachment
    (body_hit,) = _q(archive, "select count(*) from reports where body_text like '%全年新增公开市政府规章%'")[0]
    hits = _q(archive, "select organ, report_year from report_text where full_text like '%全年新增公开市政府规章%'")
    assert body_hit == 0 and hits == [("淮安市人民政府", 2024)]
    layout, figures_from, url = _q(archive, "select layout, figures_from, final_url from reports "
                                            "where organ = '淮安市人民政府'")[0]
    assert figures_from.endswith(".pdf") and figures_from != url and layout.startswith("pdf")


def test_table_2_labels_and_units(archive):
    keys = dict(((k, f), (zh, en, unit)) for k, f, zh, en, unit in _q(
        archive, "select key, format, label_zh, label_en, unit from active_disclosure_keys"))
    assert len([k for k in keys if k[1] == "2021"]) == 10 and len([k for k in keys if k[1] == "2019"]) == 22
    assert all(zh and en for zh, en, _ in keys.values())
    assert keys[("procurement_amount", "2019")] == ("政府集中采购 · 采购总金额", "central procurement: total amount", "万元")
    # 采购总金额 printed in 元: stored in 万元, the cell as printed kept
    assert _q(archive, "select value, unit, raw, label_zh from active_disclosure_labelled "
                       "where key = 'procurement_amount'") == [(7539.443252, "万元", "75394432.52元", "政府集中采购 · 采购总金额")]
    assert {u for (u,) in _q(archive, "select distinct unit from active_disclosure where key like 'fees_10k%'")} == {"万元"}


def test_the_rows_to_count(archive):
    removed = {r for (r,) in _q(archive, "select id from reports where status = 'removed'")}
    current = {r for (r,) in _q(archive, "select id from current_reports")}
    assert removed and not removed & current
    assert current == {r for (r,) in _q(archive, "select report_id from current_summary")}
    assert current | removed == {r for (r,) in _q(archive, "select id from reports")}  # no duplicate in the replica


def test_one_meaning_of_blank_and_levels(archive):
    # 平潭 2018: 「2018年未收到有关政府信息公开申请」 — 0 requests, stated, not a blank
    assert _q(archive, "select new_received, review_total, lawsuits_total from report_summary "
                       "where organ = '平潭综合实验区' and report_year = 2018") == [(0, 0, 0)]
    assert _q(archive, "select value from headline_figures h join reports r on r.id = h.report_id "
                       "where r.report_year = 2018 and key = 'applications_received'") == [(0,)]
    # a district's office on the city portal is county-level, in reports and organs
    assert _q(archive, "select r.level, o.level from reports r join organs o on o.id = r.organ_id "
                       "where r.organ = '南湖区人民政府办公室'") == [("county", "county")]
    assert _q(archive, "select level from reports where organ = '淮安市人民政府'") == [("prefecture",)]


def test_an_archive_from_before_upgrades_on_open(archive, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(archive["path"], old)
    conn = sqlite3.connect(old)
    # as archives were before m008: the portal's level, 元, no whole text, no labels, no views
    conn.execute("delete from _sqlite_migrations where name = 'm008_levels_blanks_units'")
    conn.execute("update reports set level = 'prefecture' where organ = '南湖区人民政府办公室'")
    conn.execute("update active_disclosure set value = 75394432.52, unit = '元' where key = 'procurement_amount'")
    for view in ("active_disclosure_labelled", "report_text", "current_summary", "current_reports", "report_duplicates"):
        conn.execute(f"drop view {view}")
    conn.execute("drop table report_full_text")
    conn.execute("drop table active_disclosure_keys")
    conn.commit()
    conn.close()
    db = open_archive(old)
    assert db.execute("select level from reports where organ = '南湖区人民政府办公室'").fetchall() == [("county",)]
    assert db.execute("select value, unit from active_disclosure where key = 'procurement_amount'").fetchall() == \
        [(7539.443252, "万元")]
    assert db.execute("select count(*) from report_text where full_text like '%全年新增公开市政府规章%'").fetchone() == (1,)
    assert db.execute("select count(*) from active_disclosure_keys").fetchone() == (32,)
