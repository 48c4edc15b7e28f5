"""Discovery on saved list pages (tests/files/pages), offline."""
import urllib.parse
from pathlib import Path

import pytest

from crawler import discover
from crawler.families import by_name, families_for
from crawler.families.jcms import parse_datastore, proxy_params
from crawler.seeds import SeedsError, in_scope, load_seeds

PAGES = Path(__file__).parent / "files" / "pages"


def page(name):
    return (PAGES / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("title,is_report", [
    ("南湖区人民政府办公室2023年度政府信息公开工作年度报告", True),
    ("沭阳县发展和改革局2023年政府信息公开年度报告", True),
    ("平潭综合实验区2018年政府信息公开工作年度报告", True),
    ("嘉兴市人民政府2023年政府信息公开年报", True),
    ("图解：南湖区人民政府办公室2023年度政府信息公开工作年度报告", False),
    ("嘉兴市人民政府2023年政府网站工作年度报表", False),
    ("关于印发《2024年嘉兴市政务公开工作要点》的通知", False),
    ("平潭综合实验区管委会办公室关于做好2022年政府信息公开工作年度报告编制工作的通知", False),
    ("政府信息公开年报", False),  # the column, not a report: no year
])
def test_report_titles(title, is_report):
    assert discover.is_report_title(title) is is_report


def test_trs_pagination_from_inline_script():
    base = "http://127.0.0.1:8102/zwgk/zfxxgk/zfxxgknb/index.html"
    assert discover.pagination(page("trs-list.html"), base) == [
        "http://127.0.0.1:8102/zwgk/zfxxgk/zfxxgknb/index_1.html",
        "http://127.0.0.1:8102/zwgk/zfxxgk/zfxxgknb/index_2.html"]
    links = dict(discover.links(page("trs-list.html"), base))
    assert "http://127.0.0.1:8102/zwgk/zfxxgk/zfxxgknb/202202/t20220208_80613.htm" in links


def test_jcms_column_has_no_static_report_links_but_a_datastore():
    html = page("jcms-column.html")
    url = "http://127.0.0.1:8101/col/col1229425797/index.html"
    assert not any(discover.is_report_title(label) for _, label in discover.links(html, url))
    assert discover.builds_list_with_script(html)
    assert [f.name for f in families_for(html)] == ["jcms", "generic"]
    links, total = parse_datastore(html, url)
    assert links[0] == ("http://127.0.0.1:8101/art/2024/1/10/art_1229425797_4087123.html",
                        "南湖区人民政府办公室2023年度政府信息公开工作年度报告")
    params = proxy_params(html, url)
    assert params["columnid"] == "1229425797" and params["unitid"] == "8032"
    assert params["_proxy"] == "http://127.0.0.1:8101/module/jpage/dataproxy.jsp"


def test_jcms_dataproxy_answer_and_next_group():
    from scrapy.http import TextResponse

    family = by_name("jcms")
    html = page("jcms-column.html")
    url = "http://127.0.0.1:8101/col/col1229425797/index.html"
    first = family.list_requests(html, url, {"portal": "p"})[0]
    assert first.method == "POST" and "startrecord=1&endrecord=45" in first.url
    assert b"columnid=1229425797" in first.body
    answer = TextResponse(first.url, body=page("jcms-dataproxy.xml").encode("utf-8"),
                          encoding="utf-8", request=first)
    listing = family.read_answer(answer)
    assert ("http://127.0.0.1:8101/art/2023/1/18/art_1229425797_3999001.html",
            "南湖区人民政府办公室2022年度政府信息公开工作年度报告") in listing.links
    assert len(listing.requests) == 1 and "startrecord=46&endrecord=90" in listing.requests[0].url


def test_scope():
    portal = {"allowed_hosts": ["www.jiaxing.gov.cn", "*.jiaxing.gov.cn", "127.0.0.1:8101"]}
    assert in_scope(portal, "https://www.jiaxing.gov.cn/art/1.html")
    assert in_scope(portal, "http://nanhu.jiaxing.gov.cn/")
    assert in_scope(portal, "http://127.0.0.1:8101/a")
    assert not in_scope(portal, "http://127.0.0.1:8102/a")
    assert not in_scope(portal, "http://jiaxing.gov.cn.mirror.example.com/a")
    assert not in_scope(portal, "ftp://www.jiaxing.gov.cn/a")


def test_seeds_are_validated(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("- name: x\n  url: notaurl\n", encoding="utf-8")
    with pytest.raises(SeedsError, match="not an http"):
        load_seeds(bad)
    bad.write_text("- name: x\n  url: http://a.gov.cn/\n  colour: red\n", encoding="utf-8")
    with pytest.raises(SeedsError, match="unknown field"):
        load_seeds(bad)
    good = tmp_path / "good.yml"
    good.write_text("- name: 嘉兴\n  url: https://www.jiaxing.gov.cn/\n", encoding="utf-8")
    assert load_seeds(good)[0]["allowed_hosts"] == ["www.jiaxing.gov.cn", "jiaxing.gov.cn"]  # www. and bare
    assert load_seeds(good)[0]["id"] == "www-jiaxing-gov-cn"


def test_shipped_seeds_files_are_valid():
    seeds_dir = Path(__file__).resolve().parent.parent / "seeds"
    for path in seeds_dir.glob("*.yml"):
        portals = load_seeds(path)
        assert portals and all(p["allowed_hosts"] for p in portals)


def test_traps_and_special_pages():
    assert discover.is_trap("http://a.gov.cn/calendar/?date=2019-01-02")
    assert discover.is_trap("http://a.gov.cn/list.jsp?a=1&b=2&c=3&d=4")
    assert not discover.is_trap("http://a.gov.cn/col/col1/index.html?uid=1&pageNum=2")
    assert discover.is_challenge_page('<html><script>document.cookie="__jsl_clearance=1"</script></html>')
    assert not discover.is_challenge_page((PAGES / "trs-list.html").read_text(encoding="utf-8"))
    assert discover.is_not_found_page("<html><title>404 页面不存在</title><p>您访问的页面不存在</p></html>")
    assert discover.is_homepage("http://a.gov.cn/index.html") and not discover.is_homepage("http://a.gov.cn/art/1.html")


def test_jpaas_list_unit_answer():
    from scrapy.http import TextResponse

    family = by_name("jpaas")
    url = "http://127.0.0.1:8107/col/col1229614437/index.html"
    html = page("jpaas-column.html")
    assert "jpaas" in [f.name for f in families_for(html)]
    first = family.list_requests(html, url, {"portal": "p"})[0]
    assert "/api-gateway/jpaas-publish-server/front/page/build/unit?" in first.url and "pageId=1229614437" in first.url
    answer = TextResponse(first.url, body=page("jpaas-answer.json").encode("utf-8"), encoding="utf-8", request=first)
    listing = family.read_answer(answer)
    reports = [link for link in listing.links if discover.is_report_title(link[1])]
    assert reports == [("http://127.0.0.1:8107/col/col1229614437/art/2024/art_3f9a0c1d2e4b.html",
                        "嘉兴市生态环境局2023年度政府信息公开工作年度报告")]
    assert len(listing.requests) == 1 and "pageNo" in urllib.parse.unquote(listing.requests[0].url)


def test_jcms_jiangsu_get_variant_and_annual_report_lists():
    family = by_name("jcms")
    url = "http://www.example.gov.cn/col/col79446/index.html"
    html = ('<div id="4021"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="/module/web/jpage/'
            'dataproxy.jsp?page=1&appid=1&webid=38&path=/&columnid=79446&unitid=4021&webname=x&permissiontype=0">'
            '</a>]]></nextgroup><recordset></recordset></datastore></script></div>'
            '<a href="/module/xxgk/xxgkAnnualReport.jsp?area=330402000000&fbtime=2023">年报</a>')
    requests = family.list_requests(html, url, {"portal": "p"})
    proxy = [r for r in requests if "dataproxy" in r.url]
    assert len(proxy) == 1 and proxy[0].method == "GET"
    assert "/module/web/jpage/dataproxy.jsp?page=1" in proxy[0].url and "columnid=79446" in proxy[0].url
    annual = [r for r in requests if "xxgkAnnualReport" in r.url]
    assert len(annual) == 6 and "area=330402000000" in annual[0].url and "fbtime=" in annual[0].url


TITLE = "青田县人民政府2023年政府信息公开工作年度报告"


@pytest.mark.parametrize("body, base, want", [
    # <base href> decides resolution, relative to the page
    (f'<head><base href="/uploads/nb/"></head><a href="t1.html">{TITLE}</a>', "http://h/xxgk/nb/index.html",
     "http://h/uploads/nb/t1.html"),
    (f'<head><base href="../../cms/"></head><a href="t1.html">{TITLE}</a>', "http://h/xxgk/nb/index.html",
     "http://h/cms/t1.html"),
    # an image map's area, a GET form's button (hidden fields as the query)
    (f'<map><area href="/gk/2023/bg.html" alt="{TITLE}"></map>', "http://h/gk/", "http://h/gk/2023/bg.html"),
    (f'<form action="/gk/bg.jsp"><input type="hidden" name="id" value="7"><button>{TITLE}</button></form>',
     "http://h/gk/", "http://h/gk/bg.jsp?id=7"),
    # the title beside the link: the li's title, the row's title cell, the image's alt
    (f'<ul><li title="{TITLE}"><span>青田县…</span><a href="/a/1.html">【详情】</a></li></ul>', "http://h/", "http://h/a/1.html"),
    (f'<table><tr><td>{TITLE}</td><td><a href="/a/2.html">查看</a></td><td>2024-01-10</td></tr></table>',
     "http://h/", "http://h/a/2.html"),
    (f'<ul><li><a href="/a/3.html"><img src="/i.png" alt="{TITLE}"></a></li></ul>', "http://h/", "http://h/a/3.html"),
])
def test_links_as_a_browser_reads_them(body, base, want):
    found = dict(discover.links(f"<html>{body}</html>", base))
    assert want in found, found
    assert discover.is_report_link(found[want]), found[want]


def test_a_row_with_several_links_labels_none_of_them():
    html = f'<ul><li>{TITLE} <a href="/a.html">查看</a> <a href="/b.html">下载</a></li></ul>'
    assert not any(discover.is_report_link(label) for _, label in discover.links(html, "http://h/"))


def test_link_rel_next_is_the_lists_next_page():
    html = '<head><link rel="next" href="/nb/index_1.html"></head><ul></ul>'
    assert "http://h/nb/index_1.html" in discover.pagination(html, "http://h/nb/index.html")


def test_a_report_named_without_a_year_is_a_report_link_in_a_list_only():
    label = "青田县人民政府政府信息公开工作年度报告"
    assert not discover.is_report_link(label) and discover.is_report_link(label, in_list=True)
    assert not discover.is_report_link("政府信息公开年度报告", in_list=True)  # a column's name
    assert not discover.is_report_link("青田县政府信息公开工作年度报告图解", in_list=True)


def _trs_pager_spellings():
    """TRS pager scripts as sites write them: (script, list page, expected page files)."""
    base = "http://h/zwgk/nb/"
    for ext in ("html", "shtml", "htm"):
        want = [f"{base}index_{n}.{ext}" for n in range(1, 4)]
        yield f'<script>createPageHTML(4, 0, "index", "{ext}");</script>', f"{base}index.{ext}", want
        yield (f'<script>var countPage = 4//共多少页\nvar currentPage = 1;'
               f'createPageHTML(countPage, currentPage, "index", "{ext}");</script>'), f"{base}index_1.{ext}", want
        yield (f"<script>var currentPage=0; var countPage=4;\ncreatePageHTML( countPage , currentPage ,'index','{ext}' )"
               "</script>"), f"{base}index.{ext}", want
        # only the count: the page files spelt as the list page itself
        yield "<script>var countPage = 4;</script>", f"{base}index.{ext}", want


@pytest.mark.parametrize("script,url,want", list(_trs_pager_spellings()))
def test_trs_pager_script_read_from_its_arguments(script, url, want):
    assert discover.pagination(f"<ul></ul>{script}", url) == want


def test_trs_pager_function_definition_is_not_a_call():
    js = ("<script>function createPageHTML(_nPageCount,_nCurrIndex,_sPageName,_sPageExt){}\n"
          'createPageHTML(3, 0, "index", "shtml");</script>')
    assert discover.pagination(js, "http://h/nb/index.shtml") == ["http://h/nb/index_1.shtml", "http://h/nb/index_2.shtml"]
