"""Property tests (hypothesis) of the readers: number parsing, HTML and text tables, the
glued decoder and the PDF path. The suite runs few examples each (profile `default`,
tests/conftest.py); `make fuzz` runs the same tests with many more (profile `fuzz`)."""
import copy
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import extract_bytes
from extract.glued import is_glued, read_applications
from extract.validate import validate
from extract.values import classify, parse_cell
from replica import hostile, tables

from .conftest import FILES, label

FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")
CELL_TEXT = st.one_of(
    st.integers(0, 10**7).map(str),
    st.sampled_from(["", "无", "/", "—", "不适用", "N/A", "约10件", "1e309", "-0", "详见附件", "#REF!", "1,2,3",
                     "22（其中修订16件）", "1341万元", "\u3000", "0.5"]),
    st.text(max_size=12),
)
slow = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None)


def leaves(section: dict):
    for value in section.values():
        if isinstance(value, dict):
            yield from leaves(value)
        else:
            yield value


# --- numbers ------------------------------------------------------------------------------

@given(st.text())
def test_any_cell_text_gives_a_number_or_null(text):
    cell = parse_cell(text)
    assert cell.value is None or isinstance(cell.value, (int, float))
    assert classify(text) in ("number", "null", "text")
    if cell.value is not None:
        assert classify(text) == "number"


@given(st.integers(0, 10**12), st.booleans(), st.booleans())
def test_counts_read_back_however_printed(n, commas, full_width):
    text = f"{n:,}" if commas else str(n)
    if full_width:
        text = text.translate(FULL_WIDTH)
    assert parse_cell(f" {text}\xa0").value == n


# --- HTML tables --------------------------------------------------------------------------

def report_page(lab: dict) -> bytes:
    title = f"{lab['agency']}2023年政府信息公开工作年度报告"
    body = "".join([
        f"<p>{title}</p><p>一、总体情况</p><p>本机关依法公开政府信息。</p>",
        "<p>二、主动公开政府信息情况</p>", tables.active_2021(lab["active"], {}),
        "<p>三、收到和处理政府信息公开申请情况</p>", tables.applications(lab["applications"], "2021", {}),
        "<p>四、政府信息公开行政复议、行政诉讼情况</p>", tables.review(lab["review_litigation"]),
        "<p>五、存在的主要问题及改进情况</p><p>无。</p>"])
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><div id="zoom">'
            f"{body}</div></body></html>").encode("utf-8")


@slow
@given(st.randoms(use_true_random=False), st.floats(0, 0.3))
def test_generated_report_tables_read_back_exactly(rnd, blank_share):
    """Any figures (some cells blank) printed in the national tables are read back as printed."""
    lab = copy.deepcopy(label("nanhu-2023"))
    for section in ("applications", "review_litigation"):
        for row in lab[section].values():
            for key in row:
                row[key] = None if rnd.random() < blank_share else rnd.randrange(0, 5000)
    for key in lab["active"]:
        lab["active"][key] = rnd.randrange(0, 100000)
    got = extract_bytes(report_page(lab), "r.html", "text/html; charset=utf-8")
    assert got["applications"] == lab["applications"]
    assert got["review_litigation"] == lab["review_litigation"]
    assert got["active"] == lab["active"]


@slow
@given(st.lists(st.lists(CELL_TEXT, min_size=1, max_size=9), min_size=1, max_size=30))
def test_tables_of_anything_never_invent_numbers(rows):
    """A table of arbitrary cells under the report's headings: no exception, a valid record,
    and every number it reads is printed in some cell."""
    html = "".join("<tr>" + "".join(f"<td>{c.replace('<', '')}</td>" for c in row) + "</tr>" for row in rows)
    page = (f"<html><head><meta charset='utf-8'><title>{hostile.TITLE}</title></head><body><div id='zoom'>"
            f"<p>三、收到和处理政府信息公开申请情况</p><table><tr><td>本年新收政府信息公开申请数量</td>"
            f"<td>自然人</td></tr>{html}</table></div></body></html>")
    got = validate(extract_bytes(page.encode("utf-8"), "t.html", "text/html"))
    printed = {parse_cell(c).value for row in rows for c in row} | {parse_cell(c, decimal=True).value for row in rows for c in row}
    for section in ("active", "applications", "review_litigation"):
        for value in leaves(got[section]):
            assert value is None or value in printed or isinstance(value, str)


# --- text renderings ----------------------------------------------------------------------

@slow
@given(st.lists(st.one_of(CELL_TEXT, st.sampled_from(["三、收到和处理政府信息公开申请情况", "四、行政复议",
                                                    "本年新收政府信息公开申请数量", "（七）总计", "五、"])),
                max_size=60))
def test_text_renderings_of_anything(lines):
    text = "\n".join([hostile.TITLE] + lines)
    got = validate(extract_bytes(text.encode("utf-8"), "t.txt", "text/plain"))
    assert isinstance(got["errors"], list)


# --- the glued decoder --------------------------------------------------------------------

PINGTAN_2021 = (FILES / "samples" / "pingtan-2021.txt").read_text(encoding="utf-8")


def glued_run(rnd) -> str:
    """A row's seven cells glued: six applicant columns and their 总计 (or, sometimes, any digits)."""
    if rnd.random() < 0.3:
        return "".join(rnd.choice("0123456789") for _ in range(rnd.randint(5, 14)))
    six = [rnd.choice([0, 0, 0, rnd.randrange(1, 10), rnd.randrange(10, 300)]) for _ in range(6)]
    return "".join(map(str, six + [sum(six)]))


@slow
@given(st.randoms(use_true_random=False))
def test_glued_decoder_never_guesses(rnd):
    """The real glued capture with each row of table 3 replaced by another glued row:
    whatever the decoder accepts satisfies the identity it decodes by (总计 = the six
    applicant columns); every other row is left null with an error, never guessed."""
    start = PINGTAN_2021.find("三、收到和处理政府信息公开申请情况")
    end = PINGTAN_2021.find("四、", start)
    table = re.sub(r"\d{5,}", lambda m: glued_run(rnd), PINGTAN_2021[start:end])
    result = read_applications(table, "2021")
    for key, cells in result.cells.items():
        values = {c: cell.value for c, cell in cells.items()}
        if None not in values.values() and len(values) == 7:
            assert values["total"] == sum(v for c, v in values.items() if c != "total"), (key, values)
        else:
            assert result.errors, key


def test_the_real_glued_capture_is_glued():
    assert is_glued(PINGTAN_2021)


# --- PDF ----------------------------------------------------------------------------------

def small_pdf(lines: list[str]) -> bytes:
    text = " ".join(f"({line}) Tj T*" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 72 720 Td {text} ET".encode("latin-1", "replace")
    return hostile._pdf({
        1: b"<</Type/Catalog/Pages 2 0 R>>", 2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        4: b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"})


@slow
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), max_size=20), st.floats(0.05, 1))
def test_damaged_pdfs_give_an_error_not_an_exception(flips, keep):
    data = bytearray(small_pdf([f"line {i} 2023 report" for i in range(30)]))
    for where, byte in flips:
        data[int(where * (len(data) - 1))] = byte
    data = bytes(data[: max(1, int(len(data) * keep))])
    got = extract_bytes(data, "d.pdf", "application/pdf")
    assert got["errors"] and json.dumps(got.as_dict(), ensure_ascii=False)


@settings(slow, max_examples=max(3, settings.default.max_examples // 8))  # ~1 s each
@given(st.randoms(use_true_random=False))
def test_real_pdf_cut_anywhere(rnd):
    real = (FILES / "samples" / "huaian-2024.pdf").read_bytes()
    got = extract_bytes(real[: rnd.randrange(1, len(real))], "cut.pdf", "application/pdf")
    assert isinstance(got["errors"], list)
