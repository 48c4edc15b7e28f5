"""Round 4 of the world's captures: renderings of the labelled reports rounds 1–3
(captures.py, captures3.py) and issue 18's layouts do not make.

- RENDERINGS (pure Python, (label, rnd) -> (bytes, suffix)):
  `div-grid`: every table drawn with CSS-grid `<div>`s (no `<table>`), spans as grid spans,
  some figures in full-width digits; `div-flex`: one flex `<div>` per row, a rowspanned
  label printed on its first row only (the cells below it blank), widths by flex-grow;
  `xhtml-decl-utf8` / `xhtml-decl-gbk`: the plain report page as XHTML 1.0 with an XML
  declaration naming its encoding (`<?xml version="1.0" encoding="utf-8"?>`, or gb2312
  over GBK bytes), as older CMS templates write it; `xlsx-sheets`: a workbook as an Excel
  user makes it, the text on a first sheet and one sheet per table named for it (表二 …).
- PRINTED (Chromium print-to-PDF, then rewritten by `pdf_fonts`):
  `pdf-no-tounicode`: the fonts' /ToUnicode maps removed — the text layer is glyph ids, what
  a PDF made by some converters gives (a reader must not take glyph ids for figures);
  `pdf-permuted-digits`: the /ToUnicode maps send each digit glyph to another digit (an
  anti-copy font: the page shows 168, the text layer says 935); `pdf-two-columns`: the
  whole report in two CSS columns (text and tables flow down the left, then the right).
- SCANS (OCR; minutes a page, only with WORLD_CASES=all): `scan-rotated` (the page image
  turned 90° inside an image PDF, as a landscape scan), `scan-skewed` (turned 1.5° on a
  white page, as a sheet fed crooked), `html-table-images` (the report page with each
  table replaced by its screenshot, a data: PNG).

The truth is the label: a reading may leave a cell undetermined, never give another value.
"""
from __future__ import annotations

import base64
import html
import io
import random
import re
import zlib

from ..layouts import HEADINGS, parts, to_html
from .captures import FULL, _doc, _table

# --- CSS tables -------------------------------------------------------------------------------


def _placed(rows):
    """(row, col, text, rowspan, colspan) of each cell, the grid a browser lays out."""
    placed, occupied = [], set()
    for r, row in enumerate(rows):
        col = 0
        for t, rs, cs in row:
            while (r, col) in occupied:
                col += 1
            placed.append((r, col, t, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, col + dc))
            col += cs
    return placed


def _figure(t: str, rnd) -> str:
    """Some figures typed in full-width digits (the editor's input method), seeded."""
    if re.fullmatch(r"\d+(\.\d+)?", t) and rnd.random() < 0.3:
        return t.translate(FULL)
    return t


def _div_grid(rows, rnd) -> str:
    placed = _placed(rows)
    width = 1 + max(c + cs - 1 for _, c, _, _, cs in placed)
    cells = "".join(
        f'<div class="td" style="grid-column:{c + 1} / span {cs};grid-row:{r + 1} / span {rs};border:1px solid #999;'
        f'padding:2px">{html.escape(_figure(t, rnd))}</div>' for r, c, t, rs, cs in placed)
    return f'<div class="table" style="display:grid;grid-template-columns:repeat({width},1fr)">{cells}</div>'


def _div_flex(rows, rnd) -> str:
    """One flex row per table row; a rowspanned cell on its first row, blank cells below."""
    placed = _placed(rows)
    height = 1 + max(r + rs - 1 for r, _, _, rs, _ in placed)
    width = 1 + max(c + cs - 1 for _, c, _, _, cs in placed)
    by_row = {r: [] for r in range(height)}
    for r, c, t, rs, cs in placed:
        by_row[r].append((c, t, cs))
        for dr in range(1, rs):
            by_row[r + dr].append((c, "", cs))
    out = []
    for r in range(height):
        cells = "".join(f'<div class="cell" style="flex:{cs} {cs} 0;border:1px solid #999;padding:2px">'
                        f'{html.escape(_figure(t, rnd))}</div>' for c, t, cs in sorted(by_row[r]))
        out.append(f'<div class="row" style="display:flex">{cells}</div>')
    return f'<div class="list-table" data-cols="{width}">' + "".join(out) + "</div>"


def div_grid(label, rnd):
    return _doc(label, [_div_grid(t, rnd) for t in parts(label)["tables"]]).encode("utf-8"), "html"


def div_flex(label, rnd):
    return _doc(label, [_div_flex(t, rnd) for t in parts(label)["tables"]]).encode("utf-8"), "html"


XHTML = ('<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
         '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">')


def _xhtml(label, encoding: str, rnd) -> bytes:
    """The report page as XHTML 1.0 with an XML declaration naming its encoding, as older
    CMSs (TRS WCM, 2000s templates) write it; a BOM before it in some seeds."""
    page = to_html(label).replace("<!DOCTYPE html>", f'<?xml version="1.0" encoding="{encoding}"?>\n' + XHTML)
    page = page.replace("<html>", '<html xmlns="http://www.w3.org/1999/xhtml">').replace(
        '<meta charset="utf-8">', f'<meta http-equiv="Content-Type" content="text/html; charset={encoding}" />')
    data = page.encode("gb18030" if encoding.lower() in ("gb2312", "gbk") else "utf-8")
    return (b"\xef\xbb\xbf" + data) if encoding.lower() == "utf-8" and rnd.random() < 0.5 else data


def xhtml_utf8(label, rnd):
    return _xhtml(label, rnd.choice(["utf-8", "UTF-8"]), rnd), "html"


def xhtml_gbk(label, rnd):
    return _xhtml(label, rnd.choice(["gb2312", "GBK"]), rnd), "html"


RENDERINGS = {"div-grid": div_grid, "div-flex": div_flex, "xhtml-decl-utf8": xhtml_utf8, "xhtml-decl-gbk": xhtml_gbk}

# --- PDFs whose fonts lie ----------------------------------------------------------------------

_OBJ = re.compile(rb"(\d+) 0 obj\s*(.*?)endobj", re.S)


def _objects(data: bytes) -> tuple[dict, bytes]:
    objs = {int(m.group(1)): m.group(2) for m in _OBJ.finditer(data)}
    trailer = re.findall(rb"trailer\s*(<<.*?>>)", data, re.S)[-1]
    return objs, trailer


def _write(objs: dict, trailer: bytes) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    size = max(objs) + 1
    offsets = {}
    for n in sorted(objs):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objs[n].rstrip() + b"\nendobj\n"
    at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join((b"%010d 00000 n \n" % offsets[n]) if n in offsets else b"0000000000 65535 f \n"
                    for n in range(1, size))
    trailer = re.sub(rb"/Size \d+", b"/Size %d" % size, trailer)
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % at
    return bytes(out)


def _stream_of(body: bytes) -> tuple[bytes, bytes]:
    i = body.index(b"stream")
    raw = body[i + 6:].lstrip(b"\r\n")
    raw = raw[:raw.rindex(b"endstream")].rstrip(b"\r\n")
    return body[:i], zlib.decompressobj().decompress(raw)


def _cmap_pairs(cmap: bytes) -> list[tuple[int, int, int]]:
    """(code, width in bytes, unicode) of every mapping of a ToUnicode CMap (bfchar, bfrange)."""
    pairs = []
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", cmap, re.S):
        for src, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            pairs.append((int(src, 16), len(src) // 2, int(dst[:4], 16)))
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", cmap, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for k in range(int(hi, 16) - int(lo, 16) + 1):
                pairs.append((int(lo, 16) + k, len(lo) // 2, int(dst[:4], 16) + k))
    return pairs


def _cmap(pairs, head: bytes) -> bytes:
    width = pairs[0][1] if pairs else 1
    space = b"<" + b"00" * width + b"> <" + b"FF" * width + b">"
    blocks = []
    for k in range(0, len(pairs), 100):
        chunk = pairs[k:k + 100]
        blocks.append(b"%d beginbfchar\n" % len(chunk) + b"".join(
            b"<%0*X> <%04X>\n" % (2 * w, c, u) for c, w, u in chunk) + b"endbfchar\n")
    return (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n<< /Registry (Adobe)\n"
            b"/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
            b"1 begincodespacerange\n" + space + b"\nendcodespacerange\n" + b"".join(blocks)
            + b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n")


def pdf_fonts(data: bytes, how: str, rnd: random.Random) -> bytes:
    """Chromium's PDF with its fonts' text maps removed (`drop`) or their digits permuted
    (`permute`, one derangement of 0–9 for the whole document)."""
    objs, trailer = _objects(data)
    tounicode = {int(n) for body in objs.values() for n in re.findall(rb"/ToUnicode (\d+) 0 R", body)}
    if how == "drop":
        for n, body in list(objs.items()):
            objs[n] = re.sub(rb"/ToUnicode \d+ 0 R", b"", body)
        for n in tounicode:
            objs.pop(n, None)
        return _write(objs, trailer)
    digits = list(range(10))
    while any(d == i for i, d in enumerate(digits)):
        rnd.shuffle(digits)
    for n in tounicode:
        _, cmap = _stream_of(objs[n])
        pairs = [(c, w, 0x30 + digits[u - 0x30] if 0x30 <= u <= 0x39 else u) for c, w, u in _cmap_pairs(cmap)]
        new = zlib.compress(_cmap(pairs, b""))
        objs[n] = b"<</Filter /FlateDecode\n/Length %d>> stream\n" % len(new) + new + b"\nendstream"
    return _write(objs, trailer)


def two_columns(label) -> str:
    """The report page in two CSS columns: text and tables flow down the left, then the right."""
    page = to_html(label)
    return page.replace('<div id="zoom">', '<div id="zoom" style="column-count:2;column-gap:24px;font-size:11px">')


# html source, then what is done to Chromium's PDF of it (None: nothing)
PRINTED = {"pdf-no-tounicode": (to_html, "drop"), "pdf-permuted-digits": (to_html, "permute"),
           "pdf-two-columns": (two_columns, None)}
# honest undetermined readings: a text layer of glyph ids has no figures to read
NO_EXACT_BOUND = {"pdf-no-tounicode", "pdf-permuted-digits"}

# --- scans (OCR) ---------------------------------------------------------------------------------


def image_pdf(png: bytes, how: str, rnd: random.Random) -> bytes:
    """An image PDF (no text layer) of the page screenshot: turned 90° (`rotated`) or 1.5°
    on a white page (`skewed`)."""
    from PIL import Image

    im = Image.open(io.BytesIO(png)).convert("L")
    if how == "rotated":
        im = im.rotate(rnd.choice([90, 270]), expand=True)
    else:
        im = im.rotate(rnd.choice([-1.5, 1.5]), expand=True, fillcolor=255, resample=Image.BICUBIC)
    buf = io.BytesIO()
    im.save(buf, "PDF", resolution=150)
    return buf.getvalue()


def with_table_images(label, shots: list[bytes]) -> bytes:
    """The report page whose three tables are replaced by their screenshots (data: PNG)."""
    imgs = [f'<img src="data:image/png;base64,{base64.b64encode(s).decode()}" alt="表格">' for s in shots]
    return _doc(label, imgs).encode("utf-8")


def table_pages(label) -> list[str]:
    """One page per table (for its screenshot)."""
    return [f'<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0;width:980px">'
            f'<p>{HEADINGS[k]}</p>{_table(t)}</body></html>' for k, t in enumerate(parts(label)["tables"])]


SCANS = ["scan-rotated", "scan-skewed", "html-table-images"]
# Read by OCR: a cell is stored only where an identity vouches for it (R3, R4), so table 2
# stays undetermined; the exact bound counts the cells an identity can vouch for (as
# captures3.VOUCHED_ONLY), "never wrong" every cell.
VOUCHED_ONLY = {name: ("applications", "review_litigation") for name in SCANS}


def seeded(name: str, report: str, seed: int) -> random.Random:
    return random.Random(f"r4/{name}/{report}/{seed}")


# --- a workbook of one sheet per table ---------------------------------------------------------


def _sheet_xml(lines: list[str], table) -> str:
    """A worksheet: the lines in column A, then the table (numbers as numbers, merges)."""
    from .captures import _col

    rows, merges, occupied = [], [], set()
    r = 0
    for line in lines:
        r += 1
        rows.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>{html.escape(line)}</t></is></c></row>')
    for row in table or []:
        r += 1
        col, xml = 0, []
        for t, rs, cs in row:
            while (r, col) in occupied:
                col += 1
            ref = f"{_col(col)}{r}"
            if re.fullmatch(r"\d+(\.\d+)?", t or ""):
                xml.append(f'<c r="{ref}"><v>{t}</v></c>')
            elif t:
                xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{html.escape(t)}</t></is></c>')
            if rs > 1 or cs > 1:
                merges.append(f"{ref}:{_col(col + cs - 1)}{r + rs - 1}")
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, col + dc))
            col += cs
        rows.append(f'<row r="{r}">' + "".join(xml) + "</row>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/'
            'spreadsheetml/2006/main"><sheetData>' + "".join(rows) + "</sheetData>"
            + (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
               if merges else "") + "</worksheet>")


def xlsx_sheets(label, rnd):
    """An XLSX as an Excel user makes the report: 总体情况 (title and text) on the first sheet,
    then one sheet per table named for it (主动公开 / 依申请公开 / 复议诉讼), no heading row
    above the tables — the sheet's name is the heading."""
    from .captures import _zip

    p = parts(label)
    names = ["总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况"]
    if rnd.random() < 0.5:
        names[1:] = ["表二", "表三", "表四"]
    sheets = [_sheet_xml([p["title"], p["intro"], *p["overview"].split("\n"), *p["end"].split("\n")], None)]
    sheets += [_sheet_xml([], t) for t in p["tables"]]
    ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    members = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                               '<Default Extension="xml" ContentType="application/xml"/>'
                               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                               + "".join(f'<Override PartName="/xl/worksheets/sheet{k + 1}.xml" ContentType="application/'
                                         'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for k in range(4))
                               + "</Types>",
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships {ns}><Relationship Id="rId1" '
                       f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                           f'xmlns:r="{rel}"><sheets>' + "".join(f'<sheet name="{html.escape(n)}" sheetId="{k + 1}" r:id="rId{k + 1}"/>'
                                                                for k, n in enumerate(names)) + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships {ns}>' + "".join(
            f'<Relationship Id="rId{k + 1}" Type="{rel}/worksheet" Target="worksheets/sheet{k + 1}.xml"/>' for k in range(4))
            + "</Relationships>",
    }
    for k, sheet in enumerate(sheets):
        members[f"xl/worksheets/sheet{k + 1}.xml"] = sheet
    return _zip(members), "xlsx"


RENDERINGS["xlsx-sheets"] = xlsx_sheets
