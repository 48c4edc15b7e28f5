"""Datasette on the crawled archive, answering real HTTP requests."""
import json
import urllib.error
import urllib.parse
import urllib.request

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
    # 淮安's page is short; 复议 is in its PDF, which is searched as the report's text
    ("复议", {"南湖区人民政府办公室", "南湖区政府办", "浙江乍浦经济开发区（嘉兴港区）", "沭阳县发展和改革局", "平潭综合实验区",
             "淮安市人民政府"}),
    ("乍浦", {"浙江乍浦经济开发区（嘉兴港区）"}),
    ("发展和改革局", {"沭阳县发展和改革局"}),
])
def test_chinese_search_of_two_or_more_characters(site, query, organs):
    rows = get_json(f"{site}/archive/reports.json?_shape=array&" + urllib.parse.urlencode({"_search": query}))
    assert {r["organ"] for r in rows} == organs


def report_id(site, organ, year=None):
    rows = get_json(f"{site}/archive/reports.json?_shape=array&" + urllib.parse.urlencode({"organ": organ}))
    return next(r["id"] for r in rows if year is None or r["report_year"] == year)


def query(site, name, **params):
    params["_shape"] = "array"
    return get_json(f"{site}/archive/{name}.json?" + urllib.parse.urlencode(params))


def test_report_summary_has_the_key_totals(site):
    rows = {(r["organ"], r["report_year"]): r for r in get_json(f"{site}/archive/report_summary.json?_shape=array")}
    zhapu = rows[("浙江乍浦经济开发区（嘉兴港区）", 2023)]
    assert (zhapu["new_received"], zhapu["carried_over"], zhapu["total_handled"], zhapu["carried_forward"]) == (37, 1, 38, 0)
    assert zhapu["fees_10k_yuan"] == 1341 and zhapu["region"] == "浙江省嘉兴市" and zhapu["level"] == "county"
    assert zhapu["archived_copy"].startswith("/-/archived/")
    pingtan = rows[("平潭综合实验区", 2021)]
    assert (pingtan["denied"], pingtan["unable"], pingtan["review_total"], pingtan["lawsuits_total"]) == (8, 25, 3, 12)


def test_every_canned_query_answers_with_the_reports_numbers(site):
    # 沭阳县发展和改革局 (26 requests in 2023) was removed from its portal: kept out of rankings
    ranking = query(site, "requests_ranking", year=2023)
    assert [(r["organ"], r["new_received"]) for r in ranking] == [
        ("浙江乍浦经济开发区（嘉兴港区）", 37), ("南湖区人民政府办公室", 18)]
    refusals = query(site, "refusals_ranking", year=2021)
    assert [(r["organ"], r["denied"], r["total_handled"]) for r in refusals] == [("平潭综合实验区", 8, 69)]
    refusal = query(site, "refusal_rate", year=2021)
    assert refusal[0]["organ"] == "平潭综合实验区" and refusal[0]["refusal_rate_percent"] == round(100 * 8 / 69, 1)
    failing = query(site, "failing_checks")
    assert {(r["organ"], r["rule"], r["in_words"], r["report_id"]) for r in failing} >= {
        ("南湖区人民政府办公室", "R2", "（七）总计 ≠ （一）至（六）之和：16 ≠ 14（总计列）", report_id(site, "南湖区人民政府办公室"))}
    # R5 pairs reports of the 2019 and 2021 formats only: 平潭's 2018 report (the pre-2019 format)
    # has no carried_forward. 南湖 2023's 上年结转 (0) against its 2022 report's (the relabelled
    # replica report, replica/SOURCES.md) 结转下年度 (2): the natural-person and total columns differ
    mismatches = query(site, "carryover_mismatches")
    assert {(r["organ"], r["previous_year"], r["year"]) for r in mismatches} == {("南湖区人民政府办公室", 2022, 2023)}
    assert {(r["column_key"], r["last_year_carried_forward"], r["this_year_carried_over"]) for r in mismatches
            if r["last_year_carried_forward"] != r["this_year_carried_over"]} == {("natural_person", 2, 0), ("total", 2, 0)}
    history = query(site, "organ_history", organ="平潭综合实验区")
    # 2018: the pre-2019 format has no table 3; its text states 0 requests (as its page and the chart show)
    assert [(r["report_year"], r["new_received"], r["received_from"]) for r in history] == [
        (2018, 0, "正文 text"), (2019, 23, "表三 table 3"), (2021, 70, "表三 table 3")]
    assert query(site, "organ_history", organ="平潭") == history  # part of the name is enough
    assert {r["report_year"] for r in query(site, "requests_ranking")} == {2024}  # blank year: the latest
    totals = {r["report_year"]: r for r in query(site, "totals_by_year")}
    assert totals[2023]["new_received"] == 37 + 18 and totals[2021]["total_handled"] == 69  # 沭阳 removed
    # 平潭 2018 (0 requests, stated) is on the old site, which redirects home in edition 2: removed, left out
    assert {r["report_year"] for r in query(site, "totals_by_year", region="福建")} == {2019, 2021}
    changes = {(r["kind"], r["organ"]) for r in query(site, "recent_changes")}
    assert changes == {("changed", "南湖区人民政府办公室"), ("removed", "沭阳县发展和改革局"),
                       ("removed", "平潭综合实验区"), ("moved", "平潭综合实验区")}
    coverage = {r["organ"] for r in query(site, "coverage", year=2023)}
    assert coverage == {"平潭综合实验区", "淮安市人民政府"}
    found = [r["organ"] for r in query(site, "search", q="依申请公开")]
    assert "南湖区人民政府办公室" in found and len(found) >= 3
    assert "沭阳县发展和改革局" not in found  # removed from its portal: not searched by default
    assert query(site, "organ_history", organ="") == [] and query(site, "organ_history", organ="无此机关") == []
    new = query(site, "new_reports")  # every report was first archived by the first crawl
    assert len(new) == 8 and len({r["archived_at"] for r in new}) == 1  # with 南湖 2022 (replica/SOURCES.md)


def test_archived_copy_is_sandboxed(site, archive):
    report = next(archive["db"]["reports"].rows_where("organ = ?", ["南湖区人民政府办公室"]))
    with urllib.request.urlopen(f"{site}/-/archived/{report['capture_id']}/raw") as response:
        assert "sandbox" in response.headers["Content-Security-Policy"]
        assert "南湖区人民政府办公室" in response.read().decode("utf-8")
    with urllib.request.urlopen(f"{site}/-/archived/{report['capture_id']}") as response:
        page = response.read().decode("utf-8")
    assert '<iframe sandbox=""' in page and report["url"] in page


def test_read_only_and_exports(site):
    request = urllib.request.Request(f"{site}/archive/reports/1/-/delete", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(request)
    with urllib.request.urlopen(f"{site}/archive/report_summary.csv") as response:
        assert "organ" in response.read().decode("utf-8").splitlines()[0]
    with urllib.request.urlopen(f"{site}/archive/changes.csv") as response:
        assert response.status == 200


def test_csv_for_excel_starts_with_a_bom(site):
    """?_bom=1: the same CSV with a UTF-8 byte-order mark, streamed or not (Excel reads 中文 right)."""
    with urllib.request.urlopen(f"{site}/archive/report_summary.csv") as response:
        plain = response.read()
    for suffix in ("?_bom=1", "?_bom=1&_stream=on"):
        with urllib.request.urlopen(f"{site}/archive/report_summary.csv{suffix}") as response:
            marked = response.read()
        assert marked.startswith(b"\xef\xbb\xbf") and not plain.startswith(b"\xef\xbb\xbf")
        assert marked[3:].decode("utf-8").splitlines()[0] == plain.decode("utf-8").splitlines()[0]
    assert "南湖区人民政府办公室" in marked[3:].decode("utf-8")


def test_every_table_and_column_is_described(archive):
    import yaml

    from .conftest import ROOT

    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    tables = meta["databases"]["*"]["tables"]  # '*': the database served, whatever its name
    db = archive["db"]
    missing = []
    for name in db.table_names() + db.view_names():
        if name.startswith("reports_fts"):
            continue
        described = tables.get(name)
        if not described or not described.get("description"):
            missing.append(name)
            continue
        columns = db[name].columns_dict
        missing += [f"{name}.{c}" for c in columns if c not in (described.get("columns") or {})]
    assert not missing, missing


def test_search_box_leads_to_ranked_results(site):
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as answer:
        opener.open(f"{site}/archive/reports?" + urllib.parse.urlencode({"_search": "依申请公开"}))
    assert answer.value.code == 302
    assert answer.value.headers["Location"] == "/archive/search?" + urllib.parse.urlencode({"q": "依申请公开"})
    ranked = query(site, "search", q="依申请公开")
    assert [r["rank"] for r in ranked] == sorted(r["rank"] for r in ranked)


def test_search_shows_snippets_and_a_real_rank(site):
    found = query(site, "search", q="依申请公开")
    assert all("【依申请公开】" in r["snippet"] for r in found), [r["snippet"] for r in found]
    assert [r["rank"] for r in found] == list(range(1, len(found) + 1))
    scores = [r["score"] for r in found]
    assert scores == sorted(scores, reverse=True) and scores[0] > 0 and len(set(scores)) > 1
    # 翔宇南道 is only in the 淮安 report's PDF (its page has a few lines of its own)
    pdf = query(site, "search", q="翔宇南道")
    assert [r["organ"] for r in pdf] == ["淮安市人民政府"] and "【翔宇南道】" in pdf[0]["snippet"]


def test_one_organ_across_years_and_deadlines(site, archive):
    db = archive["db"]
    per_organ = {}
    for r in db.query("select organ, organ_id from reports"):
        per_organ.setdefault(r["organ"], set()).add(r["organ_id"])
    assert all(len(ids) == 1 for ids in per_organ.values()), per_organ
    # one organ under two names: 南湖区政府办 (2022) is 南湖区人民政府办公室 (2023)
    assert per_organ["南湖区政府办"] == per_organ["南湖区人民政府办公室"]
    assert len({next(iter(ids)) for ids in per_organ.values()}) == len(per_organ) - 1
    nanhu = db["organs"].get(next(iter(per_organ["南湖区政府办"])))
    assert json.loads(nanhu["names"]) == ["南湖区人民政府办公室", "南湖区政府办"]
    pingtan = db["organs"].get(next(iter(per_organ["平潭综合实验区"])))
    assert (pingtan["kind"], pingtan["region"]) == ("government", "福建省平潭综合实验区")
    rows = {(r["organ"], r["report_year"]): r for r in get_json(f"{site}/archive/report_summary.json?_shape=array")}
    # departments of county-level and higher governments by 1月31日, governments by 3月31日,
    # every organ by 3月31日 before the 2019 revision
    assert (rows[("沭阳县发展和改革局", 2023)]["deadline"], rows[("沭阳县发展和改革局", 2023)]["days_late"]) == ("2024-01-31", 0)
    assert rows[("淮安市人民政府", 2024)]["deadline"] == "2025-03-31"
    assert rows[("平潭综合实验区", 2018)]["deadline"] == "2019-03-31"
    assert rows[("平潭综合实验区", 2021)]["organ_kind"] == "government"
    # the one late report: 南湖 2022, a department's (due 2023-01-31), published 2023-03-15
    late = query(site, "late_publishers")
    assert [(r["organ"], r["report_year"], r["deadline"], r["days_late"]) for r in late] == [
        ("南湖区政府办", 2022, "2023-01-31", 43)]
    history = query(site, "organ_history", organ="平潭综合实验区")
    assert {r["organ_id"] for r in history} == per_organ["平潭综合实验区"] and len(history) == 3


BASE_URL = "https://archive.example.org"  # the public address configured for the feeds and citations


def test_feeds_are_valid_atom(archive):
    """Feed ids are tag: URIs, every entry has an author, links and ids come from the configured
    base URL — never from the Host header a client sends."""
    import xml.etree.ElementTree as ET

    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles, contents = {}, {}
    with datasette(archive["path"], base_url=BASE_URL) as site:
        for name in ("new_reports", "recent_changes", "new_failures"):
            request = urllib.request.Request(f"{site}/archive/{name}.atom", headers={"Host": "evil.example"})
            with urllib.request.urlopen(request) as response:
                assert response.headers["Content-Type"].startswith("application/xml")
                body = response.read()
            assert b"evil.example" not in body
            feed = ET.fromstring(body)
            assert feed.findtext("a:id", namespaces=ns) == f"{BASE_URL}/archive/{name}.atom"
            entries = feed.findall("a:entry", ns)
            assert entries
            for e in entries:
                assert e.findtext("a:id", namespaces=ns).startswith("tag:archive.example.org,2026:")
                assert e.find("a:link", ns).get("href").startswith(f"{BASE_URL}/archive/reports/")
                assert e.findtext("a:author/a:name", namespaces=ns)
            titles[name] = [e.findtext("a:title", namespaces=ns) for e in entries]
            contents[name] = [e.findtext("a:content", namespaces=ns) for e in entries]
    assert len(titles["new_reports"]) == 8
    assert any(t.startswith("修改：南湖区人民政府办公室") for t in titles["recent_changes"])
    assert any("自然人：6 → 4" in c for c in contents["recent_changes"])  # the diff in words, not JSON
    assert not any("[{" in c for c in contents["recent_changes"])
    assert any("南湖区人民政府办公室" in t for t in titles["new_failures"])
    assert any("（七）总计 ≠ （一）至（六）之和：16 ≠ 14" in c for c in contents["new_failures"])


def test_any_database_name(archive, tmp_path):
    """Served as x.db: the canned queries, dashboards, the report page and archived copies work."""
    import shutil
    import sqlite3

    db_path = tmp_path / "x.db"
    with sqlite3.connect(archive["path"]) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    (tmp_path / "warcs").symlink_to(archive["path"].parent / "warcs", target_is_directory=True)
    assert shutil.which  # (the WARC folder beside the database is all /-/archived/ reads)
    with datasette(db_path) as site:
        found = get_json(f"{site}/x/search.json?_shape=array&q=" + urllib.parse.quote("依申请公开"))
        assert "南湖区人民政府办公室" in {r["organ"] for r in found}
        assert get_json(f"{site}/x/failing_checks.json?_shape=array")
        with urllib.request.urlopen(f"{site}/x/reports/{found[0]['report_id']}") as response:
            page = response.read().decode("utf-8")
        assert 'class="report-head"' in page and "application/ld+json" in page
        capture = found[0]["archived_copy"]
        with urllib.request.urlopen(site + capture) as response:
            assert "存档副本" in response.read().decode("utf-8")
        for path in ("/-/dashboards/overview", "/-/dashboards/organ?organ=" + urllib.parse.quote("平潭"), "/"):
            with urllib.request.urlopen(site + path) as response:
                assert response.status == 200
        with urllib.request.urlopen(f"{site}/x/search?q=" + urllib.parse.quote("复议")) as response:
            html = response.read().decode("utf-8")
        assert 'href="/x/reports/' in html  # every result links to its report page
        meta = get_json(f"{site}/-/metadata.json")
        assert "queries" in meta["databases"]["x"] and "*" not in meta["databases"]


def test_changes_table_is_reachable(site):
    rows = get_json(f"{site}/archive/changes.json?_shape=array")
    assert {r["kind"] for r in rows} == {"changed", "removed", "moved"} and "diff" in rows[0]


def test_serve_says_when_there_is_no_archive(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "publish.serve", str(tmp_path / "archive.db")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "no archive at" in result.stderr and "Traceback" not in result.stderr


def test_count_axes_are_integers():
    """A chart of counts never shows a 0.5 tick."""
    import yaml

    from .conftest import ROOT

    meta = yaml.safe_load((ROOT / "metadata.yml").read_text(encoding="utf-8"))
    counted = []
    for dashboard in meta["plugins"]["datasette-dashboards"].values():
        for chart in dashboard["charts"].values():
            encoding = (chart.get("display") or {}).get("encoding") if isinstance(chart.get("display"), dict) else None
            for axis in (encoding or {}).values():
                if axis.get("type") == "quantitative" and any(w in axis.get("title", "") for w in ("报告数", "件数")):
                    counted.append(axis)
    assert len(counted) >= 4 and all(a["axis"] == {"tickMinStep": 1, "format": "d"} for a in counted), counted
