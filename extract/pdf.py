"""PDF reports (pdfplumber): the ruled tables become cell streams, the text the body.

A table that continues on the next page is joined to the one before it in report.py; a merged
label printed one character per line is one cell here, and fold() removes its line breaks.
A PDF with no text layer is an image-only report: recorded as such, no numbers invented.
"""
from __future__ import annotations

import io
import re

from .tables import ROW_END

MIN_TEXT = 40  # characters: less than this on every page is a scan


def load_pdf(data: bytes, source: str):
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError

    from .document import Document, UnreadableDocument, find_fields

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages_text, streams = [], []
        with pdf:
            for page in pdf.pages:
                pages_text.append(page.extract_text() or "")
                for table in page.extract_tables():
                    stream = []
                    for row in table:
                        stream.extend(re.sub(r"\s+", " ", cell).strip() if cell is not None else None
                                      for cell in row if cell is not None)
                        stream.append(ROW_END)
                    streams.append(stream)
    except (PDFSyntaxError, ValueError, KeyError, TypeError, AssertionError) as exc:
        raise UnreadableDocument(f"PDF does not parse: {type(exc).__name__}: {exc}") from exc
    except Exception as exc:  # pdfminer raises many kinds on truncated files
        raise UnreadableDocument(f"PDF does not parse: {type(exc).__name__}: {exc}") from exc
    text = "\n".join(pages_text)
    if len(re.sub(r"\s+", "", text)) < MIN_TEXT:
        raise UnreadableDocument("image-only report: the PDF has no text layer (no numbers read)")
    lines = [line.strip() for line in text.split("\n")]
    doc = Document(source=source, kind="pdf", lines=lines, body_text=text, tables=streams)
    head = []
    for line in lines[:6]:
        head.append(line)
        if re.search(r"年度报告|年报", line):
            doc.title = re.sub(r"\s+", "", "".join(head))
            break
    doc.fields = find_fields(lines[:40])
    return doc
