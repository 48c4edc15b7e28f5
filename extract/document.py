"""A saved report as the extractor sees it: title, metadata fields, body text, table streams.

HTML is decoded by its declared charset (w3lib, as Scrapy does), scoped to the body
container of page.yml, and cleaned by trafilatura; its tables become cell streams. Text
renderings keep their lines; their tables are cut out by section headings.
"""
from __future__ import annotations

import codecs
import copy
import html as html_lib
import itertools
import json
import re
import threading
from pathlib import Path

import lxml.html
from w3lib.encoding import html_to_unicode

from . import css_tables, html_images
from .grid import ROW_END, Text, Where
from .limits import check_cells
from .markup import parsable
from .source import Document, UnreadableDocument, find_fields, page_spec, title_from_lines  # noqa: F401
from .mht import html_part
from .sniff import file_kind, text_kind
from .values import fold
from .visible import visible

HTML_SUFFIXES = {".html", ".htm", ".shtml", ".xhtml", ".jsp", ".asp", ".aspx", ".php"}
TEXT_SUFFIXES = {".txt", ".text", ".md", ".markdown"}
SCRIPT_SUFFIXES = {".js", ".json"}


def sniff_kind(data: bytes, name: str = "", content_type: str = "") -> str:
    by_bytes = file_kind(data)  # the bytes decide first: names and headers are often wrong
    if by_bytes in ("pdf", "ole", "rtf", "image", "mht"):
        return by_bytes
    if by_bytes in ("ooxml", "ofd", "zip"):
        return "zip"
    suffix = Path(name.split("?")[0]).suffix.lower()
    head = data[:2048].lstrip().lower()
    if head.startswith(b"%pdf") or "application/pdf" in content_type:
        return "pdf"
    if suffix in SCRIPT_SUFFIXES or re.search(r"javascript|ecmascript|json", content_type):
        return "script"
    if "html" in content_type or suffix in HTML_SUFFIXES or head.startswith((b"<!doctype", b"<html")):
        return "html"
    if head.startswith(b"pk\x03\x04"):
        return "zip"
    if head.startswith((b"\x89png", b"\xff\xd8\xff", b"gif8", b"ii*\x00", b"mm\x00*")) or content_type.startswith("image/"):
        return "image"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if suffix in TEXT_SUFFIXES or content_type.startswith("text/"):
        return "text"
    if b"<table" in head or b"<div" in head or b"<p" in head:
        return "html"
    return "text" if _decodes(data) else "binary"


def _decodes(data: bytes) -> bool:
    try:
        data.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


class StrayBytes(list):
    """Where decode_text had to replace bytes: (offset, the bytes)."""


STRAY_BYTES_NAMED = 5  # stray bytes named in the error (their count is given in full)
_noted = threading.local()  # the list the codec error handler below appends to


def _note_stray(error: UnicodeDecodeError):
    _noted.bytes.append((error.start, error.object[error.start:error.end]))
    return "\ufffd", error.end


codecs.register_error("archive-note-stray", _note_stray)


def decode_text(data: bytes, stray: StrayBytes | None = None) -> str:
    """UTF-8 or GB18030; a text that is mostly one of them with a few stray bytes is read
    with those replaced (U+FFFD), and `stray` lists them."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best, found = None, None
    for encoding in ("utf-8-sig", "gb18030"):
        _noted.bytes = []
        text = data.decode(encoding, errors="archive-note-stray")
        if found is None or len(_noted.bytes) < len(found):
            best, found = text, _noted.bytes
    if len(found) > max(16, len(data) // 100):  # not stray bytes: another encoding, or binary
        raise UnreadableDocument("text is neither UTF-8 nor GB18030")
    if stray is not None:
        stray.extend(found)
    return best


def stray_bytes_error(stray: StrayBytes) -> str:
    named = ", ".join(f"{raw.hex(' ')} at byte {offset}" for offset, raw in stray[:STRAY_BYTES_NAMED])
    return (f"{len(stray)} stray byte sequence(s) not UTF-8 or GB18030, read as U+FFFD: {named}"
            + (" …" if len(stray) > STRAY_BYTES_NAMED else ""))


def load(data: bytes, source: str, content_type: str = "") -> Document:
    """The document read, its title, <meta> values and metadata fields as a person reads them
    (extract/visible.py: invisible and control characters out); the body stays as written."""
    doc = _load_kind(data, source, content_type)
    doc.title = visible(doc.title) or None if doc.title is not None else None
    doc.meta = {k: visible(v) if isinstance(v, str) else v for k, v in doc.meta.items()}
    doc.fields = {k: visible(v) if isinstance(v, str) else v for k, v in doc.fields.items()}
    return doc


def _load_kind(data: bytes, source: str, content_type: str = "") -> Document:
    if not data.strip():
        raise UnreadableDocument("empty file: nothing to read")
    kind = sniff_kind(data, source, content_type)
    if kind == "mht":  # a web archive (Word's "single file web page", often named .doc): its HTML part
        part = html_part(data)
        if part is None:
            raise UnreadableDocument("a web archive (MHT) with no HTML page inside")
        (data, content_type), kind = part, "html"
    if kind in ("text", "html", "script"):
        # the bytes say what a text file is, not its name: a JS data file saved as .txt
        found = text_kind(data)
        kind = "script" if found == "script" else ("html" if found == "html" else
                                                   ("text" if kind == "text" or found != "text" else kind))
    if kind == "script":
        embedded = embedded_html(decode_text(data))
        if not embedded:
            raise UnreadableDocument("a script or JSON file with no HTML report inside")
        doc = _load_html(embedded.encode("utf-8"), source, "text/html; charset=utf-8")
        doc.layout = "html-in-script"
        return doc
    if kind == "html":
        return _load_html(data, source, content_type)
    if kind == "text":
        stray = StrayBytes()
        doc = _load_text(decode_text(data, stray), source)
        doc.stray_bytes = stray_bytes_error(stray) if stray else None
        return doc
    if kind == "pdf":
        from .pdf import load_pdf

        return load_pdf(data, source)
    if kind == "zip" and b"OFD.xml" in data[:4096]:
        from .ofd import load_ofd

        return load_ofd(data, source)
    if kind in ("zip", "ole", "rtf"):
        from .office import to_html

        doc = _load_html(to_html(data, source), source, "office")
        doc.kind = "office"
        if len(fold(doc.body_text)) < 40 and not doc.images:
            raise UnreadableDocument("LibreOffice could not convert this file into text (damaged?)")
        return doc
    if kind == "image":
        from .ocr import load_image

        return load_image(data, source)
    raise UnreadableDocument(f"cannot read a {kind} document yet")


# --- text renderings ---------------------------------------------------------------------

def _load_text(text: str, source: str) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    doc = Document(source=source, kind="text", lines=lines, body_text=text)
    if sum(line.lstrip().startswith("|") for line in lines) >= 3:
        doc.layout = "markdown"
    doc.title = title_from_lines(lines)
    doc.fields = find_fields(lines[:40])
    return doc


# --- HTML --------------------------------------------------------------------------------

def _load_html(data: bytes, source: str, content_type: str) -> Document:
    text = parsable(decode_html(data, content_type))
    if not text.strip():
        raise UnreadableDocument("empty HTML document")
    try:
        root = lxml.html.document_fromstring(text)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise UnreadableDocument(f"HTML does not parse: {exc}") from exc
    scripts = "\n".join(s.text_content() for s in root.xpath("//script"))
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    doc = Document(source=source, kind="html")
    spec = page_spec()
    for meta in root.xpath("//meta[@name][@content]"):
        doc.meta.setdefault(meta.get("name"), meta.get("content").strip())
    container = next((found[0] for sel in spec["containers_sel"] if (found := sel(root))), root)
    check_cells(len(container.xpath(".//td|.//th")))  # a trap, not a report: refused before reading
    layout = "office" if content_type == "office" else "html"
    if not _has_report_table(container) and (embedded := embedded_html(scripts or text)):
        # the report body delivered as a string inside a script (content = "<table …>")
        fragment = lxml.html.fragment_fromstring(embedded, create_parent="div")
        container.append(fragment)
        layout = "html-in-script"
        check_cells(len(container.xpath(".//td|.//th")))
    doc.layout = layout
    doc.tables = [table_stream(t, i, layout) for i, t in enumerate(data_tables(container), 1)]
    if not _has_report_table(container) and (divs := css_tables.blocks(container, _report_words)):
        doc.layout = css_tables.LAYOUT  # tables drawn with CSS <div>s: their cells, as a table's
        doc.tables += [css_tables.stream(b, i) for i, b in enumerate(divs, len(doc.tables) + 1)]
    doc.images = len(container.xpath(".//img"))
    body_scores = None
    if not doc.tables and "政府信息公开" in fold(container.text_content()) \
            and (read := html_images.read_into(container)) is not None:
        body_scores, doc.errors = read  # the tables posted as pictures: their OCR lines in their place
        doc.layout = "ocr"
    doc.body_text = clean_body(container)
    doc.lines = [line.strip() for line in doc.body_text.split("\n")]
    if body_scores is not None:
        doc.line_scores = [body_scores.get(line, 1.0) for line in doc.lines]
    doc.title = _html_title(root, doc.meta, spec)
    if not (doc.title and spec["title_re"].search(doc.title)):
        # a spreadsheet or a converted document: the title is in the first lines or cells
        cells = [c for stream in doc.tables[:1] for c in stream[:60] if c]
        doc.title = title_from_lines(doc.lines) or title_from_lines(cells, 60) or doc.title
    texts = [t.strip() for t in root.xpath("//body//text()") if t.strip()]
    doc.fields = find_fields(_pairs(texts))
    for field_name, names in spec["meta"].items():
        for name in names:
            if doc.meta.get(name):
                doc.fields.setdefault("meta_" + field_name, doc.meta[name])
    return doc


def decode_html(data: bytes, content_type: str = "") -> str:
    """By the declared charset (w3lib, as Scrapy does); when that leaves undecodable bytes
    (no charset, or a wrong one) and GB18030 reads every byte, GB18030 — the encoding of
    Chinese portals that do not say theirs."""
    encoding, text = html_to_unicode(content_type or None, data)
    if "\ufffd" in text and "gb" not in encoding.lower():
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            pass
    return text


def _html_title(root, meta: dict, spec: dict) -> str | None:
    candidates = [meta.get(n) for n in spec["meta"]["title"]]
    for xpath in ("//ucaptitle", "//h1", "//*[contains(@class,'title')]", "//h2", "//title"):
        candidates += [el.text_content() for el in root.xpath(xpath)]
    candidates = [re.sub(r"\s+", " ", c).strip() for c in candidates if c]
    for c in candidates:
        if spec["title_re"].search(c) and re.search(r"年度报告|年报", c):
            return re.sub(r"\s*[-_|｜].{0,30}$", "", c) if not c.endswith("报告") else c
    return candidates[0] if candidates else None


def _pairs(texts: list[str]) -> list[str]:
    """Each text node with the next one, so 'label' + 'value' in two cells read as one line."""
    return [f"{a} {b}" for a, b in zip(texts, texts[1:] + [""])]


def data_tables(container) -> list:
    """The tables that hold no other table: old sites lay pages out with tables around the
    content, and the report's own tables never nest. A table of one cell is a box around a
    text (an editor's way to centre a cell), not a table: it does not count as nested, its
    text is read as part of the cell holding it."""
    tables = container.xpath(".//table")
    boxes = {t for t in tables if len(_own_cells(t)) <= 1}
    return [t for t in tables if t not in boxes and not any(
        inner not in boxes for inner in t.iterdescendants("table"))]


def _own_cells(table) -> list:
    """Up to two of the table's own cells (not those of a table inside it)."""
    own = (c for c in table.iterdescendants("td", "th") if next(c.iterancestors("table")) is table)
    return list(itertools.islice(own, 2))


def _span(value: str | None, most: int) -> int:
    """A rowspan/colspan as browsers read it: its leading digits (3D2 is 3), else 1, at most `most`."""
    digits = re.match(r"\s*\+?(\d+)", value or "")
    return min(max(int(digits.group(1)), 1), most) if digits else 1


def table_stream(table, index: int | None = None, layout: str = "html") -> list:
    """A table's cells in reading order, each printed once, ROW_END after each row; each
    cell remembers its table, row, column and span."""
    stream = []
    rows = [row for row in table.iter("tr") if next(row.iterancestors("table")) is table]
    for r, row in enumerate(rows, 1):  # a row of a nested table is read as part of its own cell
        for c, cell in enumerate(row.xpath("./td|./th"), 1):
            span = (_span(cell.get("rowspan"), 65534), _span(cell.get("colspan"), 1000)) \
                if cell.get("rowspan") or cell.get("colspan") else None
            stream.append(Text(re.sub(r"\s+", " ", cell.text_content()).strip(), Where(layout, index, r, c, span=span)))
        stream.append(ROW_END)
    return stream


REPORT_TABLE_WORDS = ("本年新收", "第二十条", "结果维持", "统计指标")
_JS_STRING = re.compile(r'"((?:[^"\\\n]|\\.){100,})"|\'((?:[^\'\\\n]|\\.){100,})\'', re.S)
_ESCAPED_TABLE = re.compile(r"<\s*table|\\u003c\s*table|&lt;\s*table|\\x3c\s*table", re.I)


def _report_words(text: str) -> bool:
    return any(w in fold(text) for w in REPORT_TABLE_WORDS)


def _has_report_table(container) -> bool:
    return _report_words(" ".join(t.text_content() for t in container.xpath(".//table")))


def embedded_html(text: str) -> str:
    """HTML carried in JavaScript or JSON string literals (content = "<table …>", quotes
    escaped), unescaped and joined; '' when there is none."""
    parts = []
    for m in _JS_STRING.finditer(text or ""):
        body = m.group(1) if m.group(1) is not None else m.group(2)
        if not _ESCAPED_TABLE.search(body):
            continue
        body = re.sub(r"\\x([0-9a-fA-F]{2})", lambda h: "\\u00" + h.group(1), body)
        if m.group(2) is not None:  # a single-quoted string: its double quotes are plain
            body = body.replace("\\'", "'").replace('"', '\\"')
        try:
            decoded = json.loads(f'"{body}"')
        except ValueError:
            decoded = body.replace('\\"', '"').replace("\\/", "/").replace("\\n", "\n")
        parts.append(html_lib.unescape(decoded) if "&lt;" in decoded and "<" not in decoded else decoded)
    return "\n".join(parts)


# Presentational wrappers with no say in the text's structure: Word exports wrap every
# table cell's text in several of them, which multiplies the tree trafilatura walks.
INLINE_WRAPPERS = ("span", "font", "o:p")
TRAFILATURA_OPTIONS = {"include_tables": True, "include_comments": False, "favor_recall": True,
                       "deduplicate": False, "output_format": "txt"}


def clean_body(container) -> str:
    """The container's text, cleaned by trafilatura; plain text if it finds nothing.
    trafilatura gets our parsed tree (a copy: it edits what it reads), not a serialisation
    to parse again; its fallback extractors run only when the direct pass comes up short."""
    import trafilatura

    def enough(text):
        return text and len(text) >= 0.3 * len(container.text_content().strip())

    text = None
    for fast in (True, False):
        text = trafilatura.extract(_page_of(container), fast=fast, **TRAFILATURA_OPTIONS)
        if enough(text):
            return text
    return "\n".join(t.strip() for t in container.itertext() if t.strip())


def _page_of(container):
    """A copy of the container as the body of a page of its own, wrappers unwrapped."""
    body = copy.deepcopy(container)
    body.tail = None
    lxml.etree.strip_tags(body, *INLINE_WRAPPERS)
    if body.tag == "html":
        return body
    page = lxml.html.document_fromstring("<html><body></body></html>")
    page.body.append(body)
    return page
