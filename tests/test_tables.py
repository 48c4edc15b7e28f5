"""Table reading from HTML with real spans and from text renderings."""
import lxml.html

from extract.document import table_stream
from extract.tables import read_applications, read_review

from .conftest import FILES, label
from .layouts import spaced

ROWS_2021 = [
    ("一、本年新收政府信息公开申请数量", None),
    ("二、上年结转政府信息公开申请数量", None),
    ("（一）予以公开", "三、本年度办理结果"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
]


def html_table(body: str):
    return lxml.html.fragment_fromstring(f"<table>{body}</table>")


def test_spanned_html_rows_and_blank_cells():
    table = html_table("""
      <tr><td rowspan=3 colspan=3>申请人情况</td><td rowspan=2>自然人</td><td colspan=5>法人或其他组织</td><td rowspan=2>总计</td></tr>
      <tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
      <tr></tr>
      <tr><td colspan=3>一、本年新收政府信息公开申请数量</td><td>5</td><td></td><td></td><td>无</td><td></td><td>1</td><td>6</td></tr>
      <tr><td rowspan=20>三、本年度办理结果</td><td colspan=2>（一）予以公开</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>2</td></tr>
      <tr><td rowspan=8>（三）不予公开</td><td>1.属于国家秘密</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
      <tr><td>2.其他法律行政法规禁止公开</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
      <tr><td rowspan=3>（六）其他处理</td><td>1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
      <tr><td>2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
      <tr><td>3.其他</td><td>3</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>3</td></tr>
      <tr><td colspan=2>（七）总计</td><td>6</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
    """)
    result = read_applications(table_stream(table), "2021")
    new = {k: c.value for k, c in result.cells["new_received"].items()}
    assert new == {"natural_person": 5, "commercial": None, "research": None, "social_welfare": None,
                   "legal_service": None, "other_org": 1, "total": 6}
    assert result.cells["new_received"]["social_welfare"].raw == "无"
    assert result.cells["denied_state_secret"]["total"].value == 1
    assert result.cells["other_other"]["natural_person"].value == 3
    assert result.cells["total_handled"]["total"].value == 6
    assert any("carried_over not found" in e for e in result.errors)


def test_2019_other_handling_is_one_row():
    stream = ["（六）其他处理", "1", "0", "0", "0", "0", "0", "1", "（七）总计", "1", "0", "0", "0", "0", "0", "1"]
    result = read_applications(stream, "2019")
    assert result.cells["other_total"]["total"].value == 1
    assert "other_other" not in result.cells


def test_short_row_is_undetermined_not_guessed():
    stream = ["一、本年新收政府信息公开申请数量", "18", "0", "18",
              "二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"]
    result = read_applications(stream, "2021")
    assert all(c.value is None for c in result.cells["new_received"].values())
    assert any("new_received: 3 cells" in e for e in result.errors)
    assert result.cells["carried_over"]["total"].value == 0


def test_a_lost_first_label_is_not_the_header_s_total():
    """OCR lost the first row's label: its figures follow the column headers, whose last word
    is 总计 (the column). They are no row's (never （七）总计's), and the real （七）总计 is read."""
    stream = ["申请人情况 然 商业科研 社会公 法律服其 总计", "人 企业 机构 益组织 务机构他",
              "36", "1", "0", "0", "0", "0", "37",
              "二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1",
              "（七）总计", "37", "1", "0", "0", "0", "0", "38"]
    result = read_applications(stream, "2021")
    assert "new_received" not in result.cells
    assert [c.value for c in result.cells["total_handled"].values()] == [37, 1, 0, 0, 0, 0, 38]
    assert any("unknown label" in e for e in result.errors)


def test_review_table_in_printed_order():
    stream = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] + \
        [str(n) for n in range(15)]
    result = read_review(stream)
    assert result.cells["review"]["upheld"].value == 0
    assert result.cells["suit_direct"]["upheld"].value == 5
    assert result.cells["suit_after_review"]["total"].value == 14


def test_text_rendering_with_several_cells_per_line():
    from extract import extract_bytes

    text = (FILES / "samples" / "nanhu-2023.txt").read_text(encoding="utf-8")
    out = spaced(text).split("\n")  # one table row per line, cells separated by spaces
    assert any("本年新收政府信息公开申请数量  18  0" in l for l in out)
    result = extract_bytes("\n".join(out).encode("utf-8"), "nanhu-spaced.txt")
    assert result["applications"] == label("nanhu-2023")["applications"]
    assert result["review_litigation"] == label("nanhu-2023")["review_litigation"]
