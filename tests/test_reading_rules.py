"""The reading rules of issue 9 on real labelled reports, one rule at a time: misprinted row
labels (fuzzy match with a margin), the one-row （六）其他处理 variant of the 2021 table, the
report year from the statistics-period sentence, HTML delivered inside a script or JSON,
a glued negative 本年增/减, full-width digits and thousands separators."""
import json
import re

from extract import extract_bytes, labels

from .conftest import FILES, label
from .layouts import to_html, to_html_in_script, to_several_per_line
from .test_corpus import compare

SECTIONS = ("active", "applications", "review_litigation")
NANHU = (FILES / "samples" / "nanhu-2023.txt").read_text(encoding="utf-8")


def test_misprinted_labels_are_matched_and_recorded():
    """A typo (收→受) and a dropped character (另行→另) still name their row; the cell's
    provenance says it was a fuzzy match and how far."""
    text = NANHU.replace("本年新收政府信息公开申请数量", "本年新受政府信息公开申请数量") \
        .replace("没有现成信息需要另行制作", "没有现成信息需要另制作")
    assert "本年新受" in text and "需要另制作" in text
    got = extract_bytes(text.encode("utf-8"), "nanhu-typos.txt")
    assert got["applications"] == label("nanhu-2023")["applications"]
    new = got.applications["new_received"]["total"]
    assert new.match.startswith("fuzzy:") and "edit distance 1" in new.match
    assert got["provenance"]["applications.unable_needs_creation.total"]["label_match"].startswith("fuzzy:")
    assert got.applications["carried_over"]["total"].match in ("exact", "pattern")


def test_ambiguous_label_is_placed_by_its_neighbours():
    """本年结转… is one edit from 上年结转… and two from 本年新收…: no clear winner for the
    label alone, so the grid reading leaves it; the alignment reading places it where the
    format's order puts it (between 一 and （一）), and its row's identity (R3) vouches."""
    assert labels.fuzzy("二、本年结转政府信息公开申请数量",
                        ["本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量"]) is None
    text = NANHU.replace("上年结转政府信息公开申请数量", "本年结转政府信息公开申请数量")
    got = extract_bytes(text.encode("utf-8"), "nanhu-ambiguous.txt")
    expected = label("nanhu-2023")["applications"]
    assert got["applications"]["carried_over"] == expected["carried_over"]
    assert got["applications"]["new_received"] == expected["new_received"]
    prov = got["provenance"]["applications.carried_over.total"]
    assert prov["reading"] == "alignment" and prov["label_match"].startswith("aligned:")


def test_one_row_other_handling_in_a_2021_table():
    """A local 2021 variant printing （六）其他处理 as one row: stored as other_total, the
    three sub-rows null, and R2 still assessed with it."""
    variant = json.loads(json.dumps(label("nanhu-2023")))
    apps = variant["applications"]
    subs = ("other_no_correction", "other_no_fee", "other_other")
    apps["other_total"] = {c: sum(apps[k][c] for k in subs) for c in apps["total_handled"]}
    for key in subs:
        del apps[key]
    got = extract_bytes(to_html(variant).encode("utf-8"), "variant.html")
    assert got["applications"]["other_total"] == apps["other_total"]
    assert all(got["applications"][k] == dict.fromkeys(apps["total_handled"]) for k in subs)
    r2 = [c for c in got["checks"] if c["rule"] == "R2"]
    assert r2 and all(c["status"] == "pass" and "other_total" in c["cells"] for c in r2)
    assert not [e for e in got["errors"] if "other" in e]


def test_year_from_the_statistics_period_sentence():
    lines = NANHU.splitlines()
    at = next(i for i, line in enumerate(lines) if line.endswith("年度报告"))
    lines[at] = lines[at].replace("2023年度", "")
    assert not re.search(r"20\d\d年", "".join(lines[:at + 3]))
    text = "\n".join(lines[:at + 1] + ["本报告所列数据的统计期限为2023年1月1日至2023年12月31日。"]
                     + [line.replace("2023年", "今年") for line in lines[at + 1:]])
    got = extract_bytes(text.encode("utf-8"), "nanhu-no-year.txt")
    assert got["report_year"] == 2023 and got["year_source"] == "statistics period"
    title = extract_bytes(NANHU.encode("utf-8"), "nanhu.txt")
    assert title["year_source"] == "title"


def test_html_inside_a_javascript_file_and_json():
    page = to_html_in_script(label("nanhu-2023"))
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    got = extract_bytes(script.encode("utf-8"), "content.js", "application/javascript")
    assert got["layout"] == "html-in-script"
    assert compare(label("nanhu-2023"), got, SECTIONS)[1:] == (0, [])
    content = re.search(r"var content = (.*?);document", script, re.S).group(1)
    answer = json.dumps({"code": 0, "data": {"content": json.loads(content)}}, ensure_ascii=True)
    got = extract_bytes(answer.encode("utf-8"), "article.json")
    assert compare(label("nanhu-2023"), got, SECTIONS)[1:] == (0, [])


def test_glued_negative_change_is_read_as_printed():
    """平潭 2019 with 行政事业性收费 printed '48-12' (48 items last year, 12 fewer): never the
    two wrong numbers 4 and 8."""
    text = (FILES / "samples" / "pingtan-2019.txt").read_text(encoding="utf-8")
    assert "行政事业性收费350" in text
    got = extract_bytes(text.replace("行政事业性收费350", "行政事业性收费48-12").encode("utf-8"), "p.txt")
    assert got["active"]["fees_prev"] == 48 and got["active"]["fees_change"] == -12
    assert got.active["fees_change"].where.printed == "48-12"
    r6 = next(c for c in got["checks"] if c["rule"] == "R6")
    assert r6["status"] == "pass"  # a negative 本年增/减 is allowed


def test_full_width_digits_and_thousands_separators():
    huaian = label("huaian-2024")
    text = to_several_per_line(huaian)
    assert "447228" in text
    text = text.replace("447228", "447,228").replace("3985758", "3,985,758")
    text = re.sub(r"(?<=  )3119(?=\s)", "３１１９", text)
    assert "３１１９" in text
    got = extract_bytes(text.encode("utf-8"), "huaian-wide.txt")
    assert compare(huaian, got, SECTIONS)[1:] == (0, [])
    assert got.active["licensing"].raw == "447,228"


def test_a_figure_counts_only_for_the_subject_its_sentence_names():
    """The real bug: a negated sentence about 行政复议 read as '0 applications received'."""
    from extract import narrative

    text = "2017年我局收到1项有关政府信息公开的申请。未收到有关政府信息公开行政复议申请。未发生行政诉讼。"
    figures, _ = narrative.headline(text)
    assert (figures["applications_received"], figures["review_cases"], figures["suits"]) == (1, 0, 0)
    # the 统计表 stating the same figure differently: undetermined, with the reason
    figures, errors = narrative.headline(text, [{"indicator": "受理依申请公开信息总数", "unit": "条", "value": 2}])
    assert figures["applications_received"] is None
    assert any("统计表" in e and "applications_received" in e for e in errors)
    # only the table states it: the table's figure
    figures, _ = narrative.headline("未发生行政诉讼。", [{"indicator": "受理依申请公开信息总数", "unit": "条", "value": 3}])
    assert figures["applications_received"] == 3


def test_text_kind_by_content_whatever_the_name():
    from extract.sniff import text_kind

    html = "<table><tr><td>本年新收</td></tr></table>"
    assert text_kind(b"<!DOCTYPE html><html><body>x</body></html>") == "html"
    assert text_kind(("var pageData = " + json.dumps({"content": html})).encode()) == "script"
    assert text_kind(json.dumps({"data": {"content": html}}).encode()) == "script"
    assert text_kind("| a | b |\n|---|---|\n| 1 | 2 |\n".encode()) == "markdown"
    assert text_kind("一、总体情况\n本年新收政府信息公开申请数量 18 0 0 0 0 0 18\n".encode()) == "text"
