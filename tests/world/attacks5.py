"""Round 5 of the world's attacks: seeds rows as seeds/china writes them (https, allowed
hosts www.X and X) whose portals turn hostile — the homepage redirects off the portal (to a
commercial host, to another government host), or the registry row carries a port the
allowed hosts do not — on real host names answered by the crawl's resolver
(tests/dns_map.py) and a canary that counts every connection to the hosts outside."""
from __future__ import annotations

from .portals import Builder, li, page, report_title
from .portals5 import HostBuilder, Portal

ROWS = ["redirect-commercial", "redirect-other-gov", "refresh-commercial", "port-row", "healthy"]


def build(row: str, canary_port: int) -> tuple[Portal, dict]:
    """The portal of one hostile row, and how its seed entry differs from seeds/china's."""
    domain = {"redirect-commercial": "hs1", "redirect-other-gov": "hs2", "refresh-commercial": "hs3",
              "port-row": "hs4", "healthy": "hs5"}[row]
    b0 = Builder("seed5", row, __import__("random").Random(row), f"{domain}县人民政府")
    p = Portal(b0.case, domain)
    p.case.routes = {}
    p.redirects = {("http", p.www): ("https", p.www), ("http", p.bare): ("https", p.www),
                   ("https", p.bare): ("https", p.www)}
    b = HostBuilder(p, p.www)
    col = "/zwgk/zfxxgknb/index.html"
    path = "/zwgk/zfxxgknb/202401/t20240120_1.html"
    b.report(path, 2023)
    b.add(col, page("政府信息公开年报", "<ul>" + li(path, report_title(p.case.organ, 2023)) + "</ul>"))
    home = page(p.case.organ, f'<a href="{col}">政府信息公开年报</a>')
    seed: dict = {}
    outside = f"www.baidu.com:{canary_port}" if row != "redirect-other-gov" else f"www.zjzwfw.gov.cn:{canary_port}"
    if row in ("redirect-commercial", "redirect-other-gov"):
        b.add("/", b"", status=302, headers=[("Location", f"http://{outside}/index.html")])
        p.case.reports.clear()  # nothing to find: the portal's own homepage sends the crawl away
    elif row == "refresh-commercial":
        b.add("/", page(p.case.organ, "<p>网站升级中</p>",
                        head=f'<meta http-equiv="refresh" content="0;url=http://{outside}/">'))
        p.case.reports.clear()
    elif row == "port-row":
        # the registry row names port 8443 (seeds/china keeps it in the allowed hosts); the
        # site's pages link their column absolute, without the port (both ports answer)
        seed = {"port": 8443}
        b.add("/", page(p.case.organ, f'<a href="https://{p.www}{col}">政府信息公开年报</a>'))
    else:
        b.add("/", home)
    return p, seed


OUTSIDE_NAMES = ["www.baidu.com", "www.zjzwfw.gov.cn"]


# --- the public site over hostile archive rows ------------------------------------------------

HOSTILE_ROWS = {
    # name: (organ, title, body_text) — what a page or a file may carry into the archive
    "rtl-organ": ("平潭县\u202e人民政府", None, None),  # an unterminated right-to-left override
    "control-title": (None, "平潭县2023年\x00政府信息\x07公开\x1b[31m工作年度报告\x7f", None),
    "huge-title": (None, "政府信息公开工作年度报告" * 90_000, None),  # ≈ 1 MB in one cell
    "huge-body": (None, None, "本机关认真贯彻落实条例。" * 320_000),  # ≈ 11.5 MB of text (the site limit: 10 MiB)
    "zero-width-organ": ("平\u200b潭\u200d县\ufeff人民政府", None, None),
}


def hostile_archive(path) -> dict:
    """An archive of one labelled report saved once per hostile row (archive/store.py, as a
    crawl saves it), the row's organ / title / text in place of the real ones."""
    from archive.schema import open_archive
    from archive.store import save_portal, save_report
    from extract import extract_bytes

    from ..conftest import label
    from ..layouts import to_html

    db = open_archive(path)
    save_portal(db, {"id": "hostile5", "name": "平潭县人民政府", "url": "https://www.pingtan.gov.cn/",
                     "region": "福建省平潭县", "level": "county", "allowed_hosts": ["www.pingtan.gov.cn"]})
    base = extract_bytes(to_html(label("pingtan-2021")).encode("utf-8"), "pingtan-2021.html")
    ids = {}
    for k, (name, (organ, title, body)) in enumerate(HOSTILE_ROWS.items()):
        result = dict(base)
        if organ:
            result["agency"] = organ
        if title:
            result["title"] = title
        if body:
            result["body_text"] = body
        ids[name], _ = save_report(db, result, url=f"https://www.pingtan.gov.cn/zwgk/nb/{k}.html", portal="hostile5",
                                   fetched_at="2024-01-20T00:00:00Z", run="hostile5-run")
    db.conn.commit()
    db.conn.close()
    return ids
