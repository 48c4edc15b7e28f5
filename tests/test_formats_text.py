"""Text renderings: one cell per line, several cells per line, cells glued with no
separator, GBK-encoded files, and the pre-2019 统计表 in each of these forms."""
import re

from extract import extract_bytes, glued
from extract.document import load

from .conftest import FILES, label
from .layouts import spaced
from .test_corpus import compare

NANHU = (FILES / "samples" / "nanhu-2023.txt").read_text(encoding="utf-8")
OLD_PAGE = FILES / "pages" / "pingtan-2018-oldsite.htm"


def test_gbk_text_file():
    got = extract_bytes(NANHU.encode("gb18030"), "nanhu-gbk.txt")
    expected = label("nanhu-2023")
    assert compare(expected, got) == (200, 0, [])
    assert got["agency"] == "南湖区人民政府办公室" and got["errors"] == []


def test_several_cells_per_line_with_notes_and_units():
    text = spaced(NANHU)
    text = text.replace("行政规范性文件  14  2  168", "行政规范性文件  14 （其中修订3件）  2  168")
    text = text.replace("行政事业性收费  0", "行政事业性收费  251000 元")
    assert "行政规范性文件  14 （其中修订3件）" in text
    got = extract_bytes(text.encode("utf-8"), "nanhu-spaced.txt")
    assert got["applications"] == label("nanhu-2023")["applications"]
    assert got["active"]["normative_issued"] == 14 and got["active"]["normative_in_force"] == 168
    assert got["raw"]["active"]["normative_issued"] == "14 （其中修订3件）"
    assert got["notes"] == {"active.normative_issued": "其中修订3件"}
    assert got["active"]["fees_10k_yuan"] == 25.1
    assert got["errors"] == []


# --- glued cells -------------------------------------------------------------------------

def glued_table3(rows: dict) -> str:
    """Table 3 of a text capture that glues each row's cells onto its printed label
    (report_format.yml), every row not given holding 0000000."""
    from extract import formats

    return "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他" + "".join(
        row["zh"].replace("…", "") + rows.get(row["key"], "0000000") for row in formats.application_rows("2021")
        if not row.get("replaces"))


def test_glued_rows_settled_by_the_identities():
    """'100001011' reads 1,0,0,0,0,10,11 or 10,0,0,0,1,0,11 (总计 = the sum either way); R1 and
    R2 over every column leave one reading: granted 10,…,10 plus partially 0,0,0,0,1,0,1."""
    text = glued_table3({"new_received": "100001011", "granted": "100000010", "partially_granted": "0000101",
                         "total_handled": "100001011"})
    result = glued.read_applications(text, "2021")
    new = [c.value for c in result.cells["new_received"].values()]
    assert new == [10, 0, 0, 0, 1, 0, 11]
    assert [c.value for c in result.cells["total_handled"].values()] == [10, 0, 0, 0, 1, 0, 11]
    assert result.cells["new_received"]["total"].raw == "11"
    assert result.cells["new_received"]["total"].where.printed == "100001011"  # provenance: the run
    assert not any("several readings" in e for e in result.errors)


def test_glued_rows_with_two_readings_stay_undetermined():
    """The same digits in every row: both readings satisfy R1–R3, so neither is chosen."""
    text = glued_table3({"new_received": "100001011", "granted": "100001011", "total_handled": "100001011"})
    result = glued.read_applications(text, "2021")
    for key in ("new_received", "granted", "total_handled"):
        assert all(c.value is None for c in result.cells[key].values())
    assert any("several readings the identities do not settle" in e for e in result.errors)
    assert result.cells["carried_over"]["total"].value == 0  # rows with one reading are read


def test_glued_row_whose_total_is_not_the_sum_is_undetermined():
    text = glued_table3({"new_received": "3000004", "total_handled": "3000003", "granted": "3000003"})
    result = glued.read_applications(text, "2021")
    assert all(c.value is None for c in result.cells["new_received"].values())
    assert any("no reading where 总计 = the sum" in e for e in result.errors)


def test_glued_review_table():
    result = glued.read_review("行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计" + "10203" + "1200012" + "00000")
    assert [c.value for c in result.cells["review"].values()] == [1, 0, 2, 0, 3]
    assert [c.value for c in result.cells["suit_direct"].values()] == [12, 0, 0, 0, 12]


def test_real_glued_captures():
    """平潭 2021 and 2019: every table-3 and table-4 cell decoded; table 2 has no identity,
    so only its rows with a single possible split are read."""
    for name in ("pingtan-2021", "pingtan-2019"):
        got = extract_bytes((FILES / "samples" / f"{name}.txt").read_bytes(), f"{name}.txt")
        expected = label(name)
        assert compare(expected, got, ("applications", "review_litigation"))[1:] == (0, [])
        _, undetermined, wrong = compare(expected, got, ("active",))
        assert not wrong and undetermined
        assert all("several readings; undetermined" in e for e in got["errors"])


# --- pre-2019 统计表 -----------------------------------------------------------------------

def old_table_lines() -> list[list[str]]:
    doc = load(OLD_PAGE.read_bytes(), str(OLD_PAGE))
    rows, row = [], []
    for cell in next(s for s in doc.tables if "指标名称" in "".join(c or "" for c in s)):
        if cell is None:
            rows.append(row)
            row = []
        else:
            row.append(cell)
    return rows


def old_report(table_text: str) -> bytes:
    return ("平潭综合实验区2018年度政府信息公开工作年度报告\n"
            "2018年全区主动公开政府信息2069条。\n2018年未收到有关政府信息公开申请。\n"
            "2018年未收到有关政府信息公开行政复议、提起行政诉讼的申请。\n六、政府信息公开情况统计表\n"
            + table_text).encode("utf-8")


def test_statistics_table_one_cell_per_line_and_several_per_line():
    rows = old_table_lines()
    expected = [(r[0], r[1], int(r[2])) for r in rows[1:]]
    for text in ("\n".join(c for r in rows for c in r), "\n".join("  ".join(r) for r in rows)):
        got = extract_bytes(old_report(text), "old.txt")
        assert got["format"] == "pre2019"
        assert [(r["indicator"], r["unit"], r["value"]) for r in got["legacy_indicators"]] == expected
        assert got["headline"] == {"applications_received": 0, "review_cases": 0, "suits": 0, "proactive_items": 2069}
        assert got["errors"] == []


def test_glued_statistics_table():
    rows = old_table_lines()
    text = "".join("".join(r) for r in rows)
    assert text.startswith("指标名称计量单位2018年度历年累计主动公开文件数条206912106")
    got = extract_bytes(old_report(text), "old-glued.txt")
    legacy = {r["indicator"]: r for r in got["legacy_indicators"]}
    assert len(legacy) == 15
    assert legacy["主动公开文件数"]["value"] is None  # 2069|12106 or 20691|2106 …: not guessed
    assert legacy["行政诉讼数"] == {"indicator": "行政诉讼数", "unit": "件", "value": 0, "raw": "行政诉讼数件00"}
    assert sum("undetermined" in e for e in got["errors"]) == 2


def test_gbk_page_statistics_table():
    got = extract_bytes(OLD_PAGE.read_bytes(), "old.htm", "text/html")
    assert got["legacy_indicators"][0] == {"indicator": "主动公开文件数", "unit": "条", "value": 2069,
                                           "raw": "主动公开文件数 | 条 | 2069 | 12106"}
    assert re.search("主动公开", got["body_text"])


def test_report_html_in_a_js_data_file_saved_as_txt():
    """A real case: the portal's data file holding the report's HTML in a string, saved as
    .txt — recognised by its bytes (extract/sniff.py), read as HTML in a script."""
    from extract import extract_bytes
    from tests.conftest import label
    from tests.layouts import to_js_data_txt
    from tests.test_corpus import compare

    got = extract_bytes(to_js_data_txt(label("nanhu-2023")).encode("utf-8"), "data.txt")
    assert got.layout == "html-in-script"
    exact, undetermined, wrong = compare(label("nanhu-2023"), got, ("active", "applications", "review_litigation"))
    assert not wrong and undetermined == 0
def test_a_text_with_stray_bytes_is_read_and_the_bytes_are_named():
    from extract import extract_bytes
    from replica.hostile import stray_byte_text

    report = extract_bytes(stray_byte_text(), "stray.txt", "text/plain")
    assert report.agency == "南湖区人民政府办公室"
    assert report.errors[0].startswith("8 stray byte sequence(s)") and "ff at byte 200" in report.errors[0]
    assert report.applications  # the tables are read all the same
