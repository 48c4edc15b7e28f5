"""A reader's walk through the published archive in real Chromium (Playwright), with
screenshots kept in tests/artifacts/."""
import os
import urllib.parse
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from .servers import datasette

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]
QUERIES = {  # canned query -> parameters a reader would type
    "search": {"q": "复议"}, "requests_ranking": {"year": "2023"}, "refusal_rate": {"year": "2021"},
    "failing_checks": {}, "carryover_mismatches": {}, "organ_history": {"organ": "平潭综合实验区"},
    "totals_by_year": {"region": ""}, "changes": {}, "coverage": {"year": "2023"},
}


@pytest.fixture(scope="module")
def page(archive):
    ARTIFACTS.mkdir(exist_ok=True)
    with datasette(archive["path"]) as base, sync_playwright() as p:
        launch = {"headless": True, "args": FLAGS}
        if Path(CHROMIUM).exists():
            launch["executable_path"] = CHROMIUM
        browser = p.chromium.launch(**launch)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page.base = base
        yield page
        browser.close()


def rows(page) -> list[str]:
    return page.locator("table.rows-and-columns tbody tr").all_inner_texts()


@pytest.mark.parametrize("term,organ", [("复议", "沭阳县发展和改革局"), ("依申请公开", "南湖区人民政府办公室")])
def test_search_box(page, term, organ):
    page.goto(f"{page.base}/archive/reports")
    page.fill("input[name=_search]", term)
    page.locator("input[name=_search]").press("Enter")
    page.wait_for_load_state("networkidle")
    found = rows(page)
    assert any(organ in r for r in found), found
    page.screenshot(path=str(ARTIFACTS / f"search-{term}.png"), full_page=True)


@pytest.mark.parametrize("name", QUERIES)
def test_canned_query_renders_with_results(page, name):
    page.goto(f"{page.base}/archive/{name}?" + urllib.parse.urlencode(QUERIES[name]))
    page.wait_for_load_state("networkidle")
    assert rows(page), f"{name} shows no rows"
    page.screenshot(path=str(ARTIFACTS / f"query-{name}.png"), full_page=True)


@pytest.mark.parametrize("name,params", [("totals_by_year", {"region": ""}),
                                         ("organ_history", {"organ": "平潭综合实验区"})])
def test_chart_renders(page, name, params):
    page.goto(f"{page.base}/archive/{name}?" + urllib.parse.urlencode(params))
    chart = page.locator("svg.archive-chart")
    chart.wait_for(timeout=10_000)
    assert chart.locator("rect").count() > 2
    page.screenshot(path=str(ARTIFACTS / f"chart-{name}.png"), full_page=True)


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
