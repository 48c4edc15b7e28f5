"""The site as a reader meets it, in real Chromium at desktop and phone (390 px) widths: the
front page, the six questions a reporter brings (each answered from the front page in at most
3 clicks), links from every result to its report page, pages no wider than a phone, numbers
and blanks as printed, charts that cannot mislead, citation metadata, and a database served
under another name. Screenshots in tests/artifacts/. The archive is the crawled replica."""
import json
import re
import sqlite3
import urllib.parse

import pytest

from .servers import datasette
from .test_browser import ARTIFACTS, BASE_URL, WIDTHS, browser, fits_the_screen, open_page, rows  # noqa: F401


@pytest.fixture(scope="module")
def site(archive):
    with datasette(archive["path"], base_url=BASE_URL) as base:
        yield base


def db_rows(archive, sql, params=()):
    with sqlite3.connect(archive["path"]) as conn:
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, params)]


def home(browser, site, width):
    return open_page(browser, width, site + "/", [])


def click(page, locator):
    """One click of a reader, then the page it leads to, loaded."""
    locator.click()
    page.wait_for_load_state("networkidle")


def shot(page, name, width):
    page.screenshot(path=str(ARTIFACTS / f"site-{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
def test_front_page(browser, site, archive, width):
    page = home(browser, site, width)
    live = db_rows(archive, "select count(*) as n, count(distinct organ_id) as organs from reports "
                            "where status is not 'removed'")[0]
    assert page.locator(".report-count").inner_text() == str(live["n"])
    assert page.locator(".organ-count").inner_text() == str(live["organs"])
    assert page.locator("form.front-search input[name=q]").is_visible()
    years = page.locator(".years-table tbody tr").all_inner_texts()
    assert [y.split()[0] for y in years] == [str(r["report_year"]) for r in db_rows(
        archive, "select distinct report_year from reports where status is not 'removed' order by 1")]
    assert "浙江省" in page.locator(".provinces-table").inner_text()
    assert "最近抓取" in page.locator(".last-crawl").inner_text()
    newest = page.locator(".newest li").all_inner_texts()
    assert newest and len(newest) <= 5
    assert "南湖区人民政府办公室" in page.locator(".recent-changes").inner_text()
    # the measured accuracy, per layout, with the date and commit it was measured at
    layouts = page.locator("table.accuracy-table[data-part=layouts]")
    assert layouts.count() == 1
    text = layouts.inner_text()
    assert "html" in text and "pdf" in text and "%" in text and "commit" in text
    assert re.search(r"measured \d{4}-\d{2}-\d{2}", text)
    assert page.locator(".questions li a").count() == 6
    assert fits_the_screen(page)
    shot(page, "front", width)
    page.close()


# The six questions of issue 21, each walked from the front page.

@pytest.mark.parametrize("width", WIDTHS)
def test_which_organ_refused_the_most_in_2023(browser, site, archive, width):
    page = home(browser, site, width)
    click(page, page.locator("#question-refusals"))                          # 1
    page.locator(".year-hint").wait_for()
    click(page, page.locator(".year-hint").get_by_role("link", name="2023"))  # 2
    expected = db_rows(archive, """select organ, denied from report_summary where report_year = 2023
        and denied is not null and status is not 'removed' order by denied desc, organ""")
    found = rows(page)
    assert len(found) == len(expected) and expected[0]["organ"] in found[0]
    assert str(expected[0]["denied"]) in found[0]
    shot(page, "q-refusals-2023", width)
    click(page, page.locator("table.rows-and-columns a.report-link").first)  # 3: its report
    assert expected[0]["organ"] in page.locator("h1").first.inner_text()
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_how_did_pingtans_requests_change(browser, site, width):
    page = home(browser, site, width)
    click(page, page.locator("#question-organ-history"))                     # 1
    found = rows(page)
    years = [re.search(r"\b(20\d\d)\b", r).group(1) for r in found]
    assert years == ["2018", "2019", "2021"]
    assert "23" in found[1] and "70" in found[2]
    page.frame_locator("iframe.query-chart").locator(".vega-embed canvas, .vega-embed svg.marks").first.wait_for(
        timeout=15_000)
    assert fits_the_screen(page)
    shot(page, "q-pingtan", width)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_which_reports_fail_their_arithmetic(browser, site, width):
    page = home(browser, site, width)
    click(page, page.locator("#question-failing"))                           # 1
    found = rows(page)
    assert any("南湖区人民政府办公室" in r and "（七）总计 ≠ （一）至（六）之和：16 ≠ 14（总计列）" in r for r in found), found
    assert fits_the_screen(page), "failing_checks scrolls sideways"
    shot(page, "q-failing", width)
    click(page, page.locator("table.rows-and-columns a.report-link").first)  # 2: where
    assert page.locator("td.fail").count() > 0
    assert "16 ≠ 14" in page.locator(".failing").inner_text()
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_which_organs_published_late(browser, site, archive, width):
    page = home(browser, site, width)
    click(page, page.locator("#question-late"))                              # 1
    late = db_rows(archive, "select organ, days_late from report_summary where days_late > 0 "
                            "and status is not 'removed'")
    if late:
        text = " ".join(rows(page))
        assert all(r["organ"] in text and str(r["days_late"]) in text for r in late)
    else:  # the page says so
        assert page.locator(".zero-results").is_visible()
    shot(page, "q-late", width)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_what_changed_in_nanhu_after_publication(browser, site, width):
    page = home(browser, site, width)
    click(page, page.locator("#question-changes"))                           # 1
    nanhu = page.locator("table.rows-and-columns tbody tr", has_text="南湖区人民政府办公室")
    assert "自然人：6 → 4" in nanhu.inner_text() and "[{" not in nanhu.inner_text()  # words, not JSON
    assert page.locator("th.col-atom_id").count() == 0 or not page.locator("th.col-atom_id").is_visible()
    shot(page, "q-nanhu-changes", width)
    click(page, nanhu.locator("a.report-link"))                              # 2: the report's history
    assert "6 → 4" in page.locator(".history").inner_text()
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_find_reports_mentioning_administrative_review(browser, site, width):
    page = home(browser, site, width)
    page.fill("form.front-search input[name=q]", "行政复议")
    click(page, page.locator("form.front-search button"))                    # 1
    found = rows(page)
    assert found and all("【行政复议】" in r for r in found), found
    assert not any("沭阳县发展和改革局" in r for r in found)  # removed from its portal: not searched by default
    assert fits_the_screen(page), "the search page scrolls sideways"
    shot(page, "q-search-review", width)
    first = page.locator("table.rows-and-columns tbody tr").first
    organ = first.locator("td.col-organ").inner_text()
    click(page, first.locator("a.report-link"))                              # 2: the report
    assert organ in page.locator("h1").first.inner_text() or organ in page.locator(".facts").inner_text()
    page.close()


# Every result that is a report links to its page.

@pytest.mark.parametrize("path", ["/archive/search?q=" + urllib.parse.quote("依申请公开"), "/archive/report_summary",
                                  "/archive/failing_checks", "/archive/new_reports", "/archive/new_failures",
                                  "/archive/requests_ranking", "/archive/organ_history?organ=" + urllib.parse.quote("平潭"),
                                  "/archive/recent_changes", "/archive/applications?report_id=1"])
def test_every_report_row_links_to_its_page(browser, site, path):
    page = open_page(browser, "desktop", site + path, [])
    n = page.locator("table.rows-and-columns tbody tr").count()
    # a.report-link: a report_id cell; td.type-pk a: the row key of a table with a row per report
    links = page.locator("table.rows-and-columns tbody tr a.report-link, "
                         "table.rows-and-columns tbody tr td.type-pk a[href*='/report_summary/']")
    assert n and links.count() == n, (path, n, links.count())
    href = links.first.get_attribute("href")
    assert re.fullmatch(r"/archive/(reports|report_summary)/\d+", href), href
    click(page, links.first)
    assert re.search(r"/archive/reports/\d+$", page.url), page.url
    assert page.locator(".report-head h1").is_visible()
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_phone_pages_fit_and_keep_their_labels(browser, site, archive, width):
    pingtan_2019 = db_rows(archive, "select id from reports where organ = '平潭综合实验区' and report_year = 2019")[0]["id"]
    for path in ("/archive/search?q=" + urllib.parse.quote("复议"), f"/archive/reports/{pingtan_2019}",
                 "/archive/failing_checks", "/archive/organ_history?organ=" + urllib.parse.quote("平潭"), "/"):
        page = open_page(browser, width, site + path, [])
        assert fits_the_screen(page), path
        sql = page.locator("details.query-sql")
        if path.startswith(("/archive/search", "/archive/failing", "/archive/organ")):
            assert sql.count() == 1 and sql.get_attribute("open") is None  # the SQL is folded
            assert not page.locator("#sql-query, #sql-editor").first.is_visible()
            if width == "phone":  # the results (or the chart above them) start on the first screen
                assert page.locator("details.query-about").count() == 1
                first = page.locator("iframe.query-chart, table.rows-and-columns tbody tr, .zero-results").first.bounding_box()
                assert first["y"] < page.viewport_size["height"], (path, first)
        page.close()
    # the 2019 format's table 2 and table 3 scroll in their box; the row labels stay in view
    page = open_page(browser, width, f"{site}/archive/reports/{pingtan_2019}", [])
    table = page.locator("table.applications-table")
    table.evaluate("t => t.closest('.scroll').scrollLeft = 10000")
    label = page.locator("table.applications-table tr[data-row=new_received] th")
    box = label.bounding_box()
    assert box["x"] >= 0 and box["x"] < 40, box  # still at the left edge of the screen
    for cls in ("active-table", "applications-table"):
        right = page.locator(f"table.{cls}").evaluate("t => t.closest('.scroll').getBoundingClientRect().right")
        assert right <= page.viewport_size["width"] + 1
    label.scroll_into_view_if_needed()
    shot(page, "report-pingtan-2019-scrolled", width)
    page.close()


def test_numbers_and_blanks_as_printed(browser, site, archive):
    """No scientific notation on any report page or table; one meaning of blank; no phantom rows."""
    for r in db_rows(archive, "select id, format from reports"):
        page = open_page(browser, "desktop", f"{site}/archive/reports/{r['id']}", [])
        body = page.locator("body").inner_text()
        assert not re.search(r"\d[eE][+-]\d", body), r
        if r["format"] == "2021":  # the 2021 format prints （六）其他处理 as three rows, never one more blank one
            assert page.locator("tr[data-row=other_total]").count() == 0
            assert page.locator("tr[data-row=other_no_correction]").count() == 1
        if r["format"] == "2019":
            assert page.locator("tr[data-row=other_total]").count() == 1
            assert page.locator("tr[data-row=other_no_fee]").count() == 0
        page.close()
    amount = db_rows(archive, "select report_id, value, raw from active_disclosure where key = 'procurement_amount' "
                              "and raw like '%75394432.52%'")
    assert amount and amount[0]["value"] == 7539.443252  # 平潭 2019: 采购总金额 75394432.52 元, stored in 万元
    page = open_page(browser, "desktop", f"{site}/archive/active_disclosure?key=procurement_amount", [])
    text = page.locator("table.rows-and-columns").inner_text()
    assert "7539.443252" in text and "75394432.52" in text and not re.search(r"\de[+-]\d", text)
    page.close()
    # a blank cell is blank in the report's tables (never 0)
    blank = db_rows(archive, "select report_id, row_key, column_key from applications where value is null limit 1")
    if blank:
        b = blank[0]
        page = open_page(browser, "desktop", f"{site}/archive/reports/{b['report_id']}", [])
        cell = page.locator(f'td[data-cell="applications.{b["row_key"]}.{b["column_key"]}"]')
        assert cell.inner_text().strip() == ""
        page.close()


def test_removed_reports_are_marked(browser, site, archive):
    removed = db_rows(archive, "select id from reports where status = 'removed'")
    assert removed
    page = open_page(browser, "desktop", f"{site}/archive/reports/{removed[0]['id']}", [])
    assert "已从门户删除" in page.locator(".removed-banner").inner_text()
    page.close()
    page = open_page(browser, "desktop", f"{site}/archive/organ_history?organ=" + urllib.parse.quote("平潭"), [])
    row = page.locator("table.rows-and-columns tbody tr", has_text="2018")
    assert "已删除" in row.inner_text()
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_organ_chart_needs_an_organ(browser, site, width):
    page = open_page(browser, width, f"{site}/archive/organ_history", [])
    assert "请输入机关名称" in page.locator(".chart-empty").inner_text()
    assert page.locator("iframe.query-chart").count() == 0
    shot(page, "organ-history-empty", width)
    page.close()
    page = open_page(browser, width, f"{site}/archive/organ_history?organ=" + urllib.parse.quote("无此机关"), [])
    assert "没有这个机关" in page.locator(".chart-empty").inner_text()
    assert page.locator("iframe.query-chart").count() == 0
    page.close()
    page = open_page(browser, width, f"{site}/-/dashboards/organ", [])
    assert "图表只画这一个机关" in page.locator("body").inner_text()
    page.close()


def test_report_page_citation_metadata(browser, site, archive):
    rid = db_rows(archive, "select id from reports where organ = '南湖区人民政府办公室'")[0]["id"]
    page = open_page(browser, "desktop", f"{site}/archive/reports/{rid}", [])
    canonical = f"{BASE_URL}/archive/reports/{rid}"
    assert page.locator("link[rel=canonical]").get_attribute("href") == canonical
    ld = json.loads(page.locator("script[type='application/ld+json']").inner_text())
    assert ld["@type"] == "Report" and ld["url"] == canonical and ld["author"]["name"] == "南湖区人民政府办公室"
    assert ld["datePublished"] == "2024-01-10" and ld["isBasedOn"]["@type"] == "Dataset"
    assert ld["archivedAt"].startswith(f"{BASE_URL}/-/archived/")
    assert page.locator("meta[name='DC.title']").get_attribute("content").startswith("南湖区人民政府办公室")
    assert page.locator("meta[name='DC.date']").get_attribute("content") == "2024-01-10"
    cite = page.locator(".cite .citation").inner_text()
    assert canonical in cite and f"{BASE_URL}/-/archived/" in cite
    page.close()


def test_served_under_another_name(browser, archive, tmp_path):
    """x.db: the front page, search, a report page and its archived copy, from the front page."""
    db_path = tmp_path / "x.db"
    with sqlite3.connect(archive["path"]) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    (tmp_path / "warcs").symlink_to(archive["path"].parent / "warcs", target_is_directory=True)
    with datasette(db_path) as base:
        page = open_page(browser, "phone", base + "/", [])
        page.fill("form.front-search input[name=q]", "依申请公开")
        click(page, page.locator("form.front-search button"))
        assert rows(page) and page.url.startswith(base + "/x/search")
        click(page, page.locator("a.report-link").first)
        assert re.search(r"/x/reports/\d+$", page.url) and page.locator(".report-head").is_visible()
        click(page, page.locator(".facts a", has_text="存档副本 archived copy"))
        assert "存档副本" in page.title()
        page.goto(base + "/-/dashboards/overview")
        page.locator(".vega-embed canvas, .vega-embed svg.marks").first.wait_for(timeout=15_000)
        shot(page, "x-db-dashboard", "phone")
        page.close()


HOSTILE = '<img src=x onerror="document.title=\'PWNED\'"><script>document.title="PWNED"</script>'


def test_hostile_values_are_escaped_everywhere(browser, archive, tmp_path):
    """An organ name, a title and a change's diff holding HTML show as text on every page that
    renders them — the front page, the report page, search results, failing checks, changes."""
    db_path = tmp_path / "archive.db"
    with sqlite3.connect(archive["path"]) as src, sqlite3.connect(db_path) as dst:
        src.backup(dst)
    with sqlite3.connect(db_path) as conn:
        rid = conn.execute("select report_id from changes where kind = 'changed'").fetchone()[0]
        conn.execute("update reports set organ = ?, title = ? where id = ?", [HOSTILE, "报告" + HOSTILE, rid])
        conn.execute("update changes set diff = ? where report_id = ? and kind = 'changed'",
                     [json.dumps([{"cell": HOSTILE, "old": 1, "new": 2}]), rid])
    with datasette(db_path) as base:
        for path in ("/", f"/archive/reports/{rid}", "/archive/failing_checks", "/archive/recent_changes",
                     "/archive/search?q=" + urllib.parse.quote("依申请公开"), "/archive/new_reports",
                     "/archive/report_summary"):
            page = open_page(browser, "desktop", base + path, [])
            assert page.title() != "PWNED", path
            assert page.locator("img[src=x]").count() == 0, path
            assert "onerror" in page.locator("body").inner_text(), path  # shown as the text it is
            page.close()
