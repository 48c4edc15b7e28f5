"""Report titles recognised by their words (crawler/rules.yml report_title), over many
generated phrasings organs use, and the series that sit beside the reports kept out
(tests/world/portals4.py series-column, title-variants)."""
from __future__ import annotations

import itertools

import pytest

from crawler import discover

ORGANS = ["武义县人民政府", "南湖区人民政府办公室", "沭阳县发展和改革局", "嘉兴市教育局"]
YEARS = [(2019, "2019"), (2023, "2023"), (2024, "２０２４"), (2023, "二〇二三")]

# {o} organ, {y} year: how organs phrase the report's title
REPORTS = [
    "{o}{y}年政府信息公开工作年度报告",
    "{o}{y}年度政府信息公开工作年度报告",
    "{o}关于{y}年度政府信息公开工作情况的报告",
    "{o}关于{y}年政府信息公开工作情况的报告",
    "{o}{y}年政府信息公开工作情况报告",
    "{o}政府信息公开工作{y}年度报告",
    "{o}政府信息公开{y}年年度报告",
    "{o}政府信息公开年度报告（{y}年）",
    "{o}政府信息公开工作年度报告({y})",
    "{y}年度{o}政府信息公开年报",
    "{o}{y}年度信息公开工作报告",
    "{o}{y}年度政务公开工作年度报告",
    "{o}{y}年政府信息公开工作年度报告（附件下载）",
    "{o}{y} 年 政府信息公开 工作年度报告",
]
# the series beside the reports in one column, and notices about the reports
DISTRACTORS = [
    "{o}{y}年政务公开工作要点",
    "{o}{y}年度部门预算公开",
    "{o}{y}年国民经济和社会发展统计公报",
    "城市建设投资集团有限公司{y}年度报告",
    "{o}{y}年政府网站工作年度报表",
    "{o}{y}年法治政府建设年度报告",
    "{o}{y}年度行政执法统计年报",
    "{o}{y}年政府信息公开工作年度报告解读",
    "{o}{y}年度政府信息公开工作年度报告（征求意见稿）",
    "图解：{o}{y}年度政府信息公开工作年度报告",
    "关于做好{y}年政府信息公开工作年度报告编制工作的通知",
    "关于报送{y}年度政府信息公开工作年度报告的通知",
    "{o}{y}年政府信息公开指南",
]


@pytest.mark.parametrize("fmt", REPORTS)
def test_report_phrasings_are_reports(fmt):
    for organ, (_, year) in itertools.product(ORGANS, YEARS):
        title = fmt.format(o=organ, y=year)
        assert discover.is_report_title(title), title


@pytest.mark.parametrize("fmt", DISTRACTORS)
def test_other_series_are_not_reports(fmt):
    for organ, (_, year) in itertools.product(ORGANS, YEARS):
        title = fmt.format(o=organ, y=year)
        assert not discover.is_report_title(title), title


@pytest.mark.parametrize("fmt", REPORTS)
def test_a_report_title_needs_a_year(fmt):
    title = fmt.format(o="某县人民政府", y="")
    assert not discover.is_report_title(title), title
    assert discover.is_report_title(title, needs_year=False), title
