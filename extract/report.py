"""One saved report in, one JSON-ready dict out (the `python -m extract` object)."""
from __future__ import annotations

import re
from pathlib import Path

from . import checks, formats, glued, narrative, tables
from .document import Document, UnreadableDocument, load, page_spec
from .tables import ROW_END
from .values import classify, fold


def extract_file(path: str | Path) -> dict:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed(str(path), f"cannot read file: {exc.strerror or exc}")
    return extract_bytes(data, str(path))


def failed(source: str, error: str) -> dict:
    return {"source": source, "format": "unknown", "report_year": None, "agency": None,
            "published": None, "active": {}, "applications": {}, "review_litigation": {},
            "checks": [], "errors": [error]}


def extract_bytes(data: bytes, source: str, content_type: str = "") -> dict:
    try:
        doc = load(data, source, content_type)
    except UnreadableDocument as exc:
        return failed(source, str(exc))
    return extract_document(doc)


def extract_document(doc: Document) -> dict:
    errors: list[str] = []
    organ, year = organ_and_year(doc.title)
    agency = organ or doc.fields.get("publisher") or doc.fields.get("meta_publisher")
    published = normalise_date(doc.fields.get("meta_published") or doc.fields.get("published"))
    streams = table_streams(doc)
    all_text = doc.body_text + "\n" + "\n".join(c for s in streams.values() for c in s if c)
    fmt = formats.detect_format(all_text, year)
    out = {
        "source": doc.source, "format": fmt, "report_year": year, "agency": agency,
        "published": published, "title": doc.title,
        "index_number": doc.fields.get("index_number"),
        "publisher": doc.fields.get("publisher") or doc.fields.get("meta_publisher"),
        "active": {}, "applications": {}, "review_litigation": {},
        "raw": {"active": {}, "applications": {}, "review_litigation": {}},
        "notes": {},  # cell path -> the note printed in the cell (22（其中修订16件）)
        "checks": [], "errors": errors,
    }
    if year is None:
        errors.append("no report year in the title")
    if fmt in ("2021", "2019") and doc.kind == "text" and glued.is_glued(doc.body_text):
        read_glued(out, doc.body_text, fmt, errors)
    elif fmt in ("2021", "2019") and not streams and doc.images and len(fold(doc.body_text)) < 600:
        errors.append("image-only report: the tables are printed as pictures on the page (no numbers read)")
    elif fmt in ("2021", "2019"):
        read_tables(out, streams, fmt, errors)
    elif fmt == "pre2019":
        out["headline"], missing = narrative.headline(narrative_text(doc, fmt))
        errors.extend(missing)
        out["legacy_indicators"] = read_legacy(doc, errors)
    elif fmt == "unknown":
        errors.append("not recognised as an annual report")
    out["checks"] = checks.run(out) + narrative.check(out, narrative_text(doc, fmt))
    out["check_status"] = checks.status_of(out["checks"])
    out["body_text"] = doc.body_text
    return out


def read_glued(out: dict, text: str, fmt: str, errors: list) -> None:
    """A text capture with glued cells: decoded only where the identities allow (glued.py)."""
    parts = glued.sections(text)
    results = {
        "active": glued.decode_active(parts.get("active", ""), fmt),
        "applications": glued.decode_applications(parts.get("applications", ""), fmt),
        "review_litigation": glued.decode_review(parts.get("review_litigation", "")),
    }
    _store(out, results, errors)


def _store(out: dict, results: dict, errors: list) -> None:
    for section, result in results.items():
        errors.extend(result.errors)
        for key, cell in result.cells.items():
            if isinstance(cell, dict):
                out[section][key] = {c: v.value for c, v in cell.items()}
                out["raw"][section][key] = {c: v.raw for c, v in cell.items()}
                out["notes"].update({f"{section}.{key}.{c}": v.note for c, v in cell.items() if v.note})
            else:
                if cell.note:
                    out["notes"][f"{section}.{key}"] = cell.note
                out[section][key] = cell.value
                out["raw"][section][key] = cell.raw
                if key == "procurement_amount" and cell.unit:
                    out[section]["procurement_amount_unit"] = cell.unit


MISSING = {"active": "table 2 (主动公开) not found",
           "applications": "table 3 (收到和处理政府信息公开申请) not found",
           "review_litigation": "table 4 (行政复议、行政诉讼) not found"}


def read_tables(out: dict, streams: dict, fmt: str, errors: list) -> None:
    readers = {"active": lambda s: tables.read_active(s, fmt),
               "applications": lambda s: tables.read_applications(s, fmt),
               "review_litigation": tables.read_review}
    results = {}
    for section, reader in readers.items():
        if streams.get(section):
            results[section] = reader(streams[section])
        else:
            errors.append(MISSING[section])
    _store(out, results, errors)


def read_legacy(doc: Document, errors: list) -> list[dict]:
    """A pre-2019 统计表: from the document's tables, else from the text rendering's lines
    after its header, else decoded from a glued capture."""
    rows = tables.read_legacy(doc.tables)
    if rows or doc.kind not in ("text", "pdf"):
        return rows
    start = next((i for i, line in enumerate(doc.lines)
                  if re.search("统计指标|指标名称", fold(line)) and len(fold(line)) < 40), None)
    if start is not None:
        rows = tables.read_legacy_cells([c for line in doc.lines[start:] for c in line_cells(line)])
    if not rows and formats.legacy()["header_re"].search(fold(doc.body_text)):
        rows, problems = glued.decode_legacy(doc.body_text)
        errors.extend(problems)
    return rows


def narrative_text(doc: Document, fmt: str | None = None) -> str:
    """The body text outside the tables: sections 一 (总体情况) and 五/六 of the report.
    PDF lines are wrapped mid-sentence, so they are joined without a break."""
    cells = {c for stream in doc.tables for c in stream if c}
    lines = [line for line in doc.lines if line and line.strip() not in cells]
    text = ("" if doc.kind == "pdf" else "\n").join(lines)
    return narrative.outside_tables(text) if fmt in ("2021", "2019") else text


ROW_MARKERS = (("active", ("第二十条",)), ("applications", ("申请人情况",)),
               ("review_litigation", ("行政复议", "行政诉讼")))


def table_streams(doc: Document) -> dict:
    """Cell streams for tables 2, 3 and 4. A table is placed by its keywords; a table with no
    keywords but numbers continues the one before (next page, next block); inside a table a
    row that starts another section (a spreadsheet with all tables on one sheet, a PDF table
    that runs on past its heading) switches, and the heading of section 五 ends them."""
    if doc.sections:
        return doc.sections
    sections = formats.spec()["sections"]
    streams: dict[str, list] = {}
    current = None
    for stream in doc.tables:
        text = fold("".join(c for c in stream if c))
        placed = next((name for name in ("applications", "review_litigation", "active")
                       if all(k in text for k in sections[name]["table_keywords"][:2])
                       or (name == "active" and "第二十条" in text)), None)
        if placed:
            current = placed
        elif not (current and any(classify(c) == "number" for c in stream if c)):
            continue
        for row in _split_rows(stream):
            row_text = fold("".join(c for c in row if c))
            if formats.heading(row_text) == "end":
                current = None  # 五、存在的主要问题: the tables are over
                continue
            marker = next((name for name, words in ROW_MARKERS if all(w in row_text for w in words)), None)
            if marker and marker != current:
                current = marker
            if current:
                streams.setdefault(current, []).extend(row + [ROW_END])
    if streams:
        return streams
    return text_sections(doc.lines)


def _split_rows(stream: list) -> list[list]:
    rows, row = [], []
    for cell in stream:
        if cell is ROW_END:
            rows.append(row)
            row = []
        else:
            row.append(cell)
    if row:
        rows.append(row)
    return rows


def text_sections(lines: list[str]) -> dict:
    """The lines of each table section of a text rendering, as cell streams."""
    streams: dict[str, list] = {}
    current = None
    for line in lines:
        name = formats.heading(line)
        if name:
            current = name
        elif current and current != "end" and line != "":
            streams.setdefault(current, []).extend(line_cells(line))
    return streams


def line_cells(line: str) -> list[str]:
    """The cells of one line of a text rendering: one cell per line, or several separated by
    white space ('本年新收… 18 0 0 0 0 0 18'); a line of only white space is a blank cell.
    Words of a label separated by spaces stay one label."""
    if not line.strip():
        return [""]
    cells: list[str] = []
    for part in line.split():
        kind = classify(part)
        if cells and kind == "text" and classify(cells[-1]) == "text":
            cells[-1] += " " + part
        elif cells and kind == "text" and classify(cells[-1]) == "number" \
                and classify(cells[-1] + part) == "number":
            cells[-1] += " " + part  # '1341 万元', '22 （其中修订16件）': unit or note of the number
        else:
            cells.append(part)
    return cells


def organ_and_year(title: str | None):
    if not title:
        return None, None
    m = page_spec()["title_re"].search(title)
    if not m:
        return None, None
    organ = re.sub(r"^(关于|公开)", "", m.group("organ").strip(" 　:：-—"))
    return (organ or None), int(m.group("year"))


def normalise_date(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"
