"""Round 5 of the world's captures: what the labelled reports become in files rounds 1–4
did not write (tests/world/captures*.py).

- docx-tracked: a DOCX with tracked changes: ≈ 40% of the figures replaced (`<w:del>` the old
  figure, `<w:ins>` the new one; deleted first or inserted first). The deleted figures
  must never be read.
- docx-del-inside: a digit deleted inside a figure (`1<del>3</del>2` is 12), and a
  deleted paragraph of old figures after a table (a table row of last year's figures
  deleted whole, `<w:trPr><w:del/>`).
- numerals-large: counts in tables 3–4 written in Chinese numerals of any size (一百零五,
  二千零一十二, 两百), ≈ half of the cells; `numerals-daxie` the same in 大写 (壹佰零伍).
- br-lines: every table pasted as lines of one `<p>` separated by `<br>`, cells apart by
  `&nbsp;` runs (`br-nbsp`) or ideographic spaces (`br-ideographic`) — a table whose
  markup a CMS editor lost.
- br-in-cells: a real table whose cells carry `<br>`s as Word paste leaves them: labels
  broken mid-word (予以<br>公开), figures with a `<br>` before or after, `<p>` inside cells.
- ofd-deltax: an OFD whose each printed line is one TextCode, the glyphs placed by DeltaX
  (gaps between cells only in DeltaX, the text has no spaces), with the `g` shorthand.
- ofd-glyphs: an OFD with one TextObject per character (as converters from print drivers
  write them).

Each rendering: (label, rnd) -> (bytes, suffix). The truth is the label."""
from __future__ import annotations

import html
import random
import re

from ..layouts import HEADINGS, NULL, parts
from ..ofd import NS, make_ofd
from .captures import _doc, _grid, _table, _zip

DIGITS = "零一二三四五六七八九"
DAXIE = "零壹贰叁肆伍陆柒捌玖"
UNITS = {"lower": ("", "十", "百", "千"), "daxie": ("", "拾", "佰", "仟")}


def chinese(n: int, style: str = "lower", rnd: random.Random | None = None) -> str:
    """n (< 100,000,000) in Chinese numerals as people write counts: 105 一百零五, 2012
    二千零一十二, 10 十, 15 十五, 200 二百 (or 两百), 10000 一万."""
    digits = DIGITS if style == "lower" else DAXIE
    units = UNITS[style]
    if n == 0:
        return digits[0]

    def below_10000(m: int, leading: bool) -> str:
        out, zero = "", False
        for power in (3, 2, 1, 0):
            d = (m // 10 ** power) % 10
            if d == 0:
                zero = bool(out)
                continue
            if zero:
                out += digits[0]
                zero = False
            if power == 1 and d == 1 and not out and leading and style == "lower":
                out += units[1]  # 十五, not 一十五, at the start
            else:
                ch = digits[d]
                if style == "lower" and d == 2 and power >= 2 and rnd and rnd.random() < 0.3:
                    ch = "两"
                out += ch + units[power]
        return out
    high, low = divmod(n, 10000)
    if not high:
        return below_10000(low, True)
    text = below_10000(high, True) + ("万" if style == "lower" else "万")
    if low:
        text += (digits[0] if low < 1000 else "") + below_10000(low, False)
    return text


def _numerals(style: str):
    def render(label, rnd):
        def cell(t):
            if re.fullmatch(r"\d+", t) and rnd.random() < 0.5:
                return chinese(int(t), style, rnd)
            return html.escape(t)
        tables = parts(label)["tables"]
        out = [_table(tables[0])] + [_table(t, cell=cell) for t in tables[1:]]
        return _doc(label, out).encode("utf-8"), "html"
    return render


# --- <br> --------------------------------------------------------------------------------

def _lines_of(table) -> list[str]:
    return [[t if t != "" else NULL for t, _, _ in row] for row in table if row]


def _br_lines(sep: str):
    def render(label, rnd):
        p = parts(label)
        body = [f"<p>{html.escape(p['title'])}</p>", f"<p>{html.escape(p['intro'])}</p>"]
        body += [f"<p>{html.escape(line)}</p>" for line in p["overview"].split("\n")]
        for heading, table in zip(HEADINGS, p["tables"]):
            gap = lambda: sep * rnd.randint(2, 6)
            lines = [gap().join(html.escape(c) for c in cells) for cells in _lines_of(table)]
            body.append(f"<p>{html.escape(heading)}</p><p>" + "<br>".join(lines) + "</p>")
        body += [f"<p>{html.escape(line)}</p>" for line in p["end"].split("\n")]
        return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(p["title"])}</title></head>'
                f'<body><div class="TRS_Editor">{"".join(body)}</div></body></html>').encode("utf-8"), "html"
    return render


def br_in_cells(label, rnd):
    def cell(t):
        if re.fullmatch(r"[\d.]+", t):
            return rnd.choice([f"{t}<br>", f"<br>{t}", f"<p>{t}</p><p><br></p>", f"<p><span>{t}</span></p>", t])
        if len(t) >= 4 and rnd.random() < 0.6:
            k = rnd.randint(2, len(t) - 2)
            return html.escape(t[:k]) + "<br>" + html.escape(t[k:])
        return html.escape(t)
    return _doc(label, [_table(t, cell=cell) for t in parts(label)["tables"]]).encode("utf-8"), "html"


# --- DOCX with tracked changes ---------------------------------------------------------------

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_AUTH = 'w:author="审核" w:date="2024-01-18T09:00:00Z"'


def _run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{html.escape(text)}</w:t></w:r>'


def _del(text: str, ident: int) -> str:
    return f'<w:del w:id="{ident}" {_AUTH}><w:r><w:delText xml:space="preserve">{html.escape(text)}</w:delText></w:r></w:del>'


def _ins(text: str, ident: int) -> str:
    return f'<w:ins w:id="{ident}" {_AUTH}>{_run(text)}</w:ins>'


def _other(value: str, rnd) -> str:
    n = int(value)
    return str(n + rnd.randint(1, 9) if n < 5 or rnd.random() < 0.5 else max(0, n - rnd.randint(1, min(n, 9))))


def _tracked_text(t: str, rnd, how: str, ids) -> str:
    if not re.fullmatch(r"\d+", t) or rnd.random() >= 0.4:
        return _run(t) if t else ""
    old = _other(t, rnd)
    if how == "replace":
        return _del(old, next(ids)) + _ins(t, next(ids)) if rnd.random() < 0.5 else _ins(t, next(ids)) + _del(old, next(ids))
    # inside: a stray digit deleted inside the figure (or before it)
    k = rnd.randint(0, len(t))
    return (_run(t[:k]) if t[:k] else "") + _del(str(rnd.randint(1, 9)), next(ids)) + (_run(t[k:]) if t[k:] else "")


def _w_cell(content: str, span: int, vmerge) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (
        f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>" if vmerge else "")
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{content}</w:p></w:tc>"


def _tracked_docx(how: str):
    def render(label, rnd):
        import itertools

        ids = itertools.count(1)
        p = parts(label)
        paras = lambda text: "".join(f"<w:p>{_run(line)}</w:p>" for line in text.split("\n"))
        body = [paras(p["title"]), paras(p["intro"]), paras(p["overview"])]
        for k, (heading, table) in enumerate(zip(HEADINGS, p["tables"])):
            body.append(paras(heading))
            grid = _grid(table)
            trs = ["<w:tr>" + "".join(_w_cell(_tracked_text(t, rnd, how, ids), cs, vm) for t, cs, vm in r) + "</w:tr>"
                   for r in grid]
            if how == "inside" and k == 1:
                # last year's figures of the 总计 row, as a row deleted whole (tracked): not this report's
                last = grid[-1]
                stale = "".join(_w_cell(_del(t if not re.fullmatch(r"\d+", t) else _other(t, rnd), next(ids)) if t else "",
                                        cs, None) for t, cs, vm in last)
                trs.append(f'<w:tr><w:trPr><w:del w:id="{next(ids)}" {_AUTH}/></w:trPr>{stale}</w:tr>')
            body.append('<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single"/><w:bottom w:val="single"/>'
                        '<w:insideH w:val="single"/><w:insideV w:val="single"/></w:tblBorders></w:tblPr>'
                        + "".join(trs) + "</w:tbl>")
            if how == "inside":
                body.append(f'<w:p>{_del("（上一版数据：主动公开规范性文件12件，收到申请总数345件。）", next(ids))}</w:p>')
        body.append(paras(p["end"]))
        document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                    f'<w:document xmlns:w="{W}"><w:body>' + "".join(body) + "</w:body></w:document>")
        settings = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:settings xmlns:w="{W}">'
                    '<w:trackRevisions/></w:settings>')
        return _zip({
            "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
                                   '<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/></Types>',
            "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                           '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
            "word/_rels/document.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                                            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/></Relationships>',
            "word/settings.xml": settings,
            "word/document.xml": document}), "docx"
    return render


# --- OFD -----------------------------------------------------------------------------------

SIZE = 3.5


def _width(ch: str) -> float:
    return SIZE if ord(ch) > 0x2E80 else SIZE / 2


def _deltax(values: list[float], shorthand: bool) -> str:
    if not shorthand:
        return " ".join(f"{v:.2f}" for v in values)
    out, i = [], 0
    while i < len(values):  # runs of one advance as `g N v`
        j = i
        while j < len(values) and abs(values[j] - values[i]) < 1e-9:
            j += 1
        out.append(f"g {j - i} {values[i]:.2f}" if j - i > 2 else " ".join(f"{values[i]:.2f}" for _ in range(j - i)))
        i = j
    return " ".join(out)


def _ofd_page(mode: str, rnd):
    def page_xml(lines: list[str]) -> str:
        objects, ident = [], 1
        for n, line in enumerate(lines):
            cells = [c.strip() for c in line.split("  ") if c.strip()]
            y = 20 + n * 6
            if mode == "glyphs":
                x = 20.0
                for cell in cells:
                    for ch in cell:
                        objects.append(f'<ofd:TextObject ID="{ident}" Boundary="{x:.2f} {y:.2f} {SIZE:.2f} 5" Font="1" '
                                       f'Size="{SIZE}"><ofd:TextCode X="0" Y="4">{html.escape(ch)}</ofd:TextCode></ofd:TextObject>')
                        ident += 1
                        x += _width(ch)
                    x += rnd.uniform(4, 10)
                continue
            text, advances = "", []
            for k, cell in enumerate(cells):
                if k:
                    advances[-1] += rnd.uniform(4, 10)  # the gap to the next cell: only in DeltaX
                for ch in cell:
                    text += ch
                    advances.append(_width(ch))
            advances = advances[:-1]
            width = sum(advances) + SIZE
            objects.append(f'<ofd:TextObject ID="{ident}" Boundary="20 {y:.2f} {width:.2f} 5" Font="1" Size="{SIZE}">'
                           f'<ofd:TextCode X="0" Y="4" DeltaX="{_deltax(advances, True)}">{html.escape(text)}'
                           '</ofd:TextCode></ofd:TextObject>')
            ident += 1
        return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
                f'<ofd:Layer ID="0">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')
    return page_xml


def _ofd(mode: str):
    def render(label, rnd):
        from ..layouts import to_several_per_line

        return make_ofd(to_several_per_line(label), page_xml=_ofd_page(mode, rnd)), "ofd"
    return render


# --- files whose name lies about their kind ---------------------------------------------------

def wps_doc(label, rnd):
    """A Word 97 file (LibreOffice's) published as .wps (WPS Office's name for its OLE documents)."""
    import tempfile
    from pathlib import Path

    from ..layouts import to_html
    from .captures3 import office_bytes

    folder = Path(tempfile.mkdtemp(prefix="w5-wps-"))
    return office_bytes(to_html(label), "doc:MS Word 97", folder, "report"), "wps"


def doc_is_html(label, rnd):
    """Word's "save as web page" HTML published under a .doc name (Content-Type guessed by
    the name), GBK as Word writes it for a Chinese document."""
    from ..layouts import to_html

    page = to_html(label).replace('<meta charset="utf-8">', '<meta http-equiv=Content-Type content="text/html; charset=gb2312">'
                                  '<meta name=ProgId content=Word.Document><meta name=Generator content="Microsoft Word 15">')
    return ('<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">'
            + page.split("<html>", 1)[1]).encode("gbk"), "doc"


def doc_is_mht(label, rnd):
    """Word's "single file web page" (MHTML, quoted-printable, GBK) under a .doc name."""
    import quopri

    body = doc_is_html(label, rnd)[0]
    qp = quopri.encodestring(body).decode("ascii")
    mht = ("MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"----=_NextPart_01D9\"\r\n\r\n"
           "此文档为“单个文件网页”，也称为“Web 档案”文件。\r\n\r\n------=_NextPart_01D9\r\n"
           "Content-Location: file:///C:/report.htm\r\nContent-Transfer-Encoding: quoted-printable\r\n"
           "Content-Type: text/html; charset=\"gb2312\"\r\n\r\n" + qp + "\r\n------=_NextPart_01D9--\r\n")
    return mht.encode("gbk"), "doc"


RENDERINGS = {
    "docx-tracked": _tracked_docx("replace"),
    "docx-del-inside": _tracked_docx("inside"),
    "numerals-large": _numerals("lower"),
    "numerals-daxie": _numerals("daxie"),
    "br-nbsp": _br_lines("&nbsp;"),
    "br-ideographic": _br_lines("\u3000"),
    "br-in-cells": br_in_cells,
    "ofd-deltax": _ofd("deltax"),
    "ofd-glyphs": _ofd("glyphs"),
    "wps-doc": wps_doc,
    "doc-is-html": doc_is_html,
    "doc-is-mht": doc_is_mht,
}
# renderings whose files go through LibreOffice (seconds each): two reports by default
OFFICE = {"docx-tracked", "docx-del-inside", "wps-doc"}


def seeded(name: str, report: str, seed: int) -> random.Random:
    return random.Random(f"r5/{name}/{report}/{seed}")


def _selftest():
    assert chinese(105) == "一百零五" and chinese(15) == "十五" and chinese(2012) == "二千零一十二"
    assert chinese(10000) == "一万" and chinese(10500) == "一万零五百" and chinese(105, "daxie") == "壹佰零伍"
    assert chinese(110) == "一百一十" and chinese(1001) == "一千零一"


_selftest()
