"""A generated replica of many TRS-style portals for the crawl benchmark: homepage →
政务公开 → 政府信息公开 → 年报 column with createPageHTML pagination, real report pages (the
沭阳 page with other organs and years), and distractors next to them (图解, 通知, 报表 entries,
a policy column, news) that the crawler must leave alone.

    python -m bench.portals DIR [PORTALS] [REPORTS_PER_PORTAL]
"""
from __future__ import annotations

import sys
from html import escape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT_PAGE = ROOT / "tests" / "files" / "samples" / "shuyang-fgj-2023.html"
COUNTIES = ["丰县", "沛县", "睢宁县", "邳州市", "新沂市", "如东县", "海安市", "启东市", "东海县", "灌云县",
            "灌南县", "涟水县", "盱眙县", "金湖县", "响水县", "滨海县", "阜宁县", "射阳县", "建湖县", "宝应县",
            "高邮市", "仪征市", "丹阳市", "扬中市", "句容市", "兴化市", "靖江市", "泰兴市", "泗阳县", "泗洪县"]
DEPARTMENTS = ["发展和改革局", "教育局", "科学技术局", "工业和信息化局", "公安局", "民政局", "司法局", "财政局",
               "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局", "交通运输局", "水利局",
               "农业农村局", "商务局", "文化广电和旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局", "审计局",
               "市场监督管理局", "统计局", "医疗保障局", "城市管理局", "行政审批局", "人民政府办公室", "信访局",
               "数据局", "林业局", "粮食和物资储备局", "地方金融监督管理局", "机关事务管理局", "体育局",
               "民族宗教事务局", "档案局", "住房公积金管理中心", "供销合作总社", "乡村振兴局", "人民防空办公室",
               "国有资产监督管理办公室", "城乡规划局"]
YEARS = [2023, 2022, 2021, 2020, 2019]
PER_PAGE = 20
DISTRACTORS = ["图解：{organ}{year}年政府信息公开工作年度报告", "关于做好{year}年政府信息公开工作年度报告编制工作的通知",
               "{county}{year}年政府网站工作年度报表"]

PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="SiteName" content="{county}人民政府">
<title>{title}</title><link rel="stylesheet" href="/css/site.css"></head>
<body><div class="top">{county}人民政府门户网站（生成的基准测试复刻）</div>
<div class="nav"><a href="/index.html">首页</a><a href="/zwgk/index.html">政务公开</a><a href="/zwfw/index.html">政务服务</a>
<a href="/hdjl/index.html">互动交流</a></div>
<div class="main">{main}</div>
<div class="footer">主办：{county}人民政府办公室　<a href="/index.html">返回首页</a></div></body></html>
"""


def _links(items) -> str:
    return "<ul class=\"list\">" + "".join(
        f'<li><a href="{href}" title="{escape(title)}">{escape(title)}</a><span>{date}</span></li>'
        for href, title, date in items) + "</ul>"


def report_page(template: str, county: str, organ: str, short: str, year: int) -> str:
    return (template.replace("沭阳县发展和改革局", organ).replace("沭阳县发改局", short)
            .replace("沭阳县", county).replace("2024", str(year + 1)).replace("2023", str(year)))


def generate(root: Path, portals: int, reports: int) -> dict:
    """Write the sites under root/p00 … ; returns {site: {"county", "pages", "reports"}}."""
    template = REPORT_PAGE.read_text(encoding="utf-8")
    sites = {}
    for k in range(portals):
        county = COUNTIES[k % len(COUNTIES)] + ("" if k < len(COUNTIES) else str(k))
        site = root / f"p{k:02d}"
        column = site / "zwgk" / "zfxxgk" / "zfxxgknb"
        column.mkdir(parents=True)
        (site / "zwgk" / "zcwj").mkdir()

        def write(path: Path, title: str, main: str) -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(PAGE.format(county=county, title=title, main=main), encoding="utf-8")

        write(site / "index.html", f"{county}人民政府", _links(
            [("/zwgk/index.html", "政务公开", ""), (f"/xwzx/202401/t20240105_{k}.htm", f"{county}召开全县经济工作会议", "2024-01-05")]))
        write(site / "xwzx" / "202401" / f"t20240105_{k}.htm", f"{county}召开全县经济工作会议", "<p>会议全文。</p>")
        write(site / "zwgk" / "index.html", "政务公开", _links(
            [("/zwgk/zfxxgk/index.html", "政府信息公开", ""), ("/zwgk/zcwj/index.html", "政策文件", "")]))
        write(site / "zwgk" / "zcwj" / "index.html", "政策文件", _links(
            [(f"/zwgk/zcwj/t2023010{i}_{i}.htm", f"{county}人民政府关于印发{2023 - i}年工作要点的通知", f"2023-01-0{i}")
             for i in range(1, 6)]))
        write(site / "zwgk" / "zfxxgk" / "index.html", "政府信息公开", _links(
            [("/zwgk/zfxxgk/zfxxgkzn/index.html", "政府信息公开指南", ""),
             ("/zwgk/zfxxgk/zfxxgknb/index.html", "政府信息公开年报", ""),
             ("/zwgk/zfxxgk/wzndbb/index.html", "政府网站工作年度报表", "")]))
        entries = []
        for i in range(reports):
            year = YEARS[i % len(YEARS)]
            dept = DEPARTMENTS[(i // len(YEARS)) % len(DEPARTMENTS)]
            organ = f"{county}{dept}" + ("" if i < len(YEARS) * len(DEPARTMENTS) else f"（{i}）")
            short = county + dept[:2] + dept[-1]
            stamp = f"{year + 1}01{1 + i % 28:02d}"
            href = f"./{stamp[:6]}/t{stamp}_{k * 10000 + i}.htm"
            (column / stamp[:6]).mkdir(exist_ok=True)
            (column / href[2:]).write_text(report_page(template, county, organ, short, year), encoding="utf-8")
            entries.append((href, f"{organ}{year}年政府信息公开工作年度报告", f"{year + 1}-01-{stamp[-2:]}"))
            if i % 10 == 9:  # a distractor beside every tenth report
                title = DISTRACTORS[(i // 10) % len(DISTRACTORS)].format(organ=organ, year=year, county=county)
                d_href = f"./{stamp[:6]}/t{stamp}_{k * 10000 + i}_d.htm"
                write(column / d_href[2:], title, f"<h1>{escape(title)}</h1><p>正文。</p>")
                entries.append((d_href, title, f"{year + 1}-01-{stamp[-2:]}"))
        pages = [entries[i:i + PER_PAGE] for i in range(0, len(entries), PER_PAGE)] or [[]]
        for n, chunk in enumerate(pages):
            pager = (f'<div class="page"><script>var countPage = {len(pages)};'
                     f'createPageHTML({len(pages)}, {n}, "index", "html");</script></div>')
            write(column / ("index.html" if n == 0 else f"index_{n}.html"), "政府信息公开年报", _links(chunk) + pager)
        sites[site.name] = {"county": county, "pages": len(pages), "reports": reports}
    return sites


def seeds(path: Path, urls: dict[str, str], sites: dict) -> Path:
    import urllib.parse

    import yaml

    entries = [{"id": f"bench-{name}", "name": f"{sites[name]['county']}人民政府（生成）", "url": url,
                "region": f"江苏省{sites[name]['county']}", "level": "county",
                "allowed_hosts": [urllib.parse.urlsplit(url).netloc]} for name, url in urls.items()]
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


if __name__ == "__main__":
    out = Path(sys.argv[1])
    print(generate(out, int(sys.argv[2]) if len(sys.argv) > 2 else 24, int(sys.argv[3]) if len(sys.argv) > 3 else 210))
