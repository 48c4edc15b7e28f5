"""PDF reports (pdfplumber): the ruled tables become cell streams, the text the body.

A table that continues on the next page is joined to the one before it in report.py; a merged
label printed one character per line is one cell here, and fold() removes its line breaks.
Tables without ruling lines are rebuilt from the words' positions (layout.py).
A PDF with no text layer is an image-only report: recorded as such, no numbers invented.
"""
from __future__ import annotations

import io
import itertools
import re

from . import formats, layout, pdf_columns
from .grid import ROW_END, Text, Where
from .values import classify, fold

MIN_TEXT = 40  # characters: less than this on every page is a scan
RULED_KEYWORDS = ("第二十条", "本年新收", "结果维持")  # a ruled table holding one is a report table


def load_pdf(data: bytes, source: str, digit_maps: dict | None = None):
    """The Document of a PDF's text layer; `digit_maps` (fontname -> str.maketrans, from
    shown.py) reads a lying font's digits as its pages show them."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    from .source import Document, UnreadableDocument, find_fields

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages_text, tables, pages_words = [], [], []
        with pdf:
            metadata = dict(pdf.metadata or {})
            for page in pdf.pages:
                _remap(page, digit_maps)
            # a page printed in two columns is read column by column (pdf_columns.py)
            parts = pdf_columns.reading_order(pdf.pages)
            for page in parts:
                pages_text.append(page.extract_text() or "")
                tables += [[[re.sub(r"\s+", " ", c).strip() for c in row if c is not None] for row in table]
                           for table in page.extract_tables(_closing_rules(page))]
            streams = [[c for r, row in enumerate(table, 1)
                        for c in [Text(t, Where("pdf", i, r, j)) for j, t in enumerate(row, 1)] + [ROW_END]]
                       for i, table in enumerate(_join_page_breaks(tables), 1)]
            if not any(k in fold("".join(c for c in s if c)) for s in streams for k in RULED_KEYWORDS):
                # the report's tables have no ruling lines: rebuilt from where the words stand
                pages_words = [(float(part.root_page.height), part.extract_words(return_chars=True)) for part in parts]
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise UnreadableDocument(f"PDF does not parse: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # pdfminer raises many kinds on truncated files
        raise UnreadableDocument(f"PDF does not parse: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(pages_text)
    if len(re.sub(r"\s+", "", text)) < MIN_TEXT:
        from .ocr import load_scanned_pdf  # a scan: its pages read by OCR

        return load_scanned_pdf(data, source)
    lines = [line.strip() for line in text.split("\n")]
    doc = Document(source=source, kind="pdf", lines=lines, body_text=text, tables=streams, layout="pdf")
    if pages_words:
        doc.sections = layout.rebuild(pages_words) or None
        if doc.sections:
            doc.layout = "pdf-layout"
    doc.title = pdf_title(lines, metadata)
    doc.fields = find_fields(lines[:40])
    return doc


def _remap(page, digit_maps: dict | None) -> None:
    """Each character of a lying font given the digit its glyph shows (before anything is
    read from the page: the words, tables and text are all made of these characters)."""
    if not digit_maps:
        return
    for char in page.chars:
        table = digit_maps.get(char["fontname"])
        if table:
            char["text"] = char["text"].translate(table)


def _closing_rules(page) -> dict:
    """A ruled table cut by a page break loses the rule on its cut side (the row's border is
    drawn on the other page): the page's outermost vertical rules say where that row ends,
    so a rule is drawn there and the row is not lost."""
    vertical = [e for e in page.edges if e["orientation"] == "v"]
    if not vertical:
        return {}
    return {"explicit_horizontal_lines": [min(e["top"] for e in vertical), max(e["bottom"] for e in vertical)]}


def pdf_title(lines: list[str], metadata: dict) -> str | None:
    """The title printed near the top, else the document's Title property."""
    from .source import page_spec, title_from_lines

    title = title_from_lines(lines)
    if title:
        return title
    title = str(metadata.get("Title") or "").strip()
    return title if page_spec()["title_re"].search(title) else None


def _join_page_breaks(tables: list[list[list[str]]]) -> list:
    """A row cut by a page break leaves the rest of its labels ('第三方合法权益', '确') in a
    row of blanks at the head of the next page's table: those go back to the row above."""
    layout = formats.spec()["layout"]
    for before, table in itertools.pairwise(tables):
        if not (before and table and before[-1] and any(classify(c) == "number" for c in before[-1])):
            continue
        first = table[0]
        texts = [c for c in first if classify(c) == "text"]
        if not texts or len(texts) == len(first) or any(classify(c) == "number" for c in first):
            continue
        if any(layout["label_start_re"].match(fold(t)) or any(h in fold(t) for h in layout["headers"])
               for t in texts):
            continue
        labels = [i for i, c in enumerate(before[-1]) if classify(c) == "text"]
        for text, i in zip(reversed(texts), reversed(labels)):
            before[-1][i] += text
        if labels:
            table.pop(0)
    return tables
