"""Hostile cases that try to make the archive reach inward: every one points at the canary
(replica/canary.py), an internal service that must never be hit. Made from descriptions:
each way a portal can lead a request (a link, a redirect, a chain of redirects) × each
spelling of an internal address; plus robots.txt and the sitemap redirected inward, a
script-built list whose scripts reach inward in every way a page can, and office documents
whose images are linked to the canary (LibreOffice must not fetch them)."""
from __future__ import annotations

import io
import zipfile

# How a link can spell the canary's address ({port}: the canary's port).
SPELLINGS = {
    "dotted": "127.0.0.1:{port}",
    "localhost, another port": "localhost:{port}",
    "decimal": "2130706433:{port}",
    "hex": "0x7f000001:{port}",
    "octal": "0177.0.0.1:{port}",
    "short": "127.1:{port}",
    "IPv6 loopback": "[::1]:{port}",
    "IPv4-mapped IPv6": "[::ffff:127.0.0.1]:{port}",
    "unspecified": "0.0.0.0:{port}",
}
# How a page of the portal leads there: the number of the portal's own redirects first.
WAYS = {"link": 0, "redirect": 1, "chain of redirects": 3}
ORGANS = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"


def cases() -> list[dict]:
    """One case per way × spelling: its path on the portal, its list title, and where it ends."""
    out = []
    for i, (way, hops) in enumerate(WAYS.items()):
        for j, (spelling, netloc) in enumerate(SPELLINGS.items()):
            n = i * len(SPELLINGS) + j
            organ = f"{ORGANS[n % len(ORGANS)]}{ORGANS[n // len(ORGANS)]}内部县人民政府"
            target = f"http://{netloc}/inward/{way.replace(' ', '-')}/{n}.html"
            out.append({"id": n, "description": f"{way} to the canary, {spelling}", "hops": hops,
                        "path": f"/inward/{n}/0.html" if hops else None, "target": target,
                        "title": f"{organ}2023年政府信息公开工作年度报告"})
    return out


def list_items(port: int) -> list[tuple[str, str]]:
    """(href, title) of every case, as the hostile column lists them."""
    return [(case["path"] or case["target"].format(port=port), case["title"]) for case in cases()]


def redirect(path: str, port: int) -> str | None:
    """Where a case's redirect on the portal sends: the next hop, then the canary."""
    parts = path.strip("/").split("/")
    if len(parts) != 3 or parts[0] != "inward" or not parts[1].isdigit():
        return None
    by_id = {case["id"]: case for case in cases()}
    case, hop = by_id.get(int(parts[1])), int(parts[2].split(".")[0])
    if case is None or not case["hops"]:
        return None
    return f"/inward/{case['id']}/{hop + 1}.html" if hop + 1 < case["hops"] else case["target"].format(port=port)


def script_list(canary: str, other_port_canary: str) -> str:
    """A list page built by script whose scripts reach the canary in every way a page can:
    fetch (no-cors and cors), an image, a stylesheet, an iframe, a same-origin XHR redirected
    inward, a WebSocket, a dedicated worker, a service worker, a popup, and a navigation."""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>政府信息公开年报</title>
<link rel="stylesheet" href="{canary}/browser/css"></head><body><ul id="list"></ul>
<img src="{canary}/browser/img"><iframe src="{canary}/browser/iframe"></iframe>
<script>
const C = "{canary}";
fetch(C + "/browser/fetch-no-cors", {{mode: "no-cors"}}).catch(() => {{}});
fetch(C + "/browser/fetch-cors").catch(() => {{}});
fetch("{other_port_canary}/browser/fetch-localhost").catch(() => {{}});
const x = new XMLHttpRequest(); x.open("GET", "/inward/browser/xhr-redirect"); x.send();
try {{ new WebSocket(C.replace("http", "ws") + "/browser/ws"); }} catch (e) {{}}
try {{ new Worker(URL.createObjectURL(new Blob(["fetch('" + C + "/browser/worker').catch(()=>0)"],
                                              {{type: "text/javascript"}}))); }} catch (e) {{}}
if (navigator.serviceWorker) navigator.serviceWorker.register("/inward/browser/sw.js").catch(() => {{}});
try {{ window.open(C + "/browser/popup"); }} catch (e) {{}}
fetch("/inward/browser/list.json").then(r => r.json()).then(items => {{
  for (const [href, title] of items) {{
    const li = document.createElement("li"); const a = document.createElement("a");
    a.href = href; a.textContent = title; li.appendChild(a); document.getElementById("list").appendChild(li);
  }}
}}).catch(() => {{}});
</script></body></html>"""


def service_worker(canary: str) -> str:
    return f"self.addEventListener('install', () => fetch('{canary}/browser/service-worker').catch(() => 0));"


def docx_external_image(url: str, title: str) -> bytes:
    """A DOCX with an image whose relationship is external (TargetMode="External")."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pic = ('<w:drawing><wp:inline xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing">'
           '<wp:extent cx="952500" cy="952500"/><wp:docPr id="1" name="p"/>'
           '<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
           '<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
           '<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">'
           '<pic:nvPicPr><pic:cNvPr id="1" name="p"/><pic:cNvPicPr/></pic:nvPicPr>'
           '<pic:blipFill><a:blip r:link="rIdImg"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>'
           '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="952500" cy="952500"/></a:xfrm>'
           '<a:prstGeom prst="rect"/></pic:spPr></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing>')
    document = (f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{w}" xmlns:r="{r}"><w:body>'
                f'<w:p><w:r><w:t>{title}</w:t></w:r></w:p><w:p><w:r>{pic}</w:r></w:p>'
                f'<w:p><w:r><w:t>一、总体情况</w:t></w:r></w:p></w:body></w:document>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.'
                   'openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType='
                   '"application/xml"/><Override PartName="/word/document.xml" ContentType="application/'
                   'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
                   'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/_rels/document.xml.rels",
                   '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/relationships"><Relationship Id="rIdImg" Type="http://schemas.openxmlformats.org/'
                   f'officeDocument/2006/relationships/image" Target="{url}" TargetMode="External"/>'
                   '</Relationships>')
        z.writestr("word/document.xml", document)
    return buf.getvalue()


def odt_linked_image(url: str, title: str) -> bytes:
    """An ODT whose image is linked (xlink:href to a URL), not embedded."""
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
               'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" '
               'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" '
               'xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"><office:body><office:text>'
               f'<text:p>{title}</text:p><text:p><draw:frame draw:name="p" svg:width="2cm" svg:height="2cm">'
               f'<draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
               '</draw:frame></text:p><text:p>一、总体情况</text:p></office:text></office:body></office:document-content>')
    manifest = ('<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:'
                'opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
                'manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry '
                'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def linked_documents(canary: str) -> dict[str, tuple[bytes, str]]:
    """File name -> (bytes, MIME type) of the office documents whose images live at the canary."""
    title = "某县人民政府2023年政府信息公开工作年度报告"
    return {
        "external-image.docx": (docx_external_image(f"{canary}/office/docx-image.png", title),
                                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        "linked-image.odt": (odt_linked_image(f"{canary}/office/odt-image.png", title),
                             "application/vnd.oasis.opendocument.text"),
    }
