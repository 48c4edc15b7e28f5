"""Invisible characters pasted into titles and organ names (extract/visible.py): the names
match as a person reads them, wherever they are read."""
from __future__ import annotations

import itertools

import pytest

from crawler import discover
from extract.report import extract_bytes, organ_and_year
from extract.visible import organ_name, visible

ORGAN = "上虞区人民政府"
INVISIBLE = {"zwsp": "\u200b", "zwnj": "\u200c", "zwj": "\u200d", "word-joiner": "\u2060", "bom": "\ufeff",
             "lrm": "\u200e", "rlm": "\u200f", "rlo": "\u202e", "pdf": "\u202c", "rli": "\u2067", "pdi": "\u2069",
             "alm": "\u061c", "backspace": "\x08", "nul": "\x00", "unit-sep": "\x1f", "del": "\x7f",
             "c1": "\x85", "soft-hyphen": "\xad"}
SPACES = {"ideographic": "\u3000", "nbsp": "\xa0", "thin": "\u2009", "tab": "\t"}


def _spellings():
    """The organ with each invisible character at the start, inside and at the end, and two at once."""
    for (name, char), at in itertools.product(INVISIBLE.items(), (0, 2, len(ORGAN))):
        yield f"{name}@{at}", ORGAN[:at] + char + ORGAN[at:]
    for (a, x), (b, y) in itertools.combinations(list(INVISIBLE.items())[:6], 2):
        yield f"{a}+{b}", x + ORGAN[:3] + y + ORGAN[3:]
    for name, char in SPACES.items():
        yield f"space-{name}", ORGAN[:3] + char + ORGAN[3:] + char


SPELLINGS = list(_spellings())


@pytest.mark.parametrize("dirty", [s for _, s in SPELLINGS], ids=[n for n, _ in SPELLINGS])
def test_organ_names_match_as_read(dirty):
    assert organ_name(dirty) == ORGAN
    assert organ_and_year(f"{dirty}2023年政府信息公开工作年度报告") == (ORGAN, 2023)
    label = discover.links(f'<a href="/a.html">{dirty}2023年政府信息公开工作年度报告</a>', "http://h/")[0][1]
    assert label == f"{ORGAN}2023年政府信息公开工作年度报告" and discover.is_report_link(label)


def test_visible_keeps_words_and_their_spaces():
    assert visible(" Annual\u200b report\u00a0 2023 ") == "Annual report 2023"
    assert visible("第一部分\u3000总体情况") == "第一部分 总体情况"
    assert visible(None) == "" and visible("") == ""


def test_a_reports_title_and_organ_are_read_clean_its_capture_raw():
    dirty = "上虞区\u202e人民\u202c政府"
    page = (f"<html><head><title>{dirty}2023年政府信息公开工作年度报告</title></head>"
            f"<body><h1>{dirty}2023年政府信息公开工作年度报告</h1><p>一、总体情况</p></body></html>").encode()
    report = extract_bytes(page, "http://h/a.html", "text/html; charset=utf-8")
    assert report.agency == ORGAN and report.report_year == 2023
    assert "\u202e" not in report.title and report.title.startswith(ORGAN)
    assert "\u202e".encode() in page  # the bytes (what is captured) are not touched
