"""What a report page leads to, in a real crawl (real servers on 127.0.5.x, real Chromium,
real SQLite): a viewer's file and a page's shown file are put to the portal's scope (a file on
another host is refused and recorded, never asked for); a zip of reports is read within its
bounds (a member over BUNDLE_MEMBER_MAXSIZE is an errors row of stage `limit`; the others are
archived, each filed under its organ)."""
from __future__ import annotations

import copy
import html
import random
import urllib.parse

import pytest
import sqlite_utils
import yaml

from .conftest import label
from .servers import crawl
from .world.captures import docx
from .world.portals import page, report_title
from .world.portals4_files import _zip_bundle
from .world.server import Answer, Site

ORGAN = "磐安县人民政府"


def _docx_of(organ: str, name: str) -> bytes:
    lab = copy.deepcopy(label(name))
    lab["agency"], lab["report_year"] = organ, 2023
    return docx(lab, random.Random(1))[0]


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report-files-crawl")
    canary = Site({}, host="127.0.5.99").start()
    off = f"http://127.0.5.99:{canary.port}"
    members = [(f"各部门/{ORGAN.replace('人民政府', d)}2023年政府信息公开工作年度报告.docx",
                _docx_of(ORGAN.replace("人民政府", d), n)) for d, n in (("教育局", "nanhu-2023"), ("民政局", "zhapu-2023"))]
    members.append(("各部门/巨大2023年政府信息公开工作年度报告.pdf", b"%PDF-1.4\n" + b" " * 3_000_000))
    column = "/xxgk/nb/index.html"
    viewer_off = f"/pdfjs/web/viewer.html?file={urllib.parse.quote(off + '/upload/x.pdf', safe='')}"
    notice = "/xxgk/nb/202401/t20240130_9.html"
    shows_off = "/xxgk/nb/202401/t20240120_8.html"
    zip_title = "磐安县各部门2023年度政府信息公开工作年度报告"
    routes = {
        "/": Answer(200, page(ORGAN, f'<a href="{column}">政府信息公开年报</a>').encode()),
        "/robots.txt": Answer(200, b"User-agent: *\nAllow: /\n", content_type="text/plain"),
        column: Answer(200, page("政府信息公开年报", "<ul>" + "".join(
            f'<li><a href="{html.escape(h)}">{t}</a></li>' for h, t in (
                (viewer_off, report_title(ORGAN, 2022)), (shows_off, report_title(ORGAN, 2021)),
                (notice, zip_title))) + "</ul>").encode()),
        shows_off: Answer(200, page(report_title(ORGAN, 2021), f'<h1>{report_title(ORGAN, 2021)}</h1>'
                                    f'<iframe src="{off}/upload/y.pdf"></iframe>').encode()),
        notice: Answer(200, page(zip_title, f'<h1>{zip_title}</h1><p>附件：<a href="/xxgk/nb/202401/P0201.zip">'
                                            f'{zip_title}.zip</a></p>').encode()),
        "/xxgk/nb/202401/P0201.zip": Answer(200, _zip_bundle(members, gbk_names=True), [], "application/zip"),
    }
    site = Site(routes, host="127.0.5.20").start()
    netloc = f"127.0.5.20:{site.port}"
    seeds = tmp / "seeds.yml"
    seeds.write_text(yaml.safe_dump([{"id": "files", "name": ORGAN, "url": site.base + "/", "region": "浙江省",
                                      "level": "county", "allowed_hosts": [netloc]}], allow_unicode=True),
                     encoding="utf-8")
    try:
        proc = crawl(seeds, tmp / "archive.db", "-s", "DOWNLOAD_TIMEOUT=10", "-s", "BUNDLE_MEMBER_MAXSIZE=1000000")
    finally:
        site.stop()
        canary.stop()
    return {"proc": proc, "db": sqlite_utils.Database(tmp / "archive.db"), "canary": canary, "off": off}


def test_files_off_the_portal_are_refused_and_never_asked(crawled):
    db = crawled["db"]
    assert "Traceback" not in crawled["proc"].stderr
    assert crawled["canary"].log == []
    scope = [r["message"] for r in db["errors"].rows_where("stage = 'scope'")]
    assert any("report file behind a viewer" in m and "/upload/x.pdf" in m for m in scope), scope
    assert any("/upload/y.pdf" in m for m in scope), scope
    assert not [r for r in db["reports"].rows if "127.0.5.99" in (r["url"] + (r["final_url"] or ""))]


def test_zip_members_archived_and_the_bound_recorded(crawled):
    db = crawled["db"]
    rows = sorted((r["organ"], r["report_year"], urllib.parse.unquote(r["url"].split("#")[1]))
                  for r in db["reports"].rows_where("url like '%.zip#%'"))
    assert rows == [("磐安县教育局", 2023, "各部门/磐安县教育局2023年政府信息公开工作年度报告.docx"),
                    ("磐安县民政局", 2023, "各部门/磐安县民政局2023年政府信息公开工作年度报告.docx")]
    limits = [r["message"] for r in db["errors"].rows_where("stage = 'limit'")]
    assert limits == ["各部门/巨大2023年政府信息公开工作年度报告.pdf: larger than 1000000 bytes inflated: not read "
                      "(BUNDLE_MEMBER_MAXSIZE)"]
    # the notice of the zip is no report itself; the zip is the members' capture
    assert not list(db["reports"].rows_where("url like '%t20240130_9.html'"))
    captures = {r["capture_id"] for r in db["reports"].rows_where("url like '%.zip#%'")}
    assert len(captures) == 1 and None not in captures
