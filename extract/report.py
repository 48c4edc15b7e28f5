"""One saved report in, one typed Report out (model.py; `python -m extract` prints its
`as_dict()`)."""
from __future__ import annotations

import re
from pathlib import Path

from . import align, checks, formats, glued, narrative, readings, tables
from .document import Document, UnreadableDocument, load, page_spec
from .grid import ROW_END, Text, Where, rows_of
from .model import Report
from .values import Cell, classify, fold
from .visible import organ_name, visible


def extract_file(path: str | Path) -> Report:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return failed(str(path), f"cannot read file: {exc.strerror or exc}")
    return extract_bytes(data, str(path))


def failed(source: str, error: str) -> Report:
    return Report(source=source, errors=[error], unread=True)


def extract_bytes(data: bytes, source: str, content_type: str = "") -> Report:
    try:
        doc = load(data, source, content_type)
    except UnreadableDocument as exc:
        return failed(source, str(exc))
    out = extract_document(doc)
    if doc.kind == "pdf" and out.check_status == "has_failures":
        out = as_shown(data, source, out)
    return out


def as_shown(data: bytes, source: str, out: Report) -> Report:
    """A PDF whose text layer's figures fail the cross-checks, read as its pages show it:
    the text layer kept when the rendered pages show its digits, read through a lying
    font's digit map when one is proven, else the pages read by OCR (shown.py)."""
    from . import shown
    from .limits import LimitExceeded, current
    from .ocr import load_scanned_pdf
    from .pdf import load_pdf

    try:
        verdict = shown.verdict(data, current().pages)
    except (LimitExceeded, MemoryError):
        raise
    except Exception as exc:  # pdfium and pdfminer raise many kinds on damaged files
        out.errors.append(f"the PDF's digits could not be compared with its rendered pages "
                          f"({type(exc).__name__}: {exc}); read from its text layer")
        return out
    if verdict.kind in ("honest", "unread"):
        return out
    if verdict.kind == "remap":
        doc = load_pdf(data, source, verdict.maps)
        note = f"the PDF's fonts map digit glyphs to other digits ({verdict.detail}); read as the pages show them"
    else:
        note = f"the PDF's text layer does not print the digits its pages show ({verdict.detail})"
        try:
            doc = load_scanned_pdf(data, source)
        except UnreadableDocument as exc:
            return unvouched(out, f"{note}; its pages do not read by OCR either ({exc}): no figure stored")
        note += "; its pages read by OCR instead"
    shown_out = extract_document(doc)
    shown_out.errors.insert(0, note)
    return shown_out


def extract_document(doc: Document) -> Report:
    errors: list[str] = ([doc.stray_bytes] if doc.stray_bytes else []) + list(doc.errors)
    (organ, organ_from), (year, year_from) = organ_and_year_of(doc)
    agency = organ_name(organ or doc.fields.get("publisher") or doc.fields.get("meta_publisher")) or None
    if agency and not organ:
        organ_from = "metadata block" if doc.fields.get("publisher") else "meta"
    published = normalise_date(doc.fields.get("meta_published") or doc.fields.get("published"))
    streams = table_streams(doc)
    all_text = doc.body_text + "\n" + "\n".join(c for s in streams.values() for c in s if c)
    fmt = formats.detect_format(all_text, year)
    out = Report(source=doc.source, format=fmt, report_year=year, year_source=year_from, agency=agency,
                 agency_source=organ_from if agency else None, published=published, title=doc.title,
                 index_number=doc.fields.get("index_number"),
                 publisher=doc.fields.get("publisher") or doc.fields.get("meta_publisher"), errors=errors)
    if year is None:
        errors.append("no report year in the title, metadata or the statistics-period sentence")
    if fmt in ("2021", "2019") and doc.kind == "text" and glued.is_glued(doc.body_text):
        grids, problems = glued.decode(doc.body_text, fmt)
        errors.extend(problems)
        out.layout = "glued"
        read_tables(out, {name: grid.stream() for name, grid in grids.items()}, fmt, errors)
        second_reading(out, doc.body_text, fmt, errors, doc.line_scores)
    elif fmt in ("2021", "2019") and not streams and doc.images and len(fold(doc.body_text)) < 600:
        errors.append("image-only report: the tables are printed as pictures on the page (no numbers read)")
    elif fmt in ("2021", "2019"):
        out.layout = doc.layout
        read_tables(out, streams, fmt, errors)
        second_reading(out, alignment_text(doc, streams), fmt, errors, doc.line_scores)
    elif fmt == "pre2019":
        out.legacy_indicators = read_legacy(doc, errors)
        out.headline, missing = narrative.headline(narrative_text(doc, fmt), out.legacy_indicators)
        errors.extend(missing)
    elif fmt == "unknown":
        errors.append("not recognised as an annual report")
    out.checks = checks.run(out) + narrative.check(out.as_dict(), narrative_text(doc, fmt))
    out.check_status = checks.status_of(out.checks)
    out.body_text = doc.body_text
    return out


def unvouched(out: Report, why: str) -> Report:
    """The report with no figure stored: each cell undetermined, for `why`."""
    for section in ("active", "applications", "review_litigation"):
        table = getattr(out, section)
        for key, value in table.items():
            if isinstance(value, dict):
                table[key] = {c: Cell(raw="", match=why, reading="undetermined") for c in value}
            else:
                table[key] = Cell(raw="", match=why, reading="undetermined")
    out.errors.insert(0, why)
    out.checks = checks.run(out)
    out.check_status = checks.status_of(out.checks)
    return out


MISSING = {"active": "table 2 (主动公开) not found",
           "applications": "table 3 (收到和处理政府信息公开申请) not found",
           "review_litigation": "table 4 (行政复议、行政诉讼) not found"}


def read_tables(out: Report, streams: dict, fmt: str, errors: list) -> None:
    """Every layout's grids, read into canonical keys by the one table reader."""
    readers = {"active": lambda s: tables.read_active(s, fmt),
               "applications": lambda s: tables.read_applications(s, fmt),
               "review_litigation": tables.read_review}
    for section, reader in readers.items():
        if not streams.get(section):
            errors.append(MISSING[section])
            continue
        result = reader(streams[section])
        errors.extend(result.errors)
        setattr(out, section, result.cells)


def second_reading(out: Report, text: str, fmt: str, errors: list, scores: list | None = None) -> None:
    """The alignment reading of the same capture, merged with the grid reading (readings.py)."""
    aligned, problems = align.read(text, fmt, out.layout or "text")
    for section, cells in aligned.items():
        if cells and MISSING[section] in errors and not getattr(out, section):
            errors.remove(MISSING[section])
    merged = readings.merge_report(out, aligned, fmt, out.layout or "text")
    values = {path: cell.value for path, cell in out.cells()}
    for where, message in problems:  # the alignment's troubles matter where no value was stored
        if message not in errors and not any(v is not None for p, v in values.items() if p.startswith(where)):
            errors.append(message)
    errors.extend(p for p in merged if p not in errors)
    if scores:  # OCR: each stored value carries its line's confidence
        for _, cell in out.cells():
            line = getattr(cell.where, "line", None)
            if cell.value is not None and line and line <= len(scores):
                cell.match = f"{cell.match}; ocr confidence {scores[line - 1]:.3f}"


INLINE_HEADINGS = {"active": "二、主动公开政府信息情况", "applications": "三、收到和处理政府信息公开申请情况",
                   "review_litigation": "四、政府信息公开行政复议、行政诉讼情况"}


def alignment_text(doc: Document, streams: dict) -> str:
    """What the alignment reader reads: a text rendering as printed; a document with tables
    (HTML, Office, PDF) as the text of its table cells under the section headings, a blank
    cell printed as — (not reported), so no cell disappears between two numbers."""
    if doc.kind == "text" or not streams:
        return doc.body_text
    parts = []
    for section, heading in INLINE_HEADINGS.items():
        if streams.get(section):
            parts.append(heading + "\n" + " ".join("\n" if c is ROW_END else (c or "—") for c in streams[section]))
    return "\n".join(parts) + "\n五、\n"


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


def table_streams(doc: Document) -> dict:
    """Cell streams for tables 2, 3 and 4. A table is placed by its keywords; a table with no
    keywords but numbers continues the one before (next page, next block); inside a table a
    row that starts another section (a spreadsheet with all tables on one sheet, a PDF table
    that runs on past its heading) switches, and the heading of section 五 ends them."""
    if doc.sections:
        return doc.sections
    sections = formats.spec()["sections"]
    markers = [(name, sections[name]["row_markers"]) for name in ("active", "applications", "review_litigation")]
    streams: dict[str, list] = {}
    current = None
    for stream in doc.tables:
        text = fold("".join(c for c in stream if c))
        placed = next((name for name in ("applications", "review_litigation", "active")
                       if all(k in text for k in sections[name]["table_keywords"][:2])
                       or (name == "active" and "第二十条" in text)), None)
        if placed:
            current = placed
        elif not (current and any(classify(c) == "number" for c in stream if c)) and not any(
                all(w in fold("".join(c for c in row if c)) for w in words)
                for row in rows_of(stream) for _, words in markers):
            continue  # neither continues a table nor starts one (a header row alone at a page's foot does)
        for row in rows_of(stream):
            row_text = fold("".join(c for c in row if c))
            if formats.heading(row_text) == "end":
                current = None  # 五、存在的主要问题: the tables are over
                continue
            marker = next((name for name, words in markers if all(w in row_text for w in words)), None)
            if marker and marker != current:
                current = marker
            if current:
                streams.setdefault(current, []).extend(row + [ROW_END])
    if streams:
        return streams
    return text_sections(doc.lines, doc.layout)


def text_sections(lines: list[str], layout: str = "text") -> dict:
    """The lines of each table section of a text rendering, as cell streams."""
    streams: dict[str, list] = {}
    current = None
    marker = formats.spec()["layout"]["page_marker_re"]
    for number, line in enumerate(lines, 1):
        name = formats.heading(line.strip("| "))
        if name:
            current = name
        elif current and current != "end" and line != "" and not marker.search(line.strip()):
            where = Where(layout, line=number)
            streams.setdefault(current, []).extend(Text(c, where) for c in line_cells(line))
    return streams


def line_cells(line: str) -> list[str]:
    """The cells of one line of a text rendering: one cell per line, several separated by
    white space ('本年新收… 18 0 0 0 0 0 18'), or a Markdown pipe row ('| 规章 | 0 | 0 |');
    a line of only white space is a blank cell. Words of a label separated by spaces stay
    one label; a pipe table's separator row (|---|---|) is no cells."""
    if not line.strip():
        return [""]
    stripped = line.strip()
    if stripped.startswith("|"):
        if re.fullmatch(r"\|?(\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*", stripped):
            return []
        return [c.strip() for c in stripped.strip("|").split("|")]
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
    m = page_spec()["title_re"].search(visible(title))
    if not m:
        return None, None
    organ = re.sub(r"^(关于|公开)", "", organ_name(m.group("organ")).strip(" 　:：-—"))
    return (organ or None), int(m.group("year"))


def organ_and_year_of(doc: Document) -> tuple[tuple, tuple]:
    """((organ, source), (year, source)): from the title, else the <meta> tags, else the
    metadata block, else the statistics-period sentence (本报告所列数据的统计期限为…) or the
    first sentence naming the report's year. The source says which gave it."""
    organ = year = organ_from = year_from = None
    candidates = [("title", doc.title)] + [("meta", v) for v in doc.meta.values()] \
        + [("metadata block", v) for v in doc.fields.values()]
    for source, text in candidates:
        o, y = organ_and_year(text)
        if organ is None and o:
            organ, organ_from = o, source
        if year is None and y:
            year, year_from = y, source
    if year is None:
        body = fold(doc.body_text[:20000])
        for pattern, source in page_spec()["year_sentences"]:
            m = re.search(pattern, body)
            if m:
                year, year_from = int(m.group("year")), source
                break
    return (organ, organ_from), (year, year_from)


def normalise_date(text: str | None) -> str | None:
    if not text:
        return None
    m = re.search(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})", text)
    if not m:
        return None
    y, mo, d = (int(g) for g in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}"
