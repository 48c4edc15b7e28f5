"""Captures of real labelled reports that destroy structure in ways issue 18 does not list.

Each rendering takes a label (tests/files/labels) and a seeded random generator and returns
(bytes, file name). The truth is the label; a reading may leave a cell undetermined, never
give another value, and must read ≥ 95% of the cells exactly.
"""
from __future__ import annotations

import copy
import html
import io
import random
import re
import zipfile

from extract import formats

from ..layouts import HEADINGS, NULL, parts, to_html

FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(r"-?\d+(\.\d+)?[^\d]{0,2}", text)) and any(c.isdigit() for c in text)


def _doc(label: dict, tables_html: list[str], extra: str = "", head: str = "") -> str:
    p = parts(label)
    body = [f"<h1>{html.escape(p['title'])}</h1>", f"<p>{p['intro']}</p>"]
    body += [f"<p>{line}</p>" for line in p["overview"].split("\n")]
    for heading, table in zip(HEADINGS, tables_html):
        body.append(f"<p>{heading}</p>{table}")
    body += [f"<p>{line}</p>" for line in p["end"].split("\n")]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8">{head}<title>{html.escape(p["title"])}</title></head>'
            f'<body><div id="zoom">{"".join(body)}</div>{extra}</body></html>')


def _table(rows, cell=html.escape, td=lambda t, rs, cs: "", wrap=lambda inner: inner) -> str:
    out = []
    for row in rows:
        cells = "".join(
            f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}{td(t, rs, cs)}>{wrap(cell(t))}</td>"
            for t, rs, cs in row)
        out.append(f"<tr>{cells}</tr>")
    return '<table border="1" cellspacing="0" style="border-collapse:collapse">' + "".join(out) + "</table>"


def _html_with(label, cell=html.escape, **kw) -> bytes:
    return _doc(label, [_table(t, cell=cell, **kw) for t in parts(label)["tables"]]).encode("utf-8")


# --- renderings -------------------------------------------------------------------------

def fullwidth(label, rnd):
    """Every figure in full-width digits (１２３), as some editors type them."""
    return _html_with(label, cell=lambda t: html.escape(t.translate(FULL) if _is_number(t) else t)), "html"


def thousands(label, rnd):
    """Figures with thousands separators (1,341 / 75,394,432.52), in a text capture."""
    def fmt(t):
        m = re.fullmatch(r"(\d+)(\.\d+)?(.*)", t)
        return f"{int(m.group(1)):,}{m.group(2) or ''}{m.group(3)}" if m else t
    return _text(label, lambda row: "  ".join(fmt(c) if c else NULL for c, _, _ in row)), "txt"


def zero_units(label, rnd):
    """Zero cells printed with their unit of count: 0件 / 0项 / 0 件 / 0条 (seeded per cell)."""
    choices = ["0件", "0项", "0 件", "0条", "0"]
    return _html_with(label, cell=lambda t: rnd.choice(choices) if t == "0" else html.escape(t)), "html"


def zero_words(label, rnd):
    """Zero cells printed 无 / — / ／ / - and blank cells ／: a reading may leave them
    undetermined (the format says a number), never read another number."""
    choices = ["无", "—", "／", "-", "0"]

    def cell(t):
        if t == "0":
            return rnd.choice(choices)
        return "／" if t == "" else html.escape(t)
    return _html_with(label, cell=cell), "html"


def _text(label, line_of_row, table_lines=None) -> bytes:
    p = parts(label)
    out = [p["title"], p["intro"], p["overview"]]
    for heading, table in zip(HEADINGS, p["tables"]):
        out.append(heading)
        out.extend(table_lines(table) if table_lines else [line_of_row(r) for r in table if r])
    out.append(p["end"])
    return ("\n".join(out) + "\n").encode("utf-8")


def page_breaks(label, rnd):
    """A PDF-to-text capture: table 3 split over pages, its header rows repeated after each
    break, with the page's footer and header lines inside the table."""
    def lines(table):
        rows = ["  ".join(c or NULL for c, _, _ in r) for r in table if r]
        if len(rows) < 8:
            return rows
        head = rows[:2] if rows[0].startswith("申请人情况") else []
        out, pageno = [], 3
        for i, r in enumerate(rows):
            out.append(r)
            if i > 2 and rnd.random() < 0.18:
                out += [f"— {pageno} —", f"第 {pageno} 页 共 9 页", "", f"{label['agency']}{label['report_year']}年政府信息公开工作年度报告"]
                out += head
                pageno += 1
        return out
    return _text(label, None, lines), "txt"


def column_order(label, rnd):
    """Table 3 with its organisation columns in another order (and 总计 first in some), the
    headers printed correctly over them."""
    lab = copy.deepcopy(label)
    tables = parts(lab)["tables"]
    cols = formats.application_columns()  # natural_person, 5 orgs, total
    spec = formats.spec()["application_columns"]
    org = list(range(1, 6))
    rnd.shuffle(org)
    total_first = rnd.random() < 0.5
    order = ([6] if total_first else []) + [0] + org + ([] if total_first else [6])
    t3 = tables[1]
    new = []
    for i, row in enumerate(t3):
        if i == 0:
            lead = [row[0]]
            head = {"np": row[1], "org": row[2], "total": row[3]}
            new.append(lead + ([head["total"]] if total_first else []) + [head["np"], head["org"]] +
                       ([] if total_first else [head["total"]]))
        elif i == 1:
            new.append([row[j - 1] for j in org])
        else:
            values, lead = row[-7:], row[:-7]
            new.append(lead + [values[j] for j in order])
    tables[1] = new
    assert len(spec) >= 7 and cols
    return _doc(lab, [_table(t) for t in tables]).encode("utf-8"), "html"


def wrapped_labels(label, rnd):
    """A text capture whose table-3 and table-2 row labels wrap over two lines, the numbers on
    the second line (a narrow PDF column)."""
    def lines(table):
        out = []
        for r in table:
            if not r:
                continue
            texts = [c or NULL for c, _, _ in r]
            labels = [t for t in texts if not _is_number(t) and t != NULL]
            numbers = [t for t in texts if _is_number(t) or t == NULL]
            if labels and numbers and rnd.random() < 0.7:
                lab = "".join(labels)
                cut = max(1, min(len(lab) - 1, rnd.randint(2, max(2, len(lab) - 1))))
                out += [lab[:cut], lab[cut:] + "  " + "  ".join(numbers)]
            else:
                out.append("  ".join(texts))
        return out
    return _text(label, None, lines), "txt"


def span_shift(label, rnd):
    """HTML whose spans are inconsistent: table-3 label cells with random colspans, group
    cells repeated on each row instead of a rowspan, an empty trailing cell on some rows."""
    tables = parts(label)["tables"]
    t3 = []
    for i, row in enumerate(tables[1]):
        if i < 2:
            t3.append(row)
            continue
        values, lead = row[-7:], [c for c in row[:-7]]
        lead = [(t, 1, rnd.choice([1, 2, 3])) for t, _, _ in lead]
        extra = [("", 1, 1)] if rnd.random() < 0.3 else []
        t3.append(lead + values + extra)
    tables[1] = t3
    return _doc(label, [_table(t) for t in tables]).encode("utf-8"), "html"


def nested_tables(label, rnd):
    """Every cell's text inside a table of its own, and the report inside a layout table with
    a sidebar full of figures (visits, dates)."""
    inner = lambda t: f'<table width="100%"><tr><td align="center">{t}</td></tr></table>'
    doc = _doc(label, [_table(t, wrap=inner) for t in parts(label)["tables"]])
    side = ('<td class="side"><p>访问量：123456</p><p>今日：2024-01-10</p><table><tr><td>1</td><td>2</td><td>3</td></tr>'
            '<tr><td>上一篇</td><td>下一篇</td><td>12</td></tr></table></td>')
    m = re.search(r'<div id="zoom">(.*)</div>', doc, re.S)
    return (doc[:m.start()] + f'<table class="layout"><tr><td><div id="zoom">{m.group(1)}</div></td>{side}</tr></table>'
            + doc[m.end():]).encode("utf-8"), "html"


def word_export(label, rnd):
    """A Word "save as web page" export: every cell a <p class=MsoNormal> of <span>s, runs
    split inside numbers and labels, <o:p>, &nbsp; padding, conditional comments."""
    def runs(t):
        if not t:
            return "<p class=MsoNormal><span lang=EN-US>&nbsp;<o:p></o:p></span></p>"
        pieces, i = [], 0
        while i < len(t):
            j = min(len(t), i + rnd.randint(1, 3))
            pieces.append(f'<span lang=EN-US style="font-size:10.5pt;font-family:宋体">{html.escape(t[i:j])}</span>')
            i = j
        return (f'<p class=MsoNormal align=center style="text-align:center"><![if !supportMisalignedColumns]>'
                f'{"".join(pieces)}<![endif]><span lang=EN-US><o:p></o:p></span></p>')
    head = '<meta name=Generator content="Microsoft Word 15"><!--[if gte mso 9]><xml><o:DocumentProperties></o:DocumentProperties></xml><![endif]-->'
    tables = [_table(t, cell=lambda x: x, wrap=runs, td=lambda t, rs, cs: ' width=57 valign=top style="border:solid windowtext 1.0pt"')
              for t in parts(label)["tables"]]
    return _doc(label, tables, head=head).encode("utf-8"), "html"


def entities(label, rnd):
    """Every digit and some label characters as numeric character references, &nbsp; around."""
    def cell(t):
        out = "".join(f"&#{ord(c)};" if c.isdigit() or rnd.random() < 0.2 else html.escape(c) for c in t)
        return f"&nbsp;{out}&nbsp;" if rnd.random() < 0.5 else out
    return _html_with(label, cell=cell), "html"


def second_organ(label, rnd, other: dict | None = None):
    """The report followed on the same page by another organ's report of the same year (a
    column page that prints its articles one after another)."""
    other = copy.deepcopy(other)
    other["agency"] = "另一个机关" + other["agency"][-3:]
    other["report_year"] = label["report_year"]
    first = to_html(label)
    second = re.search(r'<div id="zoom">(.*)</div></body>', to_html(other), re.S).group(1)
    return first.replace("</div></body>", f'</div><hr><div class="next-article">{second}</div></body>').encode("utf-8"), "html"


def transposed_table4(label, rnd):
    """Table 4 printed transposed: one row per (block, outcome), its figure beside it."""
    review = label["review_litigation"]
    outcomes = formats.spec()["review_outcomes"]
    blocks = {"review": "行政复议", "direct": "行政诉讼（未经复议直接起诉）", "after_review": "行政诉讼（复议后起诉）"}
    rows = [[("类别", 1, 1), ("项目", 1, 1), ("数量", 1, 1)]]
    for b in formats.review_blocks():
        for o in outcomes:
            from ..layouts import show
            rows.append([(blocks.get(b, b), 1, 1), (o["zh"], 1, 1), (show(review[b][o["key"]]), 1, 1)])
    tables = [_table(t) for t in parts(label)["tables"][:2]] + [_table(rows)]
    return _doc(label, tables).encode("utf-8"), "html"


# --- office files written as zip XML (no office suite involved in writing them) --------------

def _w_cell(text: str, span: int = 1, vmerge: str | None = None) -> str:
    props = (f'<w:gridSpan w:val="{span}"/>' if span > 1 else "") + (f'<w:vMerge w:val="{vmerge}"/>' if vmerge == "restart" else "<w:vMerge/>" if vmerge else "")
    return (f'<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r><w:t xml:space="preserve">{html.escape(text)}</w:t></w:r></w:p></w:tc>')


def _grid(rows):
    """Rows of (text, rowspan, colspan) → grid rows of (text, colspan, vmerge): a rowspan is
    continued on the rows below by an empty vMerge cell."""
    placed = {}  # (row, col) -> (text, rowspan, colspan, first row)
    for r, row in enumerate(rows):
        col = 0
        for t, rs, cs in row:
            while (r, col) in placed:
                col += placed[(r, col)][2]
            for dr in range(rs):
                placed[(r + dr, col)] = (t, rs, cs, r)
            col += cs
    out = []
    for r in range(len(rows)):
        cells = []
        for col in sorted(c for (rr, c) in placed if rr == r):
            t, rs, cs, first = placed[(r, col)]
            vmerge = None if rs == 1 else ("restart" if first == r else "continue")
            cells.append((t if first == r else "", cs, vmerge))
        out.append(cells)
    return out


def docx(label, rnd):
    """A DOCX written as WordprocessingML by hand: tables with gridSpan and vMerge."""
    p = parts(label)
    paras = lambda text: "".join(f'<w:p><w:r><w:t xml:space="preserve">{html.escape(line)}</w:t></w:r></w:p>' for line in text.split("\n"))
    body = [paras(p["title"]), paras(p["intro"]), paras(p["overview"])]
    for heading, table in zip(HEADINGS, p["tables"]):
        body.append(paras(heading))
        trs = "".join("<w:tr>" + "".join(_w_cell(t, cs, vm) for t, cs, vm in r) + "</w:tr>" for r in _grid(table))
        body.append('<w:tbl><w:tblPr><w:tblBorders><w:top w:val="single"/><w:bottom w:val="single"/><w:insideH w:val="single"/>'
                    '<w:insideV w:val="single"/></w:tblBorders></w:tblPr>' + trs + "</w:tbl>")
    body.append(paras(p["end"]))
    document = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                'wordprocessingml/2006/main"><w:body>' + "".join(body) + "</w:body></w:document>")
    return _zip({
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                               '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                               'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                       '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        "word/document.xml": document}), "docx"


def _zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in members.items():
            z.writestr(name, text)
    return buf.getvalue()


def _col(n: int) -> str:
    s = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def xlsx(label, rnd):
    """An XLSX written by hand: the three tables on one sheet (inline strings, numbers as
    numbers, merged cells), the narrative in column A."""
    p = parts(label)
    rows, merges = [], []
    r = 0

    def put(cells):
        nonlocal r
        r += 1
        xml = []
        for c, (t, rs, cs, col) in enumerate(cells):
            ref = f"{_col(col)}{r}"
            if re.fullmatch(r"\d+", t or ""):
                xml.append(f'<c r="{ref}"><v>{t}</v></c>')
            elif t:
                xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{html.escape(t)}</t></is></c>')
            if rs > 1 or cs > 1:
                merges.append(f"{ref}:{_col(col + cs - 1)}{r + rs - 1}")
        rows.append(f'<row r="{r}">' + "".join(xml) + "</row>")

    for line in [p["title"], p["intro"], *p["overview"].split("\n")]:
        put([(line, 1, 1, 0)])
    for heading, table in zip(HEADINGS, p["tables"]):
        put([(heading, 1, 1, 0)])
        occupied = set()
        for row in table:
            col, cells = 0, []
            for t, rs, cs in row:
                while (r + 1, col) in occupied:
                    col += 1
                cells.append((t, rs, cs, col))
                for dr in range(rs):
                    for dc in range(cs):
                        occupied.add((r + 1 + dr, col + dc))
                col += cs
            put(cells)
    for line in p["end"].split("\n"):
        put([(line, 1, 1, 0)])
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             'spreadsheetml/2006/main"><sheetData>' + "".join(rows) + "</sheetData>" +
             (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>"
              if merges else "") + "</worksheet>")
    ns = 'xmlns="http://schemas.openxmlformats.org/package/2006/relationships"'
    return _zip({
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                               '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                               '<Default Extension="xml" ContentType="application/xml"/>'
                               '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
                               '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships {ns}><Relationship Id="rId1" '
                       'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                           'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="年报" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0" encoding="UTF-8"?><Relationships {ns}><Relationship Id="rId1" '
                                      'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet}), "xlsx"


# Renderings whose bytes are printed by Chromium (tests run it: print_pdf below).
PRINTED = {"pdf-chromium": to_html, "pdf-chromium-word": lambda lab: word_export(lab, random.Random(7))[0].decode()}

RENDERINGS = {
    "fullwidth": fullwidth, "thousands": thousands, "zero-units": zero_units, "zero-words": zero_words,
    "page-breaks": page_breaks, "column-order": column_order, "wrapped-labels": wrapped_labels,
    "span-shift": span_shift, "nested-tables": nested_tables, "word-export": word_export,
    "entities": entities, "second-organ": second_organ, "transposed-table4": transposed_table4,
    "docx-xml": docx, "xlsx-xml": xlsx,
}
# Renderings where undetermined is an honest reading of every damaged cell: only "never wrong".
NO_EXACT_BOUND = {"zero-words"}
SEEDS_PER_RENDERING = 3  # seeded variants of each random rendering


def print_pdf(html_text: str, folder, name: str) -> bytes:
    """Chromium's print-to-PDF of a page (as a person saves a report page as PDF)."""
    import os
    import subprocess

    src = folder / f"{name}.html"
    out = folder / f"{name}.pdf"
    src.write_text(html_text, encoding="utf-8")
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                    f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={out}", src.as_uri()],
                   capture_output=True, timeout=120, check=True)
    return out.read_bytes()
