"""Render a report's hand-verified cells (a label) into the layouts real portals produce.

A report becomes three tables in the national layout (rows of (text, rowspan, colspan)),
then each renderer prints them: HTML with rowspan/colspan, that HTML inside a JavaScript
string, text one cell per line, several per line, glued, mixed separators, and a Markdown
pipe table with drift and page markers. PDF and DOCX are made from the HTML by LibreOffice
(tests/test_layouts.py). The row and column words come from report_format.yml.
"""
from __future__ import annotations

import html
import json
import random
import re

from extract import formats
from extract.values import classify

HEAD = {
    "2021": {"regulations": ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
             "licensing": ("第二十条第（五）项", ["信息内容", "本年处理决定数量"]),
             "penalty": ("第二十条第（六）项", ["信息内容", "本年处理决定数量"]),
             "fees": ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"])},
    "2019": {"regulations": ("第二十条第（一）项", ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]),
             "licensing": ("第二十条第（五）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]),
             "penalty": ("第二十条第（六）项", ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]),
             "fees": ("第二十条第（八）项", ["信息内容", "上一年项目数量", "本年增/减"]),
             "procurement": ("第二十条第（九）项", ["信息内容", "采购项目数量", "采购总金额"])},
}
ACTIVE_BLOCKS = {  # block -> printed row labels, in order
    "2021": [("regulations", ["规章", "行政规范性文件"]), ("licensing", ["行政许可"]),
             ("penalty", ["行政处罚", "行政强制"]), ("fees", ["行政事业性收费"])],
    "2019": [("regulations", ["规章", "规范性文件"]), ("licensing", ["行政许可", "其他对外管理服务事项"]),
             ("penalty", ["行政处罚", "行政强制"]), ("fees", ["行政事业性收费"]),
             ("procurement", ["政府集中采购"])],
}
GROUP_LABELS = {"denied": "（三）不予公开", "unable": "（四）无法提供", "rejected": "（五）不予处理",
                "other": "（六）其他处理"}


def show(value, unit: str | None = None) -> str:
    """A cell as printed: blank for null, a decimal without trailing zeros, its unit."""
    if value is None:
        return ""
    text = f"{value:.6f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    return text + (unit or "")


def _active_row_values(fmt: str, label_text: str, active: dict) -> list[str]:
    row = next(r for r in formats.active_rows(fmt) if r["label_re"].fullmatch(label_text))
    unit = active.get("procurement_amount_unit")
    return [show(active.get(k), unit if k == "procurement_amount" else None) for k in row["keys"]]


def table2(label: dict) -> list[list[tuple]]:
    fmt, active = label["format"], label["active"]
    rows = []
    for block, labels in ACTIVE_BLOCKS[fmt]:
        title, head = HEAD[fmt][block]
        width = 4
        rows.append([(title, 1, width)])
        rows.append([(head[0], 1, 1)] + ([(h, 1, 1) for h in head[1:]] if len(head) == 4
                                         else [(h, 1, 1) for h in head[1:-1]] + [(head[-1], 1, width - len(head) + 1)]))
        for text in labels:
            values = _active_row_values(fmt, text, active)
            cells = [(text, 1, 1)] + [(v, 1, 1) for v in values[:-1]] + [(values[-1], 1, width - len(values))]
            rows.append(cells)
    return rows


def table3(label: dict) -> list[list[tuple]]:
    fmt, apps = label["format"], label["applications"]
    columns = formats.application_columns()
    rows = [[("申请人情况", 2, 3), ("自然人", 2, 1), ("法人或其他组织", 1, 5), ("总计", 2, 1)],
            [(c["zh"], 1, 1) for c in formats.spec()["application_columns"][1:6]]]
    spec = [r for r in formats.application_rows(fmt) if r["key"] in apps]
    results = [r for r in spec if r.get("result") or r["key"] == "total_handled"]
    seen_groups = set()
    for r in spec:
        values = [(show(apps[r["key"]].get(c)), 1, 1) for c in columns]
        if r["key"] in ("new_received", "carried_over", "carried_forward"):
            rows.append([(r["zh"], 1, 3)] + values)
            continue
        lead = []
        if r is results[0]:
            lead.append(("三、本年度办理结果", len(results), 1))
        group = r.get("group")
        if group and r.get("replaces") is None and group not in seen_groups:
            seen_groups.add(group)
            size = sum(1 for x in spec if x.get("group") == group)
            lead.append((GROUP_LABELS[group], size, 1))
        if group and not r.get("replaces"):
            number = re.search(r"(\d+)\.", r["zh"]).group(1)
            rows.append(lead + [(f"{number}.{r['printed']}", 1, 1)] + values)
        elif r.get("replaces"):
            rows.append(lead + [(GROUP_LABELS[group], 1, 2)] + values)
        else:
            rows.append(lead + [(r["zh"], 1, 2)] + values)
    return rows


def table4(label: dict) -> list[list[tuple]]:
    review = label["review_litigation"]
    outcomes = formats.spec()["review_outcomes"]
    rows = [[("行政复议", 1, 5), ("行政诉讼", 1, 10)],
            [(o["zh"], 2, 1) for o in outcomes] + [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)],
            [(o["zh"], 1, 1) for _ in range(2) for o in outcomes],
            [(show(review[b][o["key"]]), 1, 1) for b in formats.review_blocks() for o in outcomes]]
    return rows


HEADINGS = ["二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况"]


def parts(label: dict) -> dict:
    year = label["report_year"]
    title = f"{label['agency']}{year}年政府信息公开工作年度报告"
    intro = (f"本报告由{label['agency']}编制。本报告所列数据的统计期限为{year}年1月1日至{year}年12月31日。")
    overview = f"一、总体情况\n{year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，做好政府信息公开工作。"
    end = "五、存在的主要问题及改进情况\n工作仍有不足，将继续改进。\n六、其他需要报告的事项\n无。"
    return {"title": title, "intro": intro, "overview": overview, "end": end,
            "tables": [table2(label), table3(label), table4(label)]}


# --- renderers ---------------------------------------------------------------------------

def to_html(label: dict, tables: list | None = None) -> str:
    p = parts(label)
    p["tables"] = tables or p["tables"]
    body = [f"<h1>{p['title']}</h1>", f"<p>{p['intro']}</p>"]
    body += [f"<p>{line}</p>" for line in p["overview"].split("\n")]
    for heading, table in zip(HEADINGS, p["tables"]):
        body.append(f"<p>{heading}</p>")
        rows = []
        for row in table:
            cells = "".join(
                f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>{html.escape(t)}</td>"
                for t, rs, cs in row)
            rows.append(f"<tr>{cells}</tr>")
        body.append('<table border="1" cellspacing="0" cellpadding="2" width="100%" style="border-collapse:collapse">' + "".join(rows) + "</table>")
    body += [f"<p>{line}</p>" for line in p["end"].split("\n")]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{p["title"]}</title></head>'
            f'<body><div id="zoom">{"".join(body)}</div></body></html>')


def to_html_in_script(label: dict) -> str:
    """The page's body as a JavaScript string (quotes escaped), written in by a script."""
    inner = re.search(r'<div id="zoom">(.*)</div></body>', to_html(label), re.S).group(1)
    title = parts(label)["title"]
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div id="zoom"></div><script>var content = {json.dumps(inner, ensure_ascii=False)};'
            f'document.getElementById("zoom").innerHTML = content;</script></body></html>')


def _text(label: dict, table_lines, tables: list | None = None) -> str:
    p = parts(label)
    p["tables"] = tables or p["tables"]
    out = [p["title"], p["intro"], p["overview"]]
    for heading, table in zip(HEADINGS, p["tables"]):
        out.append(heading)
        out.extend(table_lines(table))
    out.append(p["end"])
    return "\n".join(out) + "\n"


NULL = "—"  # how text renderings print a blank cell


def _cells(row) -> list[str]:
    return [t if t != "" else NULL for t, _, _ in row]


def to_one_per_line(label: dict) -> str:
    return _text(label, lambda table: [c for row in table for c in _cells(row)])


def to_several_per_line(label: dict) -> str:
    return _text(label, lambda table: ["  ".join(_cells(row)) for row in table if row])


def to_glued(label: dict) -> str:
    """Every table on one line, its cells run together (a text capture of the page)."""
    return _text(label, lambda table: ["".join(_cells(row)) for row in table])


def to_mixed(label: dict, seed: int = 0) -> str:
    """Rows printed space-separated, glued, or glued with a stray space inside the run."""
    rnd = random.Random(seed)

    def lines(table):
        out = []
        for i, row in enumerate(table):
            cells = _cells(row)
            style = i % 3
            if style == 0:
                out.append(" ".join(cells))
            elif style == 1:
                out.append("".join(cells))
            else:
                text = "".join(cells)
                digits = [j for j in range(1, len(text)) if text[j].isdigit() and text[j - 1].isdigit()]
                if digits:
                    j = rnd.choice(digits)
                    text = text[:j] + " " + text[j:]
                out.append(text)
        return out
    return _text(label, lines)


def to_markdown(label: dict, seed: int = 0) -> str:
    """Pipe tables as a PDF-to-Markdown converter writes them: spanned cells printed once,
    the header split over two lines, a page marker and a repeated separator inside the
    table, and some row labels pulled onto the end of the row above."""
    rnd = random.Random(seed)

    def lines(table):
        rows = [_cells(row) for row in table if row]
        for i in range(len(rows) - 1, 1, -1):
            if rnd.random() < 0.25 and rows[i] and not re.fullmatch(r"[\d.—-]+", rows[i][0]):
                rows[i - 1] = rows[i - 1] + [rows[i][0]]  # the label drifts into the row above
                rows[i] = rows[i][1:]
        out = []
        for i, row in enumerate(rows):
            if i == 0 and len(row) > 1:
                half = len(row) // 2
                out += ["| " + " | ".join(row[:half]) + " |", "| " + " | ".join(row[half:]) + " |"]
                out.append("|" + "---|" * len(row))
                continue
            if i == len(rows) // 2:
                out += ["", "<!-- page 2 -->", "", "|" + "---|" * max(1, len(row))]
            out.append("| " + " | ".join(row) + " |")
        return out
    return _text(label, lines)


RENDERERS = {
    "html": (to_html, ".html"),
    "html-in-script": (to_html_in_script, ".html"),
    "one-per-line": (to_one_per_line, ".txt"),
    "several-per-line": (to_several_per_line, ".txt"),
    "glued": (to_glued, ".txt"),
    "mixed": (to_mixed, ".txt"),
    "markdown": (to_markdown, ".md"),
}


def spaced(text: str) -> str:
    """A one-cell-per-line rendering re-rendered with a table row per line, cells separated
    by spaces (blank lines between cells dropped)."""
    lines, out, i = text.split("\n"), [], 0
    while i < len(lines):
        line = lines[i]
        if line and classify(line) == "text" and i + 2 < len(lines) and classify(lines[i + 2] or "x") != "text":
            row, j = [line], i + 2
            while j < len(lines) and lines[j] and classify(lines[j]) != "text":
                row.append(lines[j])
                j += 2
            out.append("  ".join(row))
            i = j
        else:
            out.append(line)
            i += 1
    return "\n".join(out)


# --- renderings that destroy structure ---------------------------------------------------

def to_one_line(label: dict) -> str:
    """The whole report on one line, every cell separated by a single space."""
    return " ".join(to_several_per_line(label).split()) + "\n"


NUMBER_CHARS = set("0123456789.,-")


def to_broken_rows(label: dict, seed: int = 0) -> str:
    """Rows with line breaks at random places between cells and inside labels (a PDF or a
    browser wrapping text), never inside a number."""
    rnd = random.Random(seed)

    def lines(table):
        out = []
        for row in table:
            text = " ".join(_cells(row))
            cuts = [j for j in range(1, len(text)) if not (text[j] in NUMBER_CHARS and text[j - 1] in NUMBER_CHARS)
                    and rnd.random() < 0.08]
            pieces, last = [], 0
            for j in cuts:
                pieces.append(text[last:j])
                last = j
            pieces.append(text[last:])
            out += [p for p in pieces if p.strip()]
        return out
    return _text(label, lines)


SIMILAR = {"沭": "沐", "己": "已", "未": "末", "市": "巿", "处": "外", "人": "入"}
DIGIT_NOISE = {"0": "O", "1": "l"}


def _noisy_label(text: str, rnd: random.Random) -> str:
    """A label as OCR may read it: a similar character, a dropped or a doubled character."""
    chars = list(text)
    if len(chars) >= 8:
        i = rnd.randrange(2, len(chars) - 1)
        roll = rnd.random()
        if roll < 0.3:
            del chars[i]
        elif roll < 0.6:
            chars.insert(i, chars[i])
    return "".join(SIMILAR.get(c, c) if rnd.random() < 0.5 else c for c in chars)


def _noisy_cell(text: str, rnd: random.Random) -> str:
    if classify(text) == "text":
        return _noisy_label(text, rnd)
    return "".join(DIGIT_NOISE[c] if c in DIGIT_NOISE and rnd.random() < 0.15 else c for c in text)


def _damaged_tables(label: dict, rnd: random.Random) -> list:
    """The three tables with table 3's header row moved above its last four rows and one
    sub-row label lost."""
    t2, t3, t4 = (list(t) for t in parts(label)["tables"])
    header = t3[:2]
    body = t3[2:]
    lost = next(i for i, row in enumerate(body) if row and row[-8][0].startswith("2."))
    body[lost] = body[lost][:-8] + body[lost][-7:]  # the label is not printed at all
    t3 = body[:-4] + header + body[-4:]
    return [t2, t3, t4]


def _text_of(label: dict, tables: list, table_lines) -> str:
    p = parts(label)
    out = [p["title"], p["intro"], p["overview"]]
    for heading, table in zip(HEADINGS, tables):
        out.append(heading)
        out.extend(table_lines(table))
    out.append(p["end"])
    return "\n".join(out) + "\n"


def to_ocr_noise(label: dict, seed: int = 0) -> str:
    """Rows as OCR reads a scan: 0/O and 1/l confused, similar characters in names and labels,
    a dropped or doubled character in a label, table 3's header row moved, a label lost."""
    rnd = random.Random(seed)
    tables = _damaged_tables(label, rnd)

    def lines(table):
        return ["  ".join(_noisy_cell(c, rnd) if c != NULL else c for c in _cells(row) if c) for row in table if row]
    text = _text_of(label, tables, lines)
    return text.replace(label["agency"], "".join(SIMILAR.get(c, c) for c in label["agency"]), 1)


def to_ocr_markdown(label: dict, seed: int = 0) -> str:
    """An OCR service's Markdown: one pipe table per block with generic column headers
    (列1 列2 …), table 3's header printed above its last four rows, 沭 read as 沐."""
    rnd = random.Random(seed)
    tables = _damaged_tables(label, rnd)

    def lines(table):
        rows = [_cells(row) for row in table if row]
        width = max(len(r) for r in rows)
        out = ["| " + " | ".join(f"列{i}" for i in range(1, width + 1)) + " |", "|" + "---|" * width]
        for row in rows:
            out.append("| " + " | ".join(row) + " |")
        return out
    return _text_of(label, tables, lines).replace("沭", "沐")


def to_js_data_txt(label: dict) -> str:
    """The report's HTML in a JavaScript data file, saved by the portal as `.txt`."""
    inner = re.search(r'<div id="zoom">(.*)</div></body>', to_html(label), re.S).group(1)
    return ("var pageData = " + json.dumps({"title": parts(label)["title"], "content": inner}, ensure_ascii=False)
            + ";\nrender(pageData);\n")


def permuted_columns(label: dict, rnd: random.Random, headers: bool = True) -> list:
    """The three tables with table 3's columns in a random order — 自然人, the organisation
    group and 总计 shuffled, the five organisation columns shuffled under it — and its
    headers printed over the columns they name. Without headers only 总计 moves: nothing
    could tell the six applicant columns apart, R3 alone tells where 总计 is not."""
    tables = parts(label)["tables"]
    top, orgs = ["person", "group", "total"], list(range(1, 6))
    rnd.shuffle(top)
    rnd.shuffle(orgs)
    order = [c for t in top for c in {"person": [0], "group": orgs, "total": [6]}[t]]
    if not headers:  # only 总计 moved: what R3 can refute (the six applicant columns are symmetric in it)
        order = list(range(6))
        order.insert(rnd.randrange(6), 6)
    names = [c["zh"] for c in formats.spec()["application_columns"]]
    head = {"person": ("自然人", 2, 1), "group": ("法人或其他组织", 1, 5), "total": ("总计", 2, 1)}
    rows = [[("申请人情况", 2, 3)] + [head[t] for t in top], [(names[c], 1, 1) for c in orgs]] if headers else []
    for row in tables[1][2:]:
        values, lead = row[-7:], row[:-7]
        rows.append(lead + [values[c] for c in order])
    tables[1] = rows
    return tables


def to_columns_permuted(label: dict, seed: int = 0) -> str:
    """HTML whose table 3 prints its columns in another order under correct headers."""
    return to_html(label, permuted_columns(label, random.Random(seed)))


def to_columns_permuted_text(label: dict, seed: int = 0) -> str:
    """The same as a text capture, a table row per line."""
    tables = permuted_columns(label, random.Random(seed))
    return _text(label, lambda table: ["  ".join(_cells(row)) for row in table if row], tables)


def to_columns_unlabelled(label: dict, seed: int = 0) -> str:
    """Table 3 with 总计 printed in another column and no header: nothing proves the order,
    R3 refutes the one assumed, so its cells are undetermined (never read by position)."""
    tables = permuted_columns(label, random.Random(seed), headers=False)
    return _text(label, lambda table: ["  ".join(_cells(row)) for row in table if row], tables)


RENDERERS.update({
    "columns-permuted": (lambda label: to_columns_permuted(label, 1), ".html"),
    "columns-permuted-text": (lambda label: to_columns_permuted_text(label, 2), ".txt"),
    "one-line": (to_one_line, ".txt"),
    "broken-rows": (to_broken_rows, ".txt"),
    "ocr-noise": (to_ocr_noise, ".txt"),
    "ocr-markdown": (to_ocr_markdown, ".md"),
    "js-data-txt": (to_js_data_txt, ".txt"),
})


def to_page_image(label: dict, font_path: str = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") -> bytes:
    """The report printed as one page image (PIL, a CJK font), as a scan of the printed page:
    its tables as rows of cells, the cells spaced apart."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(font_path, 22, index=2)
    lines = to_several_per_line(label).split("\n")
    lines = [re.sub(r"\s{2,}", "    ", line) for line in lines if line.strip()]
    width = 60 + max(int(font.getlength(line)) for line in lines)
    image = Image.new("L", (width, 40 + 36 * len(lines)), 255)
    draw = ImageDraw.Draw(image)
    for i, line in enumerate(lines):
        draw.text((30, 20 + 36 * i), line, font=font, fill=0)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
