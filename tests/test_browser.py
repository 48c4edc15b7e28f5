"""A reader's walk through the published archive in real Chromium (Playwright), with
screenshots kept in tests/artifacts/."""
import os
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .servers import datasette

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
QUERIES = {  # canned query -> parameters a reader would type
    "search": {"q": "复议"}, "requests_ranking": {"year": "2023"}, "refusal_rate": {"year": "2021"},
    "failing_checks": {}, "organ_history": {"organ": "平潭"},
    "totals_by_year": {"region": ""}, "recent_changes": {}, "coverage": {"year": "2023"},
    "new_reports": {}, "new_failures": {}, "requests_ranking ": {}, "coverage ": {"year": ""},
    "refusals_ranking": {"year": "2021"},
}
BASE_URL = "https://archive.example.org"  # the public address citations and feeds use
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


@pytest.fixture(scope="module")
def browser(archive):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        launch = {"headless": True, "args": FLAGS}
        if Path(CHROMIUM).exists():
            launch["executable_path"] = CHROMIUM
        browser = p.chromium.launch(**launch)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def page(archive, browser):
    with datasette(archive["path"]) as base:
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.base = base
        yield page
        page.close()


def rows(page) -> list[str]:
    return page.locator("table.rows-and-columns tbody tr").all_inner_texts()


@pytest.mark.parametrize("term,organ", [("复议", "浙江乍浦经济开发区（嘉兴港区）"), ("依申请公开", "南湖区人民政府办公室")])
def test_search_box(page, term, organ):
    page.goto(f"{page.base}/archive/reports")
    page.fill("input[name=_search]", term)
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_load_state("networkidle")
    found = rows(page)
    assert any(organ in r for r in found), found
    page.screenshot(path=str(ARTIFACTS / f"search-{term}.png"), full_page=True)


def test_carryover_query_renders(page):
    # 南湖 2023's 上年结转 (0) against its 2022 report's 结转下年度 (2): the relabelled replica
    # report (replica/SOURCES.md); tests/test_report_summary.py reads R5 results from real figures
    page.goto(f"{page.base}/archive/carryover_mismatches")
    page.wait_for_load_state("networkidle")
    shown = rows(page)
    assert shown and all("南湖区人民政府办公室" in r for r in shown)
    assert any("2022" in r and "2023" in r for r in shown)


@pytest.mark.parametrize("name", QUERIES)
def test_canned_query_renders_with_results(page, name):
    # a trailing space in the name: the same query opened with no parameter (its default)
    page.goto(f"{page.base}/archive/{name.strip()}?" + urllib.parse.urlencode(QUERIES[name]))
    page.wait_for_load_state("networkidle")
    assert rows(page), f"{name} shows no rows"
    page.screenshot(path=str(ARTIFACTS / f"query-{name.strip()}{'-default' if name.endswith(' ') else ''}.png"),
                    full_page=True)


def test_archived_copy_opens_sandboxed(page):
    page.goto(f"{page.base}/archive/report_summary?" + urllib.parse.urlencode({"organ": "南湖区人民政府办公室"}))
    page.get_by_role("link", name="存档副本 archived").first.click()
    page.wait_for_load_state("networkidle")
    assert "存档副本" in page.title()
    frame = page.locator("iframe")
    assert frame.get_attribute("sandbox") == ""
    inner = page.frame_locator("iframe").locator("body")
    assert "南湖区人民政府办公室" in inner.inner_text()
    page.screenshot(path=str(ARTIFACTS / "archived-copy.png"), full_page=True)


def test_reports_table_offers_the_facets(page):
    page.goto(f"{page.base}/archive/reports")
    facets = page.locator(".facet-info").all_inner_texts()
    text = " ".join(facets)
    for facet in ("report_year", "region", "level", "format", "check_status"):
        assert facet in text, text
    page.screenshot(path=str(ARTIFACTS / "reports-facets.png"), full_page=True)


@pytest.fixture(scope="module")
def sites(archive):
    """Datasette on the demo archive, and on the same archive before edition 2 (first crawl)."""
    with datasette(archive["path"], base_url=BASE_URL) as base, datasette(archive["first_path"]) as first:
        yield {"now": base, "first": first}


def open_page(browser, width: str, url: str, outside: list):
    page = browser.new_page(viewport=WIDTHS[width], locale="zh-CN")

    def local_only(route):  # the pages must work offline: nothing is fetched from elsewhere
        host = urllib.parse.urlsplit(route.request.url).hostname
        if host not in ("127.0.0.1", "localhost"):
            outside.append(route.request.url)
            return route.abort()
        return route.continue_()
    page.route("**/*", local_only)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    return page


def report_id(archive, organ: str, year: int, db_path=None) -> int:
    import sqlite_utils

    db = sqlite_utils.Database(db_path) if db_path else archive["db"]
    return next(db.query("select id from reports where organ = ? and report_year = ?", [organ, year]))["id"]


def fits_the_screen(page) -> bool:
    """No sideways scrolling of the page itself (wide tables scroll inside their own box)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


@pytest.mark.parametrize("width", WIDTHS)
def test_report_page_shows_the_tables(browser, sites, archive, width):
    outside = []
    rid = report_id(archive, "浙江乍浦经济开发区（嘉兴港区）", 2023)
    page = open_page(browser, width, f"{sites['now']}/archive/reports/{rid}", outside)
    assert "浙江乍浦经济开发区（嘉兴港区）2023年度" in page.locator("h1").first.inner_text()
    licensing = page.locator("table.active-table tr", has_text="行政许可")
    assert licensing.is_visible() and "22738" in licensing.inner_text()
    fees = page.locator("table.active-table tr", has_text="行政事业性收费")
    assert "1341" in fees.inner_text() and "1341万元" in fees.inner_text()  # the raw text beside the value
    received = page.locator("table.applications-table tr[data-row=new_received]").inner_text().split()
    assert received[-1] == "37"
    facts = page.locator(".facts").inner_text()
    assert "2024-01-19" in facts and "2024-03-31" in facts and "按时" in facts
    assert page.locator("td.fail").count() == 0
    assert fits_the_screen(page), "the page scrolls sideways"
    assert not outside, outside
    page.screenshot(path=str(ARTIFACTS / f"report-zhapu-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_report_page_highlights_the_narrative_mismatch(browser, sites, archive, width):
    """The first edition of the 南湖 report: the text says 不掌握 4, the table 6."""
    rid = report_id(archive, "南湖区人民政府办公室", 2023, archive["first_path"])
    page = open_page(browser, width, f"{sites['first']}/archive/reports/{rid}", [])
    mismatch = page.locator(".narrative-mismatch").first
    assert mismatch.is_visible()
    marks = mismatch.locator("mark").all_inner_texts()
    assert marks == ["4", "6"], marks
    assert "不掌握相关政府信息4件" in mismatch.inner_text()
    cell = page.locator('td.fail[data-cell="applications.unable_not_held.total"]')
    assert cell.inner_text().strip() == "6" and "R7" in cell.get_attribute("title")
    assert "正文 4 ≠ 表格 6" in page.locator(".failing").inner_text()
    page.screenshot(path=str(ARTIFACTS / f"report-nanhu-first-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_report_page_shows_history_and_other_years(browser, sites, archive, width):
    rid = report_id(archive, "南湖区人民政府办公室", 2023)
    page = open_page(browser, width, f"{sites['now']}/archive/reports/{rid}", [])
    history = page.locator(".history").inner_text()
    assert "changed" in history and "6 → 4" in history and "不掌握" in history
    assert page.locator(".captures li").count() >= 2
    words = page.locator(".failing").inner_text()
    assert "（七）总计 ≠ （一）至（六）之和：16 ≠ 14" in words  # the edit left the table failing R2
    page.screenshot(path=str(ARTIFACTS / f"report-nanhu-{width}.png"), full_page=True)
    page.close()
    pingtan = report_id(archive, "平潭综合实验区", 2021)
    page = open_page(browser, width, f"{sites['now']}/archive/reports/{pingtan}", [])
    years = page.locator(".years li").all_inner_texts()
    assert [y.split()[0][:4] for y in years] == ["2018", "2019", "2021"]
    page.get_by_role("link", name="2019").click()
    page.wait_for_load_state("networkidle")
    assert "2019年度" in page.locator("h1").first.inner_text()
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_search_shows_where_the_term_occurs(browser, sites, width):
    page = open_page(browser, width, f"{sites['now']}/archive/reports", [])
    page.fill("input[name=_search]", "翔宇南道")
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_load_state("networkidle")
    found = rows(page)
    assert len(found) == 1 and "淮安市人民政府" in found[0] and "【翔宇南道】" in found[0]
    page.screenshot(path=str(ARTIFACTS / f"search-pdf-text-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_organ_history_by_part_of_the_name(browser, sites, width):
    page = open_page(browser, width, f"{sites['now']}/archive/organ_history?organ=平潭", [])
    found = rows(page)
    assert len(found) == 3 and all("平潭综合实验区" in r for r in found)
    chart = page.frame_locator("iframe.query-chart").locator(".vega-embed canvas, .vega-embed svg.marks")
    chart.first.wait_for(timeout=15_000)  # the organ's chart from the dashboards, above its rows
    page.screenshot(path=str(ARTIFACTS / f"organ-history-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_draws_its_charts_offline(browser, sites, width):
    outside = []
    page = open_page(browser, width, f"{sites['now']}/-/dashboards/overview", outside)
    charts = page.locator(".vega-embed canvas, .vega-embed svg.marks")
    charts.first.wait_for(timeout=15_000)
    page.wait_for_timeout(500)
    assert charts.count() == 5, charts.count()
    assert "逾期发布" in page.content() and "各年度报告数" in page.content()
    assert not outside, outside
    page.screenshot(path=str(ARTIFACTS / f"dashboard-{width}.png"), full_page=True)
    page.close()
    page = open_page(browser, width, f"{sites['now']}/-/dashboards/organ?organ=平潭", outside)
    page.locator(".vega-embed canvas, .vega-embed svg.marks").first.wait_for(timeout=15_000)
    page.screenshot(path=str(ARTIFACTS / f"dashboard-organ-{width}.png"), full_page=True)
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_feed_opens(browser, sites, width):
    page = open_page(browser, width, f"{sites['now']}/archive/recent_changes.atom", [])
    text = page.locator("body").inner_text()
    assert "南湖区人民政府办公室" in text and "删除" in text
    page.screenshot(path=str(ARTIFACTS / f"feed-recent_changes-{width}.png"), full_page=True)
    page.close()


def test_year_boxes_list_the_years_held(browser, sites):
    page = open_page(browser, "desktop", f"{sites['now']}/archive/refusal_rate", [])
    hint = page.locator(".year-hint")
    hint.wait_for()
    assert hint.locator("a").all_inner_texts() == ["2018", "2019", "2021", "2022", "2023", "2024"]
    hint.get_by_role("link", name="2021").click()
    page.wait_for_load_state("networkidle")
    assert any("平潭综合实验区" in r for r in rows(page))
    page.close()


def test_glossary_is_folded_below_the_rows(browser, sites):
    page = open_page(browser, "desktop", f"{sites['now']}/archive/report_summary", [])
    glossary = page.locator("details.column-glossary")
    assert glossary.count() == 1 and glossary.get_attribute("open") is None
    table_y = page.locator("table.rows-and-columns").bounding_box()["y"]
    assert glossary.bounding_box()["y"] > table_y
    page.close()


def test_archived_pdf_is_shown_as_text(browser, sites, archive):
    capture = next(archive["db"].query("select capture_id from attachments where content_type like 'application/pdf%'"))
    page = open_page(browser, "desktop", f"{sites['now']}/-/archived/{capture['capture_id']}", [])
    assert page.locator("iframe").count() == 0
    assert "淮安市人民政府" in page.locator("pre.extracted").inner_text()
    assert page.locator("a.download").get_attribute("href").endswith("/raw?download=1")
    page.screenshot(path=str(ARTIFACTS / "archived-pdf.png"), full_page=True)
    page.close()
