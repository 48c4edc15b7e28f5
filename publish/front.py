"""The front page's data (templates/index.html): what the archive holds — reports by year and
province, organs, the last crawl —, the newest reports and changes, the questions a reporter
asks with the page that answers each, and the extractor's measured accuracy (accuracy.json,
written by the tests)."""
from __future__ import annotations

from urllib.parse import quote, urlencode

from . import accuracy, site
from .render import CHANGE_KINDS

PROVINCE = "case when instr(region, '省') > 0 then substr(region, 1, instr(region, '省')) " \
           "when instr(region, '自治区') > 0 then substr(region, 1, instr(region, '自治区') + 2) " \
           "when instr(region, '市') > 0 then substr(region, 1, instr(region, '市')) else coalesce(region, '不详') end"
LIVE = "status is not 'removed'"


async def load(datasette) -> dict | None:
    name = site.archive_name(datasette)
    if name is None:
        return None
    db = datasette.get_database(name)

    async def rows(sql, params=None):
        return [dict(r) for r in (await db.execute(sql, params or []))]

    base = "/" + quote(name)
    totals = (await rows(f"""select count(*) as reports, count(distinct organ_id) as organs,
        min(report_year) as first_year, max(report_year) as last_year,
        (select count(*) from reports where status = 'removed') as removed
        from reports where {LIVE}"""))[0]
    years = await rows(f"select report_year, count(*) as reports from reports where {LIVE} and report_year is not null "
                       "group by report_year order by report_year")
    provinces = await rows(f"select {PROVINCE} as province, count(*) as reports, count(distinct organ_id) as organs "
                           f"from reports where {LIVE} group by province order by reports desc, province")
    last = (await rows("select max(coalesce(finished_at, started_at)) as at, count(distinct portal) as portals "
                       "from crawl_runs"))[0]
    newest = await rows(f"""select id, organ, report_year, title, published from reports where {LIVE}
        order by first_run desc, id desc limit 5""")
    changes = await rows("""select ch.kind, ch.detected_at, ch.cells_changed, r.id, r.organ, r.report_year
        from changes ch join reports r on r.id = ch.report_id order by ch.detected_at desc, ch.id desc limit 5""")
    latest = years[-1]["report_year"] if years else None
    return {"database": name, "base": base, "totals": totals, "years": years, "provinces": provinces,
            "last_crawl": last, "newest": newest, "changes": changes, "accuracy": accuracy.load(),
            "questions": questions(base, latest), "kinds": CHANGE_KINDS}


def questions(base: str, latest_year) -> list[dict]:
    """The questions a reporter brings, each with the page that answers it (one click)."""
    def link(path, **params):
        return base + path + ("?" + urlencode(params) if params else "")
    return [
        {"q": "哪个机关不予公开的申请最多？· Which organ refused the most requests?",
         "href": link("/refusals_ranking", year=latest_year or ""), "id": "refusals"},
        {"q": "平潭的申请数历年如何变化？· How did 平潭's requests change over the years?",
         "href": link("/organ_history", organ="平潭"), "id": "organ-history"},
        {"q": "哪些报告自己的数字对不上，错在哪里？· Which reports fail their own arithmetic, and where?",
         "href": link("/failing_checks"), "id": "failing"},
        {"q": "哪些机关逾期发布？· Which organs published late?", "href": link("/late_publishers"), "id": "late"},
        {"q": "报告发布后改了什么？· What changed in a report after it was published?",
         "href": link("/recent_changes"), "id": "changes"},
        {"q": "哪些报告提到行政复议？· Which reports mention 行政复议, and where?",
         "href": link("/search", q="行政复议"), "id": "search"},
    ]
