"""The front page's data (templates/index.html): what the archive holds — reports by year and
province, organs, the last crawl —, the newest reports and changes, the questions a reporter
asks with the page that answers each, and the extractor's measured accuracy (accuracy.json,
written by the tests)."""
from __future__ import annotations

import os
import re
from urllib.parse import quote, urlencode

from . import accuracy, site
from .render import CHANGE_KINDS

LIVE = "status is not 'removed'"
PROVINCE = re.compile(r"^(.+?(?:省|自治区|特别行政区)|(?:北京|天津|上海|重庆)市)")


def province(region: str | None) -> str:
    m = PROVINCE.match(region or "")
    return m.group(1) if m else (region or "不详")


_cache: dict = {}  # (database, its file's size and mtime) -> the figures: they change only with the file


async def load(datasette) -> dict | None:
    name = site.archive_name(datasette)
    if name is None:
        return None
    db = datasette.get_database(name)
    try:
        stat = os.stat(db.path)
        key = (name, db.path, stat.st_size, stat.st_mtime_ns)
    except (OSError, TypeError):
        key = None
    if key is not None and key in _cache:
        return dict(_cache[key], accuracy=accuracy.load())
    figures = await _figures(db, name)
    if key is not None:
        _cache.clear()
        _cache[key] = figures
    return dict(figures, accuracy=accuracy.load())


async def _figures(db, name: str) -> dict:

    async def rows(sql, params=None):
        return [dict(r) for r in (await db.execute(sql, params or []))]

    base = "/" + quote(name)
    # report_summary: one narrow row per report (reports carries the body text; scanning it is slow)
    totals = (await rows(f"""select count(*) as reports, count(distinct organ_id) as organs,
        min(report_year) as first_year, max(report_year) as last_year,
        (select count(*) from report_summary where status = 'removed') as removed
        from report_summary where {LIVE}"""))[0]
    years = await rows(f"select report_year, count(*) as reports from report_summary where {LIVE} "
                       "and report_year is not null group by report_year order by report_year")
    by_province: dict[str, dict] = {}
    for r in await rows(f"select region, organ_id, count(*) as reports from report_summary where {LIVE} "
                        "group by region, organ_id"):
        p = by_province.setdefault(province(r["region"]), {"province": province(r["region"]), "reports": 0, "organs": set()})
        p["reports"] += r["reports"]
        if r["organ_id"] is not None:
            p["organs"].add(r["organ_id"])
    provinces = sorted(({**p, "organs": len(p["organs"])} for p in by_province.values()),
                       key=lambda p: (-p["reports"], p["province"]))
    last = (await rows("select max(coalesce(finished_at, started_at)) as at, count(distinct portal) as portals "
                       "from crawl_runs"))[0]
    newest = await rows(f"""select id, organ, report_year, title, published from reports where {LIVE}
        order by first_run desc, id desc limit 5""")
    changes = await rows("""select ch.kind, ch.detected_at, ch.cells_changed, r.id, r.organ, r.report_year
        from changes ch join reports r on r.id = ch.report_id order by ch.detected_at desc, ch.id desc limit 5""")
    latest = years[-1]["report_year"] if years else None
    return {"database": name, "base": base, "totals": totals, "years": years, "provinces": provinces,
            "last_crawl": last, "newest": newest, "changes": changes,
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
