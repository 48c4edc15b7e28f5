"""The report page's data (publish/report_page.py) on a report described cell by cell: every
failing rule is put in words with its numbers and marks the cells it used."""
import sqlite3

import pytest
import sqlite_utils

from archive.schema import ensure_schema
from extract import formats
from publish import report_page

COLUMNS = formats.application_columns()


def _report(tmp_path, total_cells: dict, review: dict, checks: list[dict]) -> sqlite3.Connection:
    """A 2021-format report whose table 3 total column holds `total_cells` (others blank)."""
    path = tmp_path / "a.db"
    db = sqlite_utils.Database(path)
    ensure_schema(db)
    db["reports"].insert({"id": 1, "organ": "某某区人民政府办公室", "report_year": 2023, "format": "2021",
                          "published": "2024-02-05", "url": "http://x/1", "final_url": "http://x/1", "capture_id": 1})
    db["applications"].insert_all({"report_id": 1, "row_key": row, "column_key": "total", "value": v, "raw": str(v)}
                                  for row, v in total_cells.items())
    db["review_litigation"].insert_all({"report_id": 1, "block": "review", "outcome": o, "value": v, "raw": str(v)}
                                       for o, v in review.items())
    db["checks"].insert_all(dict(c, report_id=1) for c in checks)
    db.conn.close()
    return sqlite3.connect(path)


@pytest.mark.parametrize("new,carried,handled,forward", [(18, 0, 16, 2), (5, 1, 3, 1), (120, 7, 100, 30)])
def test_r1_in_words(tmp_path, new, carried, handled, forward):
    cells = {"new_received": new, "carried_over": carried, "total_handled": handled, "carried_forward": forward}
    conn = _report(tmp_path, cells, {}, [{"rule": "R1", "scope": "applications.total", "status": "fail", "detail": ""}])
    page = report_page.load(conn, 1)
    words = page["failing"][0]["words"]
    assert words == f"一+二 ≠ （七）+四：{new}+{carried} ≠ {handled}+{forward}（总计列）"
    failing = {c["id"] for row in page["applications"] for c in row["cells"] if c["failing"]}
    assert failing == {f"applications.{k}.total" for k in cells}
    assert page["summary"]["deadline"] == "2024-01-31" and page["summary"]["days_late"] == 5


def test_r2_r4_r7_in_words_and_blank_cells_stay_blank(tmp_path):
    cells = {"new_received": 18, "carried_over": 0, "granted": 5, "partially_granted": 4, "unable_not_held": 6,
             "total_handled": 16, "carried_forward": 2}
    review = {"upheld": 1, "corrected": 0, "other": 0, "pending": 0, "total": 2}
    checks = [
        {"rule": "R2", "scope": "applications.total", "status": "fail", "detail": ""},
        {"rule": "R4", "scope": "review_litigation.review", "status": "fail", "detail": ""},
        {"rule": "R7", "scope": "narrative.unable_not_held", "status": "fail",
         "detail": "narrative «本机关不掌握相关政府信息4件» states '不掌握相关政府信息4件' = 4; "
                   "table applications.unable_not_held.total = 6 — they differ"},
    ]
    page = report_page.load(_report(tmp_path, cells, review, checks), 1)
    words = {c["rule"]: c["words"] for c in page["failing"]}
    assert words["R2"] == "（七）总计 ≠ （一）至（六）之和：16 ≠ 15（总计列）"
    assert words["R4"] == "总计 ≠ 维持+纠正+其他+尚未审结：2 ≠ 1+0+0+0（行政复议）"
    assert words["R7"] == "正文 4 ≠ 表格 6"
    assert page["narrative"][0]["stated"] == "4" and page["narrative"][0]["table"] == "6"
    cell = next(c for row in page["applications"] if row["key"] == "unable_not_held" for c in row["cells"]
                if c["id"].endswith(".total"))
    assert cell["value"] == "6" and any(f.startswith("R7") for f in cell["failing"])
    blank = next(c for row in page["applications"] if row["key"] == "new_received" for c in row["cells"]
                 if c["id"].endswith(".natural_person"))
    assert blank["value"] == "" and not blank["failing"]  # never shown as 0


def test_short_labels_follow_the_printed_numbering():
    labels = report_page.short_labels()
    assert (labels["new_received"], labels["carried_over"], labels["total_handled"], labels["carried_forward"]) == \
        ("一", "二", "（七）", "四")
    assert (labels["granted"], labels["denied_state_secret"], labels["denied_process_info"],
            labels["unable_unclear"], labels["other_other"]) == ("（一）", "（三）1", "（三）6", "（四）3", "（六）3")
