"""Round 4 of the world's attacks: bombs and dead hosts.

- files(): documents for `python -m extract` that are small on disk and enormous once read —
  a PNG of 50,000 × 50,000 px (1 bit, 0.3 MB), a JPEG declaring 65,000 × 65,000, a TIFF of
  10,000 pages (a multi-page scan), a PDF whose one image is 50,000 × 50,000 px, a PDF page
  of 200 × 200 inches (a scan rendered at OCR resolution), a PDF of 10,000 pages of text
  whose page objects sit in object streams under a page tree that declares 1, XML entity
  bombs (billion laughs) in a DOCX, an XLSX's shared strings, a flat ODT and an XHTML page,
  a DOCX whose zip directory declares 1 KB for a member that inflates to 1 GB, and a DOCX of
  10,000 pages without docProps.
- unreachable(): crawl portals that cannot be reached in different ways — refused, a name
  that does not resolve, a host that accepts and never answers (blackhole), 503 with
  Retry-After: 86400 or an HTTP date in 2100, a 429 storm, a gzip bomb list page, a gzip and
  a brotli bomb report, a doubly gzip-encoded bomb, a list a script draws from an API that
  answers a gzip bomb — beside healthy portals whose reports must be archived.

Every builder is seeded by its parameters; bytes are made once per process (cached).
"""
from __future__ import annotations

import functools
import io
import json
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field

from .attacks import R, W, _docx, _xlsx
from .portals import li, page, report_body, report_title
from .server import Answer

LABEL = "nanhu-2023"
TITLE = "某县人民政府2023年政府信息公开工作年度报告"


# --- files -------------------------------------------------------------------------------

def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


@functools.lru_cache(maxsize=None)
def png_bomb(side: int = 50_000) -> bytes:
    """A valid 1-bit grayscale PNG of side × side pixels, all white: ~0.3 MB on disk, side²
    bytes once a decoder expands it to 8-bit (2.5 GB at 50,000)."""
    row = b"\x00" + b"\xff" * ((side + 7) // 8)
    comp = zlib.compressobj(9)
    out = [comp.compress(row * 1000) for _ in range(side // 1000)]
    out.append(comp.compress(row * (side % 1000)))
    out.append(comp.flush())
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", b"".join(out))
            + _png_chunk(b"IEND", b""))


@functools.lru_cache(maxsize=None)
def jpeg_huge_header() -> bytes:
    """A small real JPEG whose SOF0 is patched to declare 65,000 × 65,000 px."""
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (64, 64), 255).save(buf, "JPEG")
    data = bytearray(buf.getvalue())
    i = data.find(b"\xff\xc0")
    data[i + 5:i + 9] = struct.pack(">HH", 65000, 65000)
    return bytes(data)


@functools.lru_cache(maxsize=None)
def tiff_pages(pages: int = 10_000) -> bytes:
    """A multi-page TIFF (a scanner's output) of `pages` pages of 2480 × 3508 px (A4 at 300
    dpi, 1 bit, PackBits), every page's IFD pointing at one shared strip: ~1.5 MB on disk,
    87 gigapixels to read."""
    w, h = 2480, 3508
    row = b"\x81\x00" * ((w // 8) // 128) + bytes([256 - ((w // 8) % 128) + 1, 0])  # PackBits runs of white
    strip = row * h
    out = bytearray(b"II*\x00") + b"\x00\x00\x00\x00"
    strip_at = len(out)
    out += strip
    first = len(out)
    struct.pack_into("<I", out, 4, first)
    tags = lambda nxt: [(256, 4, 1, w), (257, 4, 1, h), (258, 3, 1, 1), (259, 3, 1, 32773), (262, 3, 1, 0),
                        (273, 4, 1, strip_at), (277, 3, 1, 1), (278, 4, 1, h), (279, 4, 1, len(strip)),
                        (282, 5, 1, 0), (283, 5, 1, 0), (296, 3, 1, 2)]
    ifd_len = 2 + 12 * 12 + 4
    res_at = first + ifd_len * pages
    for k in range(pages):
        at = first + k * ifd_len
        nxt = at + ifd_len if k + 1 < pages else 0
        entries = b""
        for tag, typ, count, value in tags(nxt):
            if typ == 5:
                value = res_at
            entries += struct.pack("<HHI", tag, typ, count) + (struct.pack("<HH", value, 0) if typ == 3 else struct.pack("<I", value))
        out += struct.pack("<H", 12) + entries + struct.pack("<I", nxt)
    out += struct.pack("<II", 300, 1)
    return bytes(out)


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF from numbered object bodies (1-based), with a classic xref."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, root, xref)
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(data), extra) + data + b"\nendstream"


@functools.lru_cache(maxsize=None)
def pdf_image_bomb(side: int = 50_000) -> bytes:
    """A one-page PDF (a scan: no text) whose image is side × side 8-bit gray, Flate:
    side² bytes (2.5 GB) once decoded, ~2.5 MB in the file."""
    comp = zlib.compressobj(9)
    row = b"\xff" * side
    parts = [comp.compress(row * 100) for _ in range(side // 100)]
    parts.append(comp.flush())
    img = b"".join(parts)
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
             b"/Filter /FlateDecode /Length %d >>\nstream\n" % (side, side, len(img)) + img + b"\nendstream")
    content = _stream(b"q 595 0 0 842 0 0 cm /Im0 Do Q", compress=False)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 5 0 R >> >> "
                 b"/Contents 4 0 R >>", content, image])


@functools.lru_cache(maxsize=None)
def pdf_huge_page() -> bytes:
    """A one-page scan-like PDF (no text) whose page is 14,400 pt square (200 inches, PDF's
    largest), a small image stretched over it: 60,000 × 60,000 px at 300 dpi."""
    img = zlib.compress(b"\x80" * 64 * 64)
    image = (b"<< /Type /XObject /Subtype /Image /Width 64 /Height 64 /ColorSpace /DeviceGray /BitsPerComponent 8 "
             b"/Filter /FlateDecode /Length %d >>\nstream\n" % len(img) + img + b"\nendstream")
    content = _stream(b"q 14400 0 0 14400 0 0 cm /Im0 Do Q", compress=False)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 14400 14400] /Resources << /XObject << /Im0 5 0 R >> >> "
                 b"/Contents 4 0 R >>", content, image])


@functools.lru_cache(maxsize=None)
def pdf_objstm_pages(pages: int = 10_000, declared: int = 1) -> bytes:
    """A PDF 1.5 of `pages` pages of text (the report's title and a table-3 line each) whose
    page dictionaries are packed in object streams (no `/Type /Page` in the file's bytes),
    under a page tree that declares `declared`; xref stream, no classic xref."""
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    # object numbers: 1 catalog, 2 pages, 3 font, then per page: content stream (outside),
    # page dict (inside an object stream); object streams last, then the xref stream
    n_content0 = 4
    n_page0 = n_content0 + pages
    n_objstm0 = n_page0 + pages
    per_stm = 1000
    n_stms = (pages + per_stm - 1) // per_stm
    n_xref = n_objstm0 + n_stms
    plain: dict[int, bytes] = {}
    kids = b" ".join(b"%d 0 R" % (n_page0 + i) for i in range(pages))
    plain[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    plain[2] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % declared
    plain[3] = font
    for i in range(pages):
        text = b"BT /F1 10 Tf 50 800 Td (2023 report page %d: total 12 34 56 78) Tj ET" % (i + 1)
        plain[n_content0 + i] = _stream(text)
    stm_objs: dict[int, bytes] = {}
    index = {}  # obj -> (stm, position)
    for s in range(n_stms):
        members = list(range(n_page0 + s * per_stm, min(n_page0 + (s + 1) * per_stm, n_page0 + pages)))
        bodies, head, off = [], [], 0
        for k, num in enumerate(members):
            body = (b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 3 0 R>>>>"
                    b"/Contents %d 0 R>>" % (n_content0 + (num - n_page0)))
            head.append(b"%d %d" % (num, off))
            bodies.append(body)
            off += len(body) + 1
            index[num] = (n_objstm0 + s, k)
        header = b" ".join(head) + b"\n"
        raw = header + b"\n".join(bodies)
        stm_objs[n_objstm0 + s] = _stream(raw, b" /Type /ObjStm /N %d /First %d" % (len(members), len(header)))
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for num in sorted({**plain, **stm_objs}):
        offsets[num] = len(out)
        out += b"%d 0 obj\n" % num + (plain.get(num) or stm_objs[num]) + b"\nendobj\n"
    rows = [struct.pack(">BIH", 0, 0, 65535)]
    for num in range(1, n_xref + 1):
        if num in offsets:
            rows.append(struct.pack(">BIH", 1, offsets[num], 0))
        elif num in index:
            rows.append(struct.pack(">BIH", 2, index[num][0], index[num][1]))
        else:  # the xref stream itself
            rows.append(struct.pack(">BIH", 1, len(out), 0))
    xref_data = b"".join(rows)
    xref_at = len(out)
    out += (b"%d 0 obj\n" % n_xref + _stream(xref_data, b" /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (n_xref + 1))
            + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_at)
    return bytes(out)


def _laughs(levels: int = 10, width: int = 10) -> str:
    """A DTD whose entity &lol{levels-1}; expands to width**levels copies (10**10 = 10 G)."""
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * width}">' for i in range(1, levels)]
    return "".join(ents)


def docx_laughs() -> bytes:
    doc = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE w:document [{_laughs()}]><w:document {W}><w:body>'
           f'<w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>')
    return _docx("", extra={"word/document.xml": doc})


def xlsx_laughs() -> bytes:
    strings = (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE sst [{_laughs()}]><sst xmlns='
               '"http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
               f'<si><t>{TITLE}</t></si><si><t>&lol9;</t></si></sst>')
    return _xlsx(sheet_extra='<row r="2"><c r="A2" t="s"><v>1</v></c></row>',
                 wb_rels=f'<Relationship Id="rIdS" Type="{R}/sharedStrings" Target="sharedStrings.xml"/>',
                 ct='<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>',
                 extra={"xl/sharedStrings.xml": strings})


def fodt_laughs() -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE office:document [{_laughs()}]>'
            '<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
            'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2" '
            'office:mimetype="application/vnd.oasis.opendocument.text"><office:body><office:text>'
            f'<text:p>{TITLE}</text:p><text:p>&lol9;</text:p></office:text></office:body></office:document>').encode()


def xhtml_laughs() -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE html [{_laughs()}]>'
            '<html xmlns="http://www.w3.org/1999/xhtml"><head><title>' + TITLE + '</title></head><body>'
            f'<h1>{TITLE}</h1><table><tr><td>&lol9;</td></tr></table></body></html>').encode()


def docx_lying_sizes(inflated_mb: int = 1024) -> bytes:
    """A DOCX whose document.xml inflates to `inflated_mb` MB while the zip's local header and
    central directory both declare 1 KB (readers that trust the directory stop at it; those
    that inflate the stream do not)."""
    body = (f'<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body><w:p><w:r><w:t>{TITLE}</w:t></w:r></w:p>'
            '<w:p><w:r><w:t>').encode()
    tail = b"</w:t></w:r></w:p></w:body></w:document>"
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [comp.compress(body)]
    chunk = b" " * (1 << 20)
    parts += [comp.compress(chunk) for _ in range(inflated_mb)]
    parts += [comp.compress(tail), comp.flush()]
    deflated = b"".join(parts)
    honest = _docx("")
    import zipfile

    src = zipfile.ZipFile(io.BytesIO(honest))
    members = [(i.filename, src.read(i.filename)) for i in src.infolist() if i.filename != "word/document.xml"]
    out, central = bytearray(), bytearray()

    def add(name: str, raw: bytes, data: bytes, method: int, crc: int, size: int):
        off = len(out)
        n = name.encode()
        out.extend(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, crc, len(data), size, len(n), 0) + n + data)
        central.extend(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, method, 0, 0x21, crc, len(data), size,
                                   len(n), 0, 0, 0, 0, 0, off) + n)
    for name, raw in members:
        add(name, raw, raw, 0, zlib.crc32(raw), len(raw))
    add("word/document.xml", b"", deflated, 8, 0, 1024)
    cd_at = len(out)
    count = len(members) + 1
    out.extend(central)
    out.extend(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(central), cd_at, 0))
    return bytes(out)


def docx_many_pages(pages: int = 10_000) -> bytes:
    """A DOCX of `pages` pages (a page break after each line of a table-3 row), no
    docProps/app.xml to declare them."""
    para = ('<w:p><w:r><w:t>（一）予以公开 12 0 0 0 0 0 12</w:t></w:r><w:r><w:br w:type="page"/></w:r></w:p>')
    return _docx(para * pages)


FILES = {
    "png-50000px": ("bomb.png", png_bomb),
    "jpeg-65000px-header": ("huge.jpg", jpeg_huge_header),
    "tiff-10000-pages": ("scan.tif", tiff_pages),
    "pdf-image-50000px": ("scan.pdf", pdf_image_bomb),
    "pdf-200-inch-page": ("poster.pdf", pdf_huge_page),
    "pdf-10000-pages-objstm": ("long.pdf", pdf_objstm_pages),
    "docx-billion-laughs": ("laughs.docx", docx_laughs),
    "xlsx-billion-laughs": ("laughs.xlsx", xlsx_laughs),
    "fodt-billion-laughs": ("laughs.fodt", fodt_laughs),
    "xhtml-billion-laughs": ("laughs.xhtml", xhtml_laughs),
    "docx-lying-zip-sizes": ("lying.docx", docx_lying_sizes),
    "docx-10000-pages": ("long.docx", docx_many_pages),
}


# --- portals that cannot be reached ---------------------------------------------------------

@dataclass
class Portal:
    name: str
    how: str  # healthy, refused, dns, blackhole, retry-after-day, 429-storm, gzip-bomb-list, …
    organ: str
    routes: dict = field(default_factory=dict)
    reports: list = field(default_factory=list)  # paths that must be archived
    dead: list = field(default_factory=list)  # paths that cannot be fetched (one error each)
    host: str = ""  # set for dns (a name), refused/blackhole (an address:port)


def _healthy(p: Portal, n: int, prefix: str = "/xxgk/nb"):
    items = []
    for i, year in enumerate((2023, 2022)[:n]):
        path = f"{prefix}/{year}/t{year + 1}0120_{i}.html"
        p.routes[path] = Answer(200, report_body(LABEL, p.organ, year).encode())
        p.reports.append(path)
        items.append(li(path, report_title(p.organ, year)))
    p.routes[f"{prefix}/index.html"] = Answer(200, page("政府信息公开年报", "<ul>" + "".join(items) + "</ul>").encode())
    return f"{prefix}/index.html"


def _home(p: Portal, *columns: str):
    links = "".join(f'<li><a href="{c}">政府信息公开年报{"" if k == 0 else f"（{k}）"}</a></li>' for k, c in enumerate(columns))
    p.routes["/"] = Answer(200, page(p.organ, f'<ul><li><a href="/about.html">本站概况</a></li>{links}</ul>').encode())


@functools.lru_cache(maxsize=None)
def gzip_bomb(mb: int = 1024, head: bytes = b"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>"
              b"\xe5\xb9\xb4\xe6\x8a\xa5</title></head><body><p>", layers: int = 1) -> bytes:
    """gzip of an HTML head then `mb` MB of spaces (~1 MB compressed at 1 GB); `layers`
    times (gzip, gzip: each layer ~1000× smaller)."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(head)]
    chunk = b" " * (1 << 20)
    parts += [comp.compress(chunk) for _ in range(mb)]
    parts.append(comp.flush())
    data = b"".join(parts)
    for _ in range(layers - 1):
        data = _gzip(data)
    return data


def _gzip(data: bytes) -> bytes:
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    return comp.compress(data) + comp.flush()


@functools.lru_cache(maxsize=None)
def brotli_bomb(mb: int = 1024) -> bytes:
    import brotli

    comp = brotli.Compressor(quality=5, lgwin=24)
    parts = [comp.process(b"<!DOCTYPE html><html><body><p>")]
    chunk = b" " * (1 << 20)
    parts += [comp.process(chunk) for _ in range(mb)]
    parts.append(comp.finish())
    return b"".join(parts)


def _encoded(body: bytes, encoding: str, content_type: str = "text/html; charset=utf-8"):
    def send(h):
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.send_header("Content-Encoding", encoding)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if h.command != "HEAD":
            try:
                h.wfile.write(body)
            except OSError:
                pass
    return send


class Storm:
    """Answers 429 (Retry-After: 1) to the first `refusals` requests of every path."""

    def __init__(self, routes: dict, refusals: int = 2):
        self.routes, self.refusals, self.seen, self.lock = routes, refusals, {}, threading.Lock()

    def wrap(self):
        out = {}
        for path, ans in self.routes.items():
            out[path] = self._guard(path, ans)
        return out

    def _guard(self, path, ans):
        def send(h):
            with self.lock:
                k = self.seen[path] = self.seen.get(path, 0) + 1
            if k <= self.refusals and path != "/robots.txt":
                body = b"<html><body>429 Too Many Requests</body></html>"
                h.send_response(429)
                h.send_header("Retry-After", "1")
                h.send_header("Content-Type", "text/html")
                h.send_header("Content-Length", str(len(body)))
                h.end_headers()
                h.wfile.write(body)
                return
            h.send_response(ans.status)
            h.send_header("Content-Type", ans.content_type)
            h.send_header("Content-Length", str(len(ans.body)))
            h.end_headers()
            h.wfile.write(ans.body)
        return send


def retry_after(seconds: int | str = 86400, body: bytes = b"<html><body>503 Service Unavailable</body></html>"):
    def send(h):
        h.send_response(503)
        h.send_header("Retry-After", str(seconds))
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)
    return send


class Blackhole:
    """Accepts TCP connections and never answers (holds them until stopped)."""

    def __init__(self, host: str):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(256)
        self.port = self.sock.getsockname()[1]
        self.conns, self._stop = [], False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        self.sock.settimeout(0.5)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
                self.conns.append((time.time(), conn))
            except socket.timeout:
                continue
            except OSError:
                return

    def stop(self):
        self._stop = True
        for _, c in self.conns:
            c.close()
        self.sock.close()


def refused_port(host: str) -> int:
    """A port on `host` where nothing listens (bound, then closed)."""
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


HOW = ["refused", "dns", "blackhole", "retry-after-day", "retry-after-date", "429-storm", "gzip-bomb-list",
       "gzip-bomb-report", "brotli-bomb-report", "gzip-gzip-report", "browser-api-bomb"]


def portal(i: int, how: str, organ: str) -> Portal:
    """One portal of the crawl: healthy ones publish two reports; the others fail `how`,
    beside a healthy column where the failure is on one path."""
    p = Portal(f"{how}-{i}", how, organ)
    if how in ("healthy", "refused", "dns", "blackhole"):
        col = _healthy(p, 2)
        _home(p, col)
        if how != "healthy":
            p.dead, p.reports = ["/"], []
        return p
    col = _healthy(p, 1)
    if how in ("retry-after-day", "retry-after-date"):
        p.routes["/xxgk/nb2/index.html"] = retry_after(86400 if how == "retry-after-day" else "Fri, 31 Dec 2100 23:59:59 GMT")
        p.dead = ["/xxgk/nb2/index.html"]
        _home(p, col, "/xxgk/nb2/index.html")
    elif how == "429-storm":
        _home(p, col)
        p.routes.update(Storm(dict(p.routes)).wrap())
    elif how == "browser-api-bomb":
        # the only column: a list a script draws from two API calls — the first lists the real
        # report, the second answers a gzip bomb (JSON)
        rep = p.reports[0]
        good = json.dumps({"list": [{"u": rep, "t": report_title(organ, 2023)}]}, ensure_ascii=False).encode()
        p.routes["/api/nb2/list"] = Answer(200, good, content_type="application/json; charset=utf-8")
        p.routes["/api/nb2/more"] = _encoded(gzip_bomb(head=b'{"list":[{"t":"'), "gzip", "application/json; charset=utf-8")
        draw = ('function draw(d){document.getElementById("list").innerHTML+=d.list.map(function(x){return "<li><a href=\\""'
                '+x.u+"\\">"+x.t+"</a></li>";}).join("");}')
        p.routes["/xxgk/nb2/index.html"] = Answer(200, page("政府信息公开年报", '<ul id="list"></ul><script>' + draw +
                                                             'fetch("/api/nb2/list").then(function(r){return r.json();}).then(draw);'
                                                             'fetch("/api/nb2/more").then(function(r){return r.json();}).then(draw);'
                                                             '</script>').encode())
        p.dead = ["/api/nb2/more"]
        _home(p, "/xxgk/nb2/index.html")
    elif how == "gzip-bomb-list":
        p.routes["/xxgk/nb2/index.html"] = _encoded(gzip_bomb(), "gzip")
        p.dead = ["/xxgk/nb2/index.html"]
        _home(p, col, "/xxgk/nb2/index.html")
    else:
        bomb = {"gzip-bomb-report": (gzip_bomb(), "gzip"), "brotli-bomb-report": (brotli_bomb(), "br"),
                "gzip-gzip-report": (gzip_bomb(1024, layers=2), "gzip, gzip")}[how]
        path = "/xxgk/nb/2021/t20220120_9.html"
        p.routes[path] = _encoded(*bomb)
        p.dead = [path]
        index = p.routes["/xxgk/nb/index.html"].body.replace(
            b"</ul>", li(path, report_title(organ, 2021)).encode() + b"</ul>")
        p.routes["/xxgk/nb/index.html"] = Answer(200, index)
        _home(p, col)
    return p
