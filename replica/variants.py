"""Replica variants, generated from one description (replica/variants.yml).

    python -m replica.variants OUT       # writes OUT/<origin>/… and OUT/variants.json

Every family × spelling × placement becomes one small portal (a few reports, two
distractors, a list over several pages) with its list configuration written the way real
portals write it. Sites are grouped into origins (one server each): a root-placed site has
its own origin; sub-path sites share one origin per loopback host, under /<name>/. Links in
the pages never name a port, so the origins can be served on any free port:

    python -m replica --root OUT --site ORIGIN=HOST:PORT ...

`long_column()` builds one column of N reports over N/page_size list pages linked only by
首页/上一页/下一页/尾页 (the generic family's pager), for the long-list test.
"""
from __future__ import annotations

import json
import sys
import zlib
from dataclasses import asdict, dataclass, field
from html import escape
from pathlib import Path

import yaml

DESCRIPTION = Path(__file__).resolve().with_name("variants.yml")
DIGITS = "〇一二三四五六七八九"


@dataclass
class Variant:
    name: str  # e.g. jcms-jiangsu-subpath
    family: str
    spelling: str
    placement: str  # root | subpath
    host: str
    origin: str  # the folder (and server) it is served from
    prefix: str  # "/" or "/<name>/"
    organ: str
    reports: list = field(default_factory=list)  # paths of the report pages
    distractors: list = field(default_factory=list)
    routes: list = field(default_factory=list)  # route names expected in crawl_runs.route


def description() -> dict:
    return yaml.safe_load(DESCRIPTION.read_text(encoding="utf-8"))


def page(title: str, body: str, head: str = "") -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8">{head}<title>{escape(title)}</title>'
            f'</head>\n<body>\n<div class="top">{escape(title)}（复刻 · 测试用）</div>\n<div class="main">\n{body}\n</div>\n'
            f'<div class="footer">复刻页面，仅供本地测试</div>\n</body></html>\n')


# The three national tables of a real report (南湖区 2023, tests/files/labels), so variant
# report pages have a real report's size and content.
LABEL = Path(__file__).resolve().parent.parent / "tests" / "files" / "labels" / "nanhu-2023.json"


def report_page(title: str, organ: str, year: int, tables: bool = True) -> str:
    narrative = (f'<p>本报告由{escape(organ)}根据《中华人民共和国政府信息公开条例》编制，统计期限为{year}年1月1日至12月31日。</p>'
                 f'<p>一、总体情况 {year}年，{escape(organ)}主动公开政府信息{100 + year % 100}条。</p>')
    if tables and LABEL.is_file():
        from . import tables as t

        lab = json.loads(LABEL.read_text(encoding="utf-8"))
        narrative += ("<p><strong>二、主动公开政府信息情况</strong></p>" + t.active_2021(lab["active"], {})
                      + "<p><strong>三、收到和处理政府信息公开申请情况</strong></p>"
                      + t.applications(lab["applications"], "2021", {})
                      + "<p><strong>四、政府信息公开行政复议、行政诉讼情况</strong></p>" + t.review(lab["review_litigation"]))
    body = (f'<h1>{escape(title)}</h1><div id="zoom">{narrative}'
            f'<p>五、存在的主要问题及改进情况 公开质量仍需提高。</p></div>')
    return page(title, body, head=f'<meta name="ArticleTitle" content="{escape(title)}">'
                                   f'<meta name="PubDate" content="{year + 1}-01-15 09:00">')


def link_items(records: list) -> str:
    return "<ul class=\"list\">" + "".join(
        f'<li><a href="{r["url"]}" title="{escape(r["title"])}">{escape(r["title"])}</a><span>{r["date"]}</span></li>'
        for r in records) + "</ul>"


class SiteWriter:
    """Writes one site's files below its origin folder, paths relative to its prefix."""

    def __init__(self, out: Path, variant: Variant):
        self.base = out / variant.origin / variant.prefix.strip("/")
        self.v = variant

    def url(self, path: str) -> str:
        return self.v.prefix + path.lstrip("/")

    def write(self, path: str, text: str) -> None:
        target = self.base / path.lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")

    def data(self, name: str, rows) -> None:
        self.write(f"_data/{name}", json.dumps(rows, ensure_ascii=False, indent=1))


def records_for(v: Variant, n_reports: int, article) -> list:
    """Reports and two distractors, newest first, each written as an article page."""
    records = []
    for i in range(n_reports):
        year = 2021 + i
        records.append({"kind": "report", "year": year, "title": f"{v.organ}{year}年政府信息公开工作年度报告",
                        "date": f"{year + 1}-01-15"})
    last = 2020 + n_reports
    records.append({"kind": "distractor", "year": last, "title": f"图解：{v.organ}{last}年政府信息公开工作年度报告",
                    "date": f"{last + 1}-01-20"})
    records.append({"kind": "distractor", "year": last, "title": f"{v.organ}{last}年政府网站工作年度报表",
                    "date": f"{last + 1}-01-10"})
    records.sort(key=lambda r: r["date"], reverse=True)
    for n, r in enumerate(records):
        r["url"] = article(r, n)
    return records


def build_site(out: Path, v: Variant, spec: dict, n_reports: int, page_size: int) -> None:
    w = SiteWriter(out, v)
    family = v.family
    builder = BUILDERS[family]
    column_link = builder(w, v, spec, n_reports, page_size)
    w.write("index.html", page(f"{v.organ}门户", '<a href="xxgk/index.html">信息公开</a>'
                               '<a href="about.html">网站介绍</a>'))
    w.write("xxgk/index.html", page("信息公开", f'<ul><li><a href="{column_link}">政府信息公开年报</a></li>'
                                             '<li><a href="../xxgk/zn.html">政府信息公开指南</a></li></ul>'))
    w.write("xxgk/zn.html", page("政府信息公开指南", "<p>指南。</p>"))
    w.write("about.html", page("网站介绍", "<p>本站为复刻测试站点。</p>"))


def _articles(w: SiteWriter, v: Variant, records: list) -> None:
    for r in records:
        if r["kind"] == "report":
            v.reports.append(r["url"])
            w.write(r["url"][len(v.prefix) - 1:], report_page(r["title"], v.organ, r["year"]))
        else:
            v.distractors.append(r["url"])
            w.write(r["url"][len(v.prefix) - 1:], page(r["title"], f"<h1>{escape(r['title'])}</h1><p>（略）</p>"))


def _plain(records: list) -> list:
    return [{"url": r["url"], "title": r["title"], "date": r["date"]} for r in records]


def build_jcms(w: SiteWriter, v: Variant, spec: dict, n: int, page_size: int) -> str:
    col = "1229" + str(zlib.crc32(v.name.encode()) % 10**6).zfill(6)
    records = records_for(v, n, lambda r, i: w.url(f"art/{r['year'] + 1}/1/{10 + i}/art_{col}_{4087000 + i}.html"))
    _articles(w, v, records)
    w.data(f"columns/{col}.json", _plain(records))
    proxy = w.url(spec["proxy"])
    keys = {"lower": ("columnid", "unitid", "webid"), "camel": ("columnId", "unitId", "webId")}[spec["keys"]]
    config = (f'<script>var jpageConfig = {{proxyUrl: "{proxy}", method: "{spec["method"]}", '
              f'{keys[0]}: "{col}", {keys[1]}: "8033", {keys[2]}: "33", perpage: {page_size}}};</script>')
    nextgroup = (f'<div id="8033"><script type="text/xml"><datastore><nextgroup><![CDATA[<a href="{proxy}?page=1&'
                 f'webid=33&path=/&columnid={col}&unitid=8033&permissiontype=0"></a>]]></nextgroup>'
                 f'<recordset></recordset></datastore></script></div>') if spec.get("nextgroup") else '<div id="list"></div>'
    w.write(f"col/col{col}/index.html", page("政府信息公开年报", "<h2>政府信息公开年报</h2>" + nextgroup + config +
                                            f'<script src="{w.url("module/jpage/jpage.js")}"></script>'))
    v.routes.append("jcms dataproxy")
    return w.url(f"col/col{col}/index.html")


def build_gkmlpt(w: SiteWriter, v: Variant, spec: dict, n: int, page_size: int) -> str:
    category = str(5 + len(v.name) % 7)
    sid = str(4400 + len(v.name))
    records = records_for(v, n, lambda r, i: w.url(f"gkmlpt/content/2/{r['year'] + 1}/post_{2587000 + i}.html"))
    _articles(w, v, records)
    w.data(f"gkmlpt-{category}.json", _plain(records))
    script = ("<script>\nfunction show(cat, page) {\n"
              f"  fetch('api/all/' + cat + '?page=' + page + '&sid=' + {spec['sid_key']}).then(function (r) {{ return r.json(); }})\n"
              "    .then(function (d) { document.getElementById('list').innerHTML = d.articles.map(function (a) {\n"
              "      return \"<li><a href='\" + a.url + \"'>\" + a.title + \"</a></li>\"; }).join(''); });\n}\n")
    if spec["category"] == "config":
        script += (f"var {spec['sid_key']} = '{sid}';\nvar gkmlptConfig = {{api: '{w.url('gkmlpt/api/')}', "
                   f"category: {category}}};\nshow(gkmlptConfig.category, 1);\n</script>")
        w.write("gkmlpt/annualreport/index.html", page("政府信息公开年报", '<div id="list"></div>' + script))
        link = w.url("gkmlpt/annualreport/index.html")
    else:  # the catalogue page: the category is the fragment of the link that opened it
        script += f"var {spec['sid_key']} = \"{sid}\";\nshow(location.hash.slice(1), 1);\n</script>"
        w.write("gkmlpt/index", page("政府信息公开目录", '<div class="tree"></div><div id="list"></div>' + script))
        link = w.url(f"gkmlpt/index#{category}")
    v.routes.append("gkmlpt API")
    return link


def build_jpaas(w: SiteWriter, v: Variant, spec: dict, n: int, page_size: int) -> str:
    page_id = "1229" + str(600000 + len(v.name))
    col = f"col/col{page_id}"
    records = records_for(v, n, lambda r, i: w.url(f"{col}/art/{r['year'] + 1}/art_{i:04x}5f3a9c0d1e2b.html"))
    _articles(w, v, records)
    w.data(f"jpaas-{page_id}.json", _plain(records))
    k = {"camel": ("webId", "pageId", "unitId"), "upper": ("WEBID", "PAGEID", "UNITID")}[spec["keys"]]
    api = w.url("api-gateway/jpaas-publish-server/front/page/build/unit")
    script = (f"<script>\nvar unitConfig = {{{k[0]}: 'a3f9c2', {k[1]}: '{page_id}', {k[2]}: '6821033'}};\n"
              f"fetch('{api}?webId=' + unitConfig.{k[0]} + '&pageId=' + unitConfig.{k[1]} + '&unitId=' + unitConfig.{k[2]} +\n"
              "  '&paramJson=' + encodeURIComponent(JSON.stringify({pageNo: 1, pageSize: 15})))\n"
              "  .then(function (r) { return r.json(); }).then(function (d) { document.getElementById('list').innerHTML = d.data.html; });\n"
              "</script>")
    w.write(f"{col}/index.html", page("政府信息公开年报", '<div id="list">加载中…</div>' + script))
    v.routes.append("jpaas unit API")
    return w.url(f"{col}/index.html")


def build_trs(w: SiteWriter, v: Variant, spec: dict, n: int, page_size: int) -> str:
    base = "zwgk/zfxxgknb"
    records = records_for(v, n, lambda r, i: w.url(f"{base}/{r['year'] + 1}01/t{r['year'] + 1}0115_{80500 + i}.html"))
    _articles(w, v, records)
    chunks = [records[i:i + page_size] for i in range(0, len(records), page_size)]
    for k, chunk in enumerate(chunks):
        items = [dict(r, url="./" + r["url"][len(w.url(base)) + 1:]) for r in chunk]
        w.write(f"{base}/index{'' if k == 0 else f'_{k}'}.html", page("政府信息公开年报", link_items(items)
                + f'<div class="page"><script>var countPage = {len(chunks)};'
                  f'createPageHTML({len(chunks)}, {k}, "index", "html");</script></div>'))
    v.routes.append("static links")
    return w.url(f"{base}/index.html")


def pager_pages(w: SiteWriter, folder: str, records: list, page_size: int, title: str = "政府信息公开年报") -> str:
    """list_1.html … list_N.html linked only by 首页/上一页/下一页/尾页."""
    chunks = [records[i:i + page_size] for i in range(0, len(records), page_size)] or [[]]
    last = len(chunks)
    for k, chunk in enumerate(chunks, 1):
        nav = [f'<a href="list_1.html">首页</a>']
        nav.append(f'<a href="list_{k - 1}.html">上一页</a>' if k > 1 else "<span>上一页</span>")
        nav.append(f'<a href="list_{k + 1}.html">下一页</a>' if k < last else "<span>下一页</span>")
        nav.append(f'<a href="list_{last}.html">尾页</a>')
        w.write(f"{folder}/list_{k}.html", page(title, link_items(chunk) + f'<div class="pager">共{last}页 '
                                                 + " ".join(nav) + "</div>"))
    return w.url(f"{folder}/list_1.html")


def build_generic(w: SiteWriter, v: Variant, spec: dict, n: int, page_size: int) -> str:
    records = records_for(v, n, lambda r, i: w.url(f"xxgk/ndbg/{r['year'] + 1}/0115/c40{i:05d}.html"))
    _articles(w, v, records)
    v.routes.append("static links")
    return pager_pages(w, "xxgk/ndbg", records, page_size)


UNKNOWN_LIST = """<h2>政府信息公开年报</h2>
<script>/* 旧版栏目（已迁移）*/ var oldJpage = {url: "/module/jpage/dataproxy.jsp", columnid: "1229001"};</script>
<ul id="docs" class="doclist"></ul><div class="pager"><a href="javascript:;" id="next">下一页</a></div>
<script>
/* A newer CMS: records from its own JSON API, items open the article by script. */
var pn = 1, pages = 1;
function load() {
  fetch('v3/docs/query?pn=' + pn + '&ps=' + {page_size} + '&channel=ndbg').then(function (r) { return r.json(); })
    .then(function (d) {
      pages = d.result.pages;
      document.getElementById('docs').innerHTML = d.result.records.map(function (a) {
        return "<li class='doc' data-id='" + a.docId + "'>" + a.docTitle + " <span>" + a.pubDate + "</span></li>"; }).join('');
      var items = document.querySelectorAll('#docs li');
      d.result.records.forEach(function (a, i) { items[i].onclick = function () { location.href = a.docHref; }; });
      if (pn >= pages) document.getElementById('next').className = 'disabled';
    });
}
document.getElementById('next').onclick = function () { if (pn < pages) { pn += 1; load(); } return false; };
load();
</script>"""


def build_unknown(w: SiteWriter, v: Variant, spec: dict, n: int, page_size: int) -> str:
    records = records_for(v, n, lambda r, i: w.url(f"open/docs/{r['year'] + 1}/doc_{7700 + i}.html"))
    _articles(w, v, records)
    w.data("docs.json", [{"docId": 7700 + i, "docTitle": r["title"], "docHref": r["url"], "pubDate": r["date"]}
                         for i, r in enumerate(records)])
    w.write("open/list.html", page("政府信息公开年报", UNKNOWN_LIST.replace("{page_size}", str(page_size))))
    v.routes.append("browser")
    return w.url("open/list.html")


BUILDERS = {"jcms": build_jcms, "gkmlpt": build_gkmlpt, "jpaas": build_jpaas, "trs": build_trs,
            "generic": build_generic, "unknown": build_unknown}


def _organ(k: int) -> str:
    return "复刻" + "".join(DIGITS[int(d)] for d in f"{k + 1:02d}") + "县人民政府"


def build(out: Path, spec: dict | None = None) -> list[Variant]:
    """Every variant of the description, written below `out`; also out/variants.json."""
    spec = spec or description()
    hosts, variants = spec["hosts"], []
    k = 0
    for family, spellings in spec["families"].items():
        for spelling in spellings:
            for placement in spec["placements"]:
                name = f"{family}-{spelling['spelling']}-{placement}"
                host = hosts[k % len(hosts)]
                origin = name if placement == "root" else f"shared-{host.replace('.', '-')}"
                prefix = "/" if placement == "root" else f"/{family}-{spelling['spelling']}/"
                v = Variant(name=name, family=family, spelling=spelling["spelling"], placement=placement,
                            host=host, origin=origin, prefix=prefix, organ=_organ(k))
                build_site(out, v, spelling, spec["reports"], spec["page_size"])
                variants.append(v)
                k += 1
    for origin in {v.origin for v in variants if v.placement == "subpath"}:
        # The shared host's own homepage links every portal on it: each is scoped to its path.
        siblings = [v for v in variants if v.origin == origin]
        SiteWriter(out, Variant("", "", "", "", "", origin, "/", "")).write(
            "index.html", page("共享主机", "".join(f'<a href="{v.prefix}index.html">{v.organ}</a>' for v in siblings)))
        for v in siblings:  # and each portal links its neighbour's report column (out of its scope)
            other = siblings[(siblings.index(v) + 1) % len(siblings)]
            if other is not v:
                path = out / origin / v.prefix.strip("/") / "about.html"
                path.write_text(page("网站介绍", f'<a href="{other.prefix}xxgk/index.html">信息公开</a>'), encoding="utf-8")
    (out / "variants.json").write_text(json.dumps([asdict(v) for v in variants], ensure_ascii=False, indent=1),
                                       encoding="utf-8")
    return variants


def origins(variants: list[Variant]) -> dict[str, str]:
    """origin folder -> loopback host it is served on."""
    return {v.origin: v.host for v in variants}


def long_column(out: Path, n_reports: int, page_size: int, origin: str = "long") -> Variant:
    """One portal whose column lists `n_reports` reports over n/page_size pages (pager links only)."""
    v = Variant(name=origin, family="generic", spelling="pager", placement="root", host="127.0.0.1",
                origin=origin, prefix="/", organ="复刻长列表县人民政府")
    w = SiteWriter(out, v)
    records = []
    for i in range(n_reports):
        organ = f"复刻长列表县第{i + 1}号单位"
        year = 2021 + i % 4
        url = w.url(f"xxgk/ndbg/{year + 1}/c{i:05d}.html")
        records.append({"url": url, "title": f"{organ}{year}年政府信息公开工作年度报告", "date": f"{year + 1}-01-15"})
        w.write(url, report_page(records[-1]["title"], organ, year, tables=False))
        v.reports.append(url)
    column = pager_pages(w, "xxgk/ndbg", records, page_size)
    w.write("index.html", page(v.organ, '<a href="xxgk/index.html">信息公开</a>'))
    w.write("xxgk/index.html", page("信息公开", f'<a href="{column}">政府信息公开年报</a>'))
    return v


if __name__ == "__main__":
    built = build(Path(sys.argv[1]))
    print(f"{len(built)} variants in {sys.argv[1]}")
