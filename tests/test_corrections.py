"""A report corrected after publication (archive/corrections.py): the （更正版） supersedes the
organ's earlier report of that year — the earlier one kept (`removed`, a `superseded` change
with the cells that differ), not revived when seen again; a 更正说明 is no report; titles in
the spellings organs use. Real SQLite, real extraction of real labelled reports."""
from __future__ import annotations

import copy

import pytest

from archive.corrections import is_corrected, is_correction_notice, supersede_corrected
from archive.ingest import ingest_report
from archive.records import ReportPage
from archive.schema import open_archive

from .conftest import label
from .layouts import to_html

ORGAN = "武义县人民政府"


def _page(url: str, body: str, title: str) -> ReportPage:
    return ReportPage(portal=None, url=url, final_url=url, list_title=title, fetched_at="2024-03-05T00:00:00+00:00",
                      capture_id=None, capture_new=True, status=200, content_type="text/html; charset=utf-8",
                      body=body.encode("utf-8"))


def _report(changed: int = 0, suffix: str = "") -> str:
    lab = copy.deepcopy(label("nanhu-2023"))
    lab["agency"], lab["report_year"] = ORGAN, 2023
    lab["active"]["normative_in_force"] += changed
    return to_html(lab).replace("</h1>", f"{suffix}</h1>", 1)


@pytest.mark.parametrize("order", ["original-first", "corrected-first"])
def test_corrected_report_supersedes_the_original_once(tmp_path, order):
    db = open_archive(tmp_path / "archive.db")
    title = f"{ORGAN}2023年政府信息公开工作年度报告"
    original = _page("http://a.gov.cn/ndbg/t20240120_39.html", _report(), title)
    corrected = _page("http://a.gov.cn/ndbg/t20240305_78.html", _report(1, "（更正版）"), title + "（更正版）")
    pages = [original, corrected] if order == "original-first" else [corrected, original]
    ids = {p.url: ingest_report(db, p, run="r1").report_id for p in pages}
    assert supersede_corrected(db, ids.values(), run="r1") == [ids[original.url]]
    rows = {r["url"]: r for r in db["reports"].rows}
    assert rows[original.url]["status"] == "removed" and rows[corrected.url]["status"] == "current"
    change = next(db["changes"].rows_where("report_id = ?", [ids[original.url]]))
    assert change["kind"] == "superseded" and change["new_url"] == corrected.url
    assert change["cells_changed"] == 1 and "normative_in_force" in change["diff"]
    # the next run sees the original unchanged: it stays superseded, no second change
    assert ingest_report(db, original, run="r2").kind == "unchanged"
    assert db["reports"].get(ids[original.url])["status"] == "removed"
    assert supersede_corrected(db, [ids[corrected.url]], run="r2") == []
    assert db["changes"].count == 1
    assert db.execute("select count(*) from current_reports where organ = ? and report_year = 2023",
                      [ORGAN]).fetchone()[0] == 1


def test_another_years_or_organs_report_is_not_superseded(tmp_path):
    db = open_archive(tmp_path / "archive.db")
    lab = copy.deepcopy(label("zhapu-2023"))
    lab["agency"], lab["report_year"] = ORGAN.replace("人民政府", "教育局"), 2023
    other = _page("http://a.gov.cn/bm/1.html", to_html(lab), None)
    corrected = _page("http://a.gov.cn/ndbg/78.html", _report(1, "（更正版）"), None)
    ids = [ingest_report(db, p).report_id for p in (other, corrected)]
    assert supersede_corrected(db, ids) == []
    assert {r["status"] for r in db["reports"].rows} == {"current"}


@pytest.mark.parametrize("title", ["{o}2023年政府信息公开工作年度报告（更正版）", "{o}2023年政府信息公开工作年度报告(更正版)",
                                   "{o}2023年度政府信息公开工作年度报告【修订版】", "{o}2023年政府信息公开工作年度报告（更正）",
                                   "{o}更正后的2023年政府信息公开工作年度报告", "{o}2023年 政府信息公开工作年度报告 （ 更正稿 ）"])
def test_corrected_titles(title):
    t = title.format(o=ORGAN)
    assert is_corrected(t) and not is_correction_notice(t)


@pytest.mark.parametrize("title", ["关于{o}2023年政府信息公开工作年度报告有关内容的更正说明", "{o}2023年政府信息公开工作年度报告更正说明",
                                   "关于{o}2023年度政府信息公开工作年度报告的勘误说明", "{o}关于2023年政府信息公开年报数据更正的公告"])
def test_correction_notices(title):
    t = title.format(o=ORGAN)
    assert is_correction_notice(t) and not is_corrected(t)


@pytest.mark.parametrize("title", ["{o}2023年政府信息公开工作年度报告", "{o}2022年政府信息公开工作年度报告（附件下载）",
                                   "{o}2023年政府信息公开工作年度报告（2023年）"])
def test_ordinary_titles(title):
    t = title.format(o=ORGAN)
    assert not is_corrected(t) and not is_correction_notice(t)
