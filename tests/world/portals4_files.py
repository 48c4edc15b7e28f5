"""The file-shaped classes of round 4's portals (tests/world/portals4.py): reports that are
files behind a viewer, shown by the report page, posted as page images or zipped, and
sites whose pages are XHTML — with the helpers that serve the files the test makes
(Chromium's PDFs, screenshots cut into pages)."""
from __future__ import annotations

import copy
import html
import json
import random
import re
from urllib.parse import quote

from ..conftest import label
from ..layouts import to_html
from .portals import Builder, Case, Report, li, page, report_body, report_title
from .portals3 import SELF, _label_for
from .server import Answer

PDF_TYPE = "application/pdf"
B64 = "__B64__"  # __B64__/path__B64__: quote(base64("http://host:port/path")) once served


def _pdf_report(b: Builder, path: str, year: int, organ: str | None = None) -> Report:
    """A report published as a PDF (Chromium's print of the report page, made by the test)."""
    organ = organ or b.case.organ
    name = _label_for(b, year)
    lab = copy.deepcopy(label(name))
    lab["agency"], lab["report_year"] = organ, year
    b.case.pdfs.append((path, to_html(lab)))
    rep = Report(path, name, organ, year)
    b.case.reports.append(rep)
    return rep


def pdfjs_viewer(b: Builder, spelling: str):
    """Links to a viewer page whose script fetches the file named in its query."""
    col = "/xxgk/zfxxgknb/index.html"
    viewer = ('<div id="outerContainer"><div id="toolbar">第 <span id="pageNumber">1</span> 页</div>'
              '<div id="viewerContainer"><div id="viewer" class="pdfViewer">正在加载…</div></div></div>'
              '<script>var q=new URLSearchParams(location.search);var f=q.get("file")||'
              '(q.get("url")?decodeURIComponent(escape(atob(q.get("url")))):"");'
              'fetch(f).then(function(r){return r.arrayBuffer();}).then(function(a){'
              'document.getElementById("viewer").textContent="PDF "+a.byteLength+" 字节";});</script>')
    b.add("/static/pdfjs/web/viewer.html", page("PDF.js viewer", viewer))
    b.add("/onlinePreview", page("kkFileView 文件预览", viewer))
    items = []
    for i, year in enumerate(b.years[:3]):
        pdf = f"/upload/{year + 1}/01/P0{year + 1}0120{i}86.pdf"
        rep = _pdf_report(b, pdf, year)
        href = {"plain": f"/static/pdfjs/web/viewer.html?file={pdf}",
                "encoded": f"/static/pdfjs/web/viewer.html?file={quote(pdf, safe='')}",
                "full-url": f"/static/pdfjs/web/viewer.html?file={quote('http://' + SELF + pdf, safe='')}",
                "kkfileview": f"/onlinePreview?url={B64}{pdf}{B64}"}[spelling]
        rep.also = (href,)
        items.append(li(html.escape(href), report_title(b.case.organ, year)))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def _pieces(path: str) -> str:
    """A path as a JS expression of pieces (no URL in the page's text)."""
    cut = [path[:5], path[5:11], path[11:]]
    return "+".join(json.dumps(c) for c in cut)


def _as_xhtml(text: str, encoding: str) -> bytes:
    from .captures4 import XHTML

    text = text.replace("<!DOCTYPE html>", f'<?xml version="1.0" encoding="{encoding}"?>\n' + XHTML)
    text = re.sub(r"<html[^>]*>", '<html xmlns="http://www.w3.org/1999/xhtml">', text, count=1)
    text = re.sub(r'<meta charset="[^"]*">', f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}" />', text)
    return text.encode("gb18030" if encoding != "utf-8" else "utf-8")


def xhtml_pages(b: Builder, spelling: str):
    """Every page of the site XHTML 1.0 with an XML declaration naming its encoding (utf-8,
    or gb2312 over GBK bytes), served as text/html without a charset, as older CMS
    templates do."""
    enc = {"utf8": "utf-8", "gbk": "gb2312"}[spelling]
    col = "/zfxxgk/ndbg/index.htm"
    items = []
    for i, year in enumerate(b.years[:3]):
        path = f"/zfxxgk/ndbg/{year + 1}01/t{year + 1}0116_{330 + i}.htm"
        name = _label_for(b, year)
        b.add(path, _as_xhtml(report_body(name, b.case.organ, year), enc), content_type="text/html")
        b.case.reports.append(Report(path, name, b.case.organ, year))
        items.append(li(path, report_title(b.case.organ, year)))
    b.add(col, _as_xhtml(page("政府信息公开年度报告", "<ul>" + "".join(items) + "</ul>"), enc), content_type="text/html")
    b.add("/", _as_xhtml(page(b.case.organ, f'<a href="{col}">政府信息公开年度报告</a>'), enc), content_type="text/html")


def embedded_pdf(b: Builder, spelling: str):
    """The report page is an article whose body shows the PDF: `<iframe src=…pdf>`,
    `<embed type=application/pdf>`, `<object data=…pdf>`, PDFObject.embed() by script — or
    sends the reader on to it at once (meta refresh 0, location.replace)."""
    col = "/xxgk/gknb/index.html"
    items = []
    for i, year in enumerate(b.years[:3]):
        pdf = f"/u/cms/www/{year + 1}01/{20 + i}1530{i}7.pdf"
        rep = _pdf_report(b, pdf, year)
        art = f"/xxgk/gknb/{year + 1}01/t{year + 1}0120_{800 + i}.html"
        rep.also = (art,)
        viewer = {"iframe": f'<iframe src="{pdf}" width="100%" height="900"></iframe>',
                  "embed": f'<embed src="{pdf}" type="application/pdf" width="100%" height="900">',
                  "object": f'<object data="{pdf}" type="application/pdf" width="100%" height="900">'
                            '<p>您的浏览器不支持PDF预览。</p></object>',
                  "pdfobject": f'<div id="pdfbox"></div><script>var PDFObject={{embed:function(u,t){{var e='
                               f'document.createElement("embed");e.src=u;e.type="application/pdf";e.style.width="100%";'
                               f'e.style.height="900px";document.querySelector(t).appendChild(e);}}}};'
                               f'PDFObject.embed({_pieces(pdf)},"#pdfbox");</script>',
                  "meta-refresh": f'<p>正在打开，请稍候……</p><meta http-equiv="refresh" content="0;url={pdf}">',
                  "script-location": f'<p>正在跳转……</p><script>window.location.replace({_pieces(pdf)});</script>'}[spelling]
        title = report_title(b.case.organ, year)
        b.add(art, page(title, f"<h1>{html.escape(title)}</h1><p>发布时间：{year + 1}-01-20 来源：{html.escape(b.case.organ)}"
                               f"办公室</p><div class=\"article\">{viewer}</div>"))
        items.append(li(art, title))
    b.add(col, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>"))
    b.home(col)


def page_images(b: Builder, spelling: str):
    """The report published as one image per page inside its article (a 图片版 report read by
    OCR); the images are screenshots of the report page, made by the test (`case.shots`)."""
    col = "/xxgk/nb/index.html"
    year = 2023
    name = "nanhu-2023"
    lab = copy.deepcopy(label(name))
    lab["agency"], lab["report_year"] = b.case.organ, year
    art = "/xxgk/nb/202401/t20240125_900.html"
    imgs = [f"/xxgk/nb/202401/W02024012590{k}.{'png' if spelling == 'png' else 'jpg'}" for k in range(2)]
    b.case.shots.append((imgs, to_html(lab)))
    title = report_title(b.case.organ, year)
    b.add(art, page(title, f"<h1>{html.escape(title)}</h1>" + "".join(f'<p><img src="{u}" alt=""></p>' for u in imgs)))
    b.case.reports.append(Report(art, name, b.case.organ, year))
    b.add(col, page("政府信息公开年报", "<ul>" + li(art, title) + "</ul>"))
    b.home(col)


def _zip_bundle(members: list[tuple[str, bytes]], gbk_names: bool) -> bytes:
    """A zip as Windows' 压缩 makes it: names in GBK without the UTF-8 flag (`gbk_names`), or
    UTF-8 names with the flag (bit 11) as 7-Zip/WinRAR write them."""
    import struct
    import zlib

    out, central = bytearray(), bytearray()
    for name, data in members:
        raw = name.encode("gbk" if gbk_names else "utf-8")
        flag = 0 if gbk_names else 0x800
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flag, 8, 0, 0x21, crc, len(packed), len(data), len(raw), 0) + raw + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flag, 8, 0, 0x21, crc, len(packed), len(data),
                               len(raw), 0, 0, 0, 0, 0, off) + raw
    at = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), at, 0)
    return bytes(out)


def zip_bundle(b: Builder, spelling: str):
    """The departments' reports published as one zip (各部门2023年度政府信息公开工作年度报告.zip),
    each member a DOCX named for its organ; names in GBK without the UTF-8 flag, or UTF-8."""
    from .captures import docx

    col = "/xxgk/bmnb/"
    year = 2023
    members = []
    zpath = "/xxgk/bmnb/202401/P020240130512.zip"
    for i, d in enumerate(["教育局", "民政局", "财政局", "水利局"]):
        organ = b.case.organ.replace("人民政府", d)
        chosen = _label_for(b, year)
        lab = copy.deepcopy(label(chosen))
        lab["agency"], lab["report_year"] = organ, year
        data, _ = docx(lab, random.Random(i))
        members.append((f"各部门{year}年度年报/{organ}{year}年政府信息公开工作年度报告.docx", data))
        b.case.reports.append(Report(zpath, chosen, organ, year))
    b.case.routes[zpath] = Answer(200, _zip_bundle(members, spelling == "gbk-names"), [], "application/zip")
    title = f"{b.case.organ.replace('人民政府', '')}各部门{year}年度政府信息公开工作年度报告"
    art = "/xxgk/bmnb/202401/t20240130_513.html"
    b.add(art, page(title, f"<h1>{html.escape(title)}</h1><p>现将各部门{year}年度政府信息公开工作年度报告予以公开。</p>"
                           f'<p>附件：<a href="{zpath}">{html.escape(title)}.zip</a></p>'))
    b.add(col, page("部门年报", "<ul>" + li(art, title) + "</ul>"))
    b.home(col, "部门年报")


def bind_pdfs(case: Case, printed: dict) -> None:
    """Serve the printed PDFs (path -> bytes) at their paths."""
    for path, data in printed.items():
        case.routes[path] = Answer(200, data, [], PDF_TYPE)


def bind_shots(case: Case, screenshot) -> None:
    """Serve each page image: `screenshot(html) -> PNG bytes` of the whole report page,
    cut into as many pages as the case names (PNG or JPEG, as the path says)."""
    import io

    from PIL import Image

    for paths, text in case.shots:
        im = Image.open(io.BytesIO(screenshot(text))).convert("RGB")
        h = im.height // len(paths)
        for k, path in enumerate(paths):
            buf = io.BytesIO()
            part = im.crop((0, k * h, im.width, (k + 1) * h))
            part.save(buf, "PNG" if path.endswith(".png") else "JPEG", quality=85)
            case.routes[path] = Answer(200, buf.getvalue(), [], "image/png" if path.endswith(".png") else "image/jpeg")
