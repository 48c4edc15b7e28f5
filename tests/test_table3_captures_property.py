"""Property: table 3 read by the format whatever the capture does to it — counts typed in
Chinese numerals (三, 十四, 一百零五), a column of percentages the format does not have after
总计 (占比, 同比增减), the table printed transposed (one row per applicant column, in any
order, under their names). Random consistent reports (tests/test_glued_property.py) in these
HTML renderings: never a wrong cell, and tables 3 and 4 are read.
"""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import extract_bytes, formats
from extract.grid import Text, Where
from extract.values import chinese_count, parse_cell

from .layouts import parts, show, to_html
from .test_corpus import compare
from .test_glued_property import reports

DIGITS = "〇一二三四五六七八九"


def spelled(n: int) -> str:
    """n (< 10,000) as a clerk types it in Chinese numerals: 十四, 一百零五, 二千〇三十."""
    if n < 10:
        return DIGITS[n]
    out, zero = "", False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, unit)
        if digit:
            out += ("〇" if zero and out else "") + ("" if (name == "十" and digit == 1 and not out) else DIGITS[digit]) + name
            zero = False
        else:
            zero = True
    return out


def test_chinese_counts_read_as_numbers():
    for n in range(10_000):
        assert chinese_count(spelled(n)) == n, spelled(n)
    cell = Where("html", 1, 3, 4)  # a cell a table printed as a cell
    assert parse_cell(Text("十四件", cell)).value == 14
    for not_a_count in ("万元", "二〇", "十〇", "千"):
        assert parse_cell(Text(not_a_count, cell)).value is None
    # a word placed by position (an unruled PDF's (五)不予处理 cut apart) stays a word
    assert parse_cell(Text("五", Where("pdf-layout", None, 3, 2))).value is None


def _numerals(tables, rnd):
    return [tables[0]] + [[[(spelled(int(t)) if t.isdigit() and int(t) < 10_000 and rnd.random() < 0.5 else t, rs, cs)
                            for t, rs, cs in row] for row in table] for table in tables[1:]]


def _percent_column(tables, rnd):
    t3 = [tables[1][0] + [(rnd.choice(["占比", "同比增减"]), 2, 1)], tables[1][1]]
    t3 += [row + [(f"{rnd.choice(['', '+', '-'])}{rnd.randint(0, 100)}%", 1, 1)] for row in tables[1][2:]]
    return [tables[0], t3, tables[2]]


def _transposed(tables, rnd, report):
    apps = report["applications"]
    rows = [r for r in formats.application_rows(report["format"]) if r["key"] in apps]
    cols = list(formats.spec()["application_columns"])
    rnd.shuffle(cols)
    head = [("申请人情况", 1, 1)] + [(r["zh"], 1, 1) for r in rows]
    body = [[(c["zh"], 1, 1)] + [(show(apps[r["key"]].get(c["key"])), 1, 1) for r in rows] for c in cols]
    return [tables[0], [head] + body, tables[2]]


RENDER = {"chinese-numerals": lambda t, rnd, r: _numerals(t, rnd),
          "percent-column": lambda t, rnd, r: _percent_column(t, rnd),
          "transposed": _transposed}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.sampled_from(sorted(RENDER)), st.integers(0, 10_000))
def test_table3_captures_are_never_wrong(report, rendering, seed):
    tables = RENDER[rendering](parts(report)["tables"], random.Random(seed), report)
    got = extract_bytes(to_html(report, tables).encode("utf-8"), "generated.html")
    exact, undetermined, wrong = compare(report, got, ("applications", "review_litigation"))
    assert not wrong, (rendering, seed, wrong)
    assert exact >= 0.95 * (exact + undetermined), (rendering, seed, exact, undetermined, got["errors"][:3])
