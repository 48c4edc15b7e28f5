"""Datasette on the crawled archive, answering real HTTP requests."""
import urllib.parse

import pytest

from .servers import datasette, get_json


@pytest.fixture(scope="module")
def site(archive):
    with datasette(archive["path"]) as base:
        yield base


def test_datasette_serves_the_same_numbers(site):
    sql = ("select r.organ, a.row_key, a.value from reports r join applications a on a.report_id = r.id "
           "where a.column_key = 'total' and a.row_key in ('new_received', 'total_handled', 'carried_over') "
           "and r.report_year = 2023 order by r.organ, a.row_key")
    rows = get_json(f"{site}/archive.json?" + urllib.parse.urlencode({"sql": sql, "_shape": "array"}))
    got = {(r["organ"], r["row_key"]): r["value"] for r in rows}
    assert got[("浙江乍浦经济开发区（嘉兴港区）", "new_received")] == 37
    assert got[("浙江乍浦经济开发区（嘉兴港区）", "total_handled")] == 38
    assert got[("浙江乍浦经济开发区（嘉兴港区）", "carried_over")] == 1
    assert got[("南湖区人民政府办公室", "new_received")] == 18
    table = get_json(f"{site}/archive/reports.json?_shape=array&" + urllib.parse.urlencode({"organ": "沭阳县发展和改革局"}))
    assert table[0]["report_year"] == 2023 and table[0]["published"] == "2024-01-17"
    meta = get_json(f"{site}/-/metadata.json")
    assert "applications" in meta["databases"]["archive"]["tables"]


@pytest.mark.parametrize("query,organs", [
    ("复议", {"南湖区人民政府办公室", "浙江乍浦经济开发区（嘉兴港区）", "沭阳县发展和改革局", "平潭综合实验区"}),
    ("乍浦", {"浙江乍浦经济开发区（嘉兴港区）"}),
    ("发展和改革局", {"沭阳县发展和改革局"}),
])
def test_chinese_search_of_two_or_more_characters(site, query, organs):
    rows = get_json(f"{site}/archive/reports.json?_shape=array&" + urllib.parse.urlencode({"_search": query}))
    assert {r["organ"] for r in rows} == organs
