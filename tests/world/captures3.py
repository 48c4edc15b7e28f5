"""Round 3 of the world's captures: renderings of the labelled reports that destroy structure
in ways neither issue 18's layout matrix nor tests/world/captures.py cover.

- RENDERINGS: (label, rnd) -> (bytes, suffix), pure Python.
- CHROMIUM: (label, rnd) -> (html, how): bytes printed or photographed by real Chromium
  (`pdf`: print-to-PDF; `png`: a screenshot read back by OCR).
- OFFICE: (label, rnd) -> (html, LibreOffice target): a document LibreOffice writes from a
  generated page (Word 97 .doc, .docx), as a clerk's "save as" does.

The truth is the label: a reading may leave a cell undetermined, never give another value.
"""
from __future__ import annotations

import copy
import html
import random
import re

from extract import formats

from ..layouts import HEADINGS, parts, show, to_html
from .captures import _doc, _table

CN_DIGITS = "〇一二三四五六七八九十"


def _cn(n: int) -> str:
    """Small counts as Chinese numerals: 3 → 三, 10 → 十, 14 → 十四, 20 → 二十."""
    if n <= 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return (CN_DIGITS[tens] if tens > 1 else "") + "十" + (CN_DIGITS[ones] if ones else "")


def _app_rows(label):
    fmt, apps = label["format"], label["applications"]
    return [r for r in formats.application_rows(fmt) if r["key"] in apps]


def transposed_table3(label, rnd):
    """Table 3 printed transposed (a landscape table rotated to fit a portrait page): one row
    per applicant column (自然人, 商业企业 … 总计), one column per row label."""
    apps = label["applications"]
    rows = _app_rows(label)
    cols = formats.spec()["application_columns"]
    head = [("申请人情况", 1, 1)] + [(r["zh"], 1, 1) for r in rows]
    body = [[(c["zh"], 1, 1)] + [(show(apps[r["key"]].get(c["key"])), 1, 1) for r in rows] for c in cols]
    tables = parts(label)["tables"]
    tables[1] = [head] + body
    return _doc(label, [_table(t) for t in tables]).encode("utf-8"), "html"


def thousands_html(label, rnd):
    """An HTML table whose figures carry thousands separators (1,234 / 7,539.44), some with a
    thin space or a full-width comma (1，234) as Chinese typesetting does."""
    seps = [",", ",", "，", "\u2009"]

    def cell(t):
        m = re.fullmatch(r"(\d+)(\.\d+)?", t)
        if not m or int(m.group(1)) < 1000:
            return html.escape(t)
        return html.escape(f"{int(m.group(1)):,}".replace(",", rnd.choice(seps)) + (m.group(2) or ""))
    return _doc(label, [_table(t, cell=cell) for t in parts(label)["tables"]]).encode("utf-8"), "html"


def chinese_numerals(label, rnd):
    """Small counts (0–20) in tables 3 and 4 typed as Chinese numerals (三, 十四, 〇) in about
    half the cells, the rest in digits. `chinese_numerals.converted`: how many cells the last
    call printed in words (a reading may leave those undetermined, not the others)."""
    converted = [0]

    def cell(t):
        if re.fullmatch(r"\d+", t) and int(t) <= 20 and rnd.random() < 0.5:
            converted[0] += 1
            return _cn(int(t))
        return html.escape(t)
    tables = parts(label)["tables"]
    out = [_table(tables[0])] + [_table(t, cell=cell) for t in tables[1:]]
    chinese_numerals.converted = converted[0]
    return _doc(label, out).encode("utf-8"), "html"


def _split_table3(label, rnd) -> list[str]:
    """Table 3 as two tables: the second under a 续表 caption, its two header rows repeated."""
    tables = parts(label)["tables"]
    t3 = tables[1]
    cut = rnd.randint(5, len(t3) - 3)
    # a row that continues a rowspan cannot open the second part: cut where no span is open
    first, second = t3[:cut], t3[cut:]
    open_spans = [(i, t, rs) for i, row in enumerate(first) for t, rs, _ in row if rs > 1 and i + rs > cut]
    fixed_first, fixed_second = [], [list(r) for r in second]
    for i, row in enumerate(first):
        new = []
        for t, rs, cs in row:
            if rs > 1 and i + rs > cut and i >= 2:
                new.append((t, cut - i, cs))
            else:
                new.append((t, rs, cs))
        fixed_first.append(new)
    carried = [(t + "（续）", i + rs - cut, 1) for i, t, rs in open_spans if i >= 2]
    fixed_second[0] = carried + fixed_second[0]
    caption = '<p style="text-align:right">续表</p>'
    return [_table(tables[0]), _table(fixed_first) + caption + _table(t3[:2] + fixed_second), _table(tables[2])]


def split_table3(label, rnd):
    """Table 3 split in two at a random row (a page break in the source), the header rows
    repeated over the second part, spans cut at the break and continued with （续）."""
    return _doc(label, _split_table3(label, rnd)).encode("utf-8"), "html"


def two_years(label, rnd, previous: dict | None = None):
    """One document holding this year's report and, below it, the previous year's report of
    the same organ (a column page that prints both, or a merged PDF). The document is this
    year's: last year's figures must never be read as this year's."""
    prev = copy.deepcopy(previous or label)
    prev["agency"], prev["report_year"] = label["agency"], label["report_year"] - 1
    first = to_html(label)
    second = re.search(r'<div id="zoom">(.*)</div></body>', to_html(prev), re.S).group(1)
    return first.replace("</div></body>", f'</div><hr><div class="prev">{second}</div></body>').encode("utf-8"), "html"


# --- Chromium -----------------------------------------------------------------------------

def _grid_table(rows, rnd) -> str:
    """A table drawn by CSS grid whose cells stand in the DOM column by column (top to bottom,
    then the next column): it looks like the table, but the PDF's text layer runs down
    each column in turn."""
    placed, r = [], 0
    occupied = set()
    for r, row in enumerate(rows):
        col = 0
        for t, rs, cs in row:
            while (r, col) in occupied:
                col += 1
            placed.append((col, r, t, rs, cs))
            for dr in range(rs):
                for dc in range(cs):
                    occupied.add((r + dr, col + dc))
            col += cs
    width = 1 + max(c + cs - 1 for c, _, _, _, cs in placed)
    cells = "".join(
        f'<div style="grid-column:{c + 1} / span {cs};grid-row:{r + 1} / span {rs};border:1px solid #000;'
        f'padding:2px;font-size:12px">{html.escape(t)}</div>'
        for c, r, t, rs, cs in sorted(placed))
    return (f'<div style="display:grid;grid-template-columns:repeat({width}, minmax(0, 1fr));'
            f'border-collapse:collapse">{cells}</div>')


def pdf_column_major(label, rnd):
    p = parts(label)
    body = [f"<h1>{html.escape(p['title'])}</h1>", f"<p>{p['intro']}</p>"]
    body += [f"<p>{line}</p>" for line in p["overview"].split("\n")]
    for heading, table in zip(HEADINGS, p["tables"]):
        body.append(f"<p>{heading}</p>{_grid_table(table, rnd)}")
    body += [f"<p>{line}</p>" for line in p["end"].split("\n")]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(p["title"])}</title></head>'
            f'<body><div id="zoom">{"".join(body)}</div></body></html>'), "pdf"


def png_screenshot(label, rnd):
    """The report page photographed by Chromium (a 图片版 report: a screenshot posted as PNG)."""
    return to_html(label), "png"


def png_long(label, rnd):
    """The same page photographed as one long image (a 长图, 1000 × 4200 px), as reports are
    posted as pictures: the report and white space below it."""
    return to_html(label), "png-long"


def pdf_split_table(label, rnd):
    """Chromium's PDF of the page whose table 3 is split with the header repeated."""
    return _doc(label, _split_table3(label, rnd)), "pdf"


# --- LibreOffice --------------------------------------------------------------------------

def doc_split_table(label, rnd):
    """Word 97 (.doc) written by LibreOffice from the page with the split table 3."""
    return _doc(label, _split_table3(label, rnd)), "doc:MS Word 97"


def docx_transposed(label, rnd):
    """DOCX written by LibreOffice from the page with table 3 transposed."""
    return transposed_table3(label, rnd)[0].decode("utf-8"), "docx:MS Word 2007 XML"


def doc_thousands(label, rnd):
    """Word 97 from the page with thousands separators."""
    return thousands_html(label, rnd)[0].decode("utf-8"), "doc:MS Word 97"


def units_everywhere(label, rnd):
    """Every count in tables 3 and 4 printed with a unit of count (18件, 5项, 3条, 1 件) —
    not only the zeros (captures.py zero-units)."""
    units = ["件", "项", "条", " 件", "个"]

    def cell(t):
        return html.escape(t + rnd.choice(units)) if re.fullmatch(r"\d+", t) else html.escape(t)
    tables = parts(label)["tables"]
    return _doc(label, [_table(tables[0])] + [_table(t, cell=cell) for t in tables[1:]]).encode("utf-8"), "html"


def extra_column(label, rnd):
    """Table 3 with a column the format does not have after 总计 (占比 / 同比增减 / 备注), its
    cells percentages or words."""
    tables = parts(label)["tables"]
    head = rnd.choice(["占比", "同比增减", "备注"])
    t3 = []
    for i, row in enumerate(tables[1]):
        if i == 0:
            t3.append(row + [(head, 2, 1)])
        elif i == 1:
            t3.append(row)
        else:
            total = row[-1][0]
            extra = {"占比": f"{rnd.randint(0, 100)}%", "同比增减": f"{rnd.choice(['+', '-'])}{rnd.randint(0, 40)}%",
                     "备注": rnd.choice(["", "无", "含转办"])}[head]
            t3.append(row + [(extra if total else "", 1, 1)])
    tables[1] = t3
    return _doc(label, [_table(t) for t in tables]).encode("utf-8"), "html"


def subtotal_rows(label, rnd):
    """Table 3 with 小计 rows the format does not have, after the 不予公开 and 不予处理 groups
    (their figures the group's sums), as some organs print them."""
    apps = label["applications"]
    cols = formats.application_columns()
    rows = _app_rows(label)
    tables = parts(label)["tables"]
    group_of = {r["key"]: r.get("group") for r in rows}
    keys = [r["key"] for r in rows if r["key"] in apps]
    body = tables[1][2:]
    out = list(tables[1][:2])
    data_rows = [r for r in rows if r["key"] in apps]
    for row, spec in zip(body, data_rows):
        out.append(row)
        g = group_of.get(spec["key"])
        nxt = data_rows[data_rows.index(spec) + 1] if data_rows.index(spec) + 1 < len(data_rows) else None
        if g in ("denied", "rejected") and (nxt is None or nxt.get("group") != g):
            members = [k for k in keys if group_of.get(k) == g]
            sums = []
            for c in cols:
                vals = [apps[k].get(c) for k in members]
                sums.append(show(sum(v for v in vals if isinstance(v, (int, float)))) if any(v is not None for v in vals) else "")
            out.append([("小计", 1, 2 if len(row) > 8 else 1)] + [(v, 1, 1) for v in sums])
    tables[1] = _respan(out)
    return _doc(label, [_table(t) for t in tables]).encode("utf-8"), "html"


def _respan(rows):
    """Grow the rowspans that cover an inserted 小计 row (三、本年度办理结果, the group label)."""
    out = [list(r) for r in rows]
    inserted = [i for i, r in enumerate(out) if r and r[0][0] == "小计"]
    for i, row in enumerate(out):
        for j, (t, rs, cs) in enumerate(row):
            if rs > 1 and i >= 2:
                extra = sum(1 for k in inserted if i < k < i + rs + sum(1 for m in inserted if i < m < k) + 1)
                out[i][j] = (t, rs + extra, cs)
    return out


RENDERINGS = {"transposed-table3": transposed_table3, "thousands-html": thousands_html,
              "chinese-numerals": chinese_numerals, "split-table3": split_table3, "two-years": two_years,
              "units-everywhere": units_everywhere, "extra-column": extra_column, "subtotal-rows": subtotal_rows}
CHROMIUM = {"pdf-column-major": pdf_column_major, "png-screenshot": png_screenshot, "png-long": png_long,
            "pdf-split-table": pdf_split_table}
OFFICE = {"doc-split-table": doc_split_table, "docx-transposed": docx_transposed, "doc-thousands": doc_thousands}
# Where an undetermined cell is the honest reading (figures in words): only "never wrong".
NO_EXACT_BOUND = set()
# Renderings that print some cells in words: the exact bound counts only the cells in digits.
IN_WORDS = {"chinese-numerals": chinese_numerals}
# Renderings read by OCR: a cell is stored only where an identity vouches for it (R3 a row of
# table 3, R4 a block of table 4), so table 2 (no identity) stays undetermined; the exact
# bound counts the cells an identity can vouch for, "never wrong" every cell.
VOUCHED_ONLY = {"png-screenshot": ("applications", "review_litigation"),
                "png-long": ("applications", "review_litigation")}


def chromium_bytes(html_text: str, how: str, folder, name: str) -> bytes:
    """Chromium's PDF (print) or PNG (screenshot, 1000 × 2000 px: the whole report of the
    samples; `png-long`: 1000 × 4200 px)."""
    import os
    import subprocess

    src = folder / f"{name}.html"
    out = folder / f"{name}.{'pdf' if how == 'pdf' else 'png'}"
    src.write_text(html_text, encoding="utf-8")
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
    height = 4200 if how == "png-long" else 2000
    what = [f"--print-to-pdf={out}", "--no-pdf-header-footer"] if how == "pdf" else [
        f"--screenshot={out}", f"--window-size=1000,{height}", "--hide-scrollbars"]
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={folder / 'profile'}",
                    *what, src.as_uri()], capture_output=True, timeout=120, check=True)
    return out.read_bytes()


def office_bytes(html_text: str, target: str, folder, name: str) -> bytes:
    from ..test_inputs import soffice_convert

    src = folder / f"{name}.html"
    src.write_text(html_text, encoding="utf-8")
    soffice_convert(src, target, folder)
    return (folder / f"{name}.{target.split(':')[0]}").read_bytes()


def seeded(name: str, report: str, seed: int) -> random.Random:
    return random.Random(f"r3/{name}/{report}/{seed}")
# Renderings that use no randomness (one seed is all of them).
UNSEEDED = {"png-screenshot", "png-long", "pdf-column-major"}
