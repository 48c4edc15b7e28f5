"""OFD reports (GB/T 33190, the national e-document format: a zip of XML), read without a
conversion service: each page's text objects with their positions (Boundary + TextCode X/Y,
in millimetres) become rows — objects whose baselines sit together, left to right — and the
rows become the lines of a text rendering, read by the grid and the alignment readers.

Bounded: the zip's members and inflated size are checked from its directory before this
runs (limits.check_zip); each member is read up to a cap; the XML is parsed by defusedxml
(no DTD, no entities: an XXE or a billion-laughs page is refused); pages up to EXTRACT_PAGES.
"""
from __future__ import annotations

import io
import posixpath
import zipfile

from .limits import LimitExceeded, current
from .source import Document, UnreadableDocument, find_fields, title_from_lines

MEMBER_MB = 16  # one XML member read at most
ROW_TOLERANCE = 1.5  # millimetres: text objects whose baselines differ by less are one row


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _read(archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        with archive.open(name.lstrip("/")) as member:
            data = member.read(MEMBER_MB * 2**20 + 1)
    except KeyError as exc:
        raise UnreadableDocument(f"OFD: {name} is missing from the package") from exc
    if len(data) > MEMBER_MB * 2**20:
        raise LimitExceeded(f"OFD member {name} is over {MEMBER_MB} MB; not read")
    return data


def _parse(data: bytes, name: str):
    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import ParseError, fromstring

    try:
        return fromstring(data, forbid_dtd=True)
    except DefusedXmlException as exc:
        raise UnreadableDocument(f"OFD: {name} declares a DTD or entities (refused)") from exc
    except ParseError as exc:
        raise UnreadableDocument(f"OFD: {name} is not well-formed XML ({exc})") from exc


def _child_text(root, tag: str) -> str | None:
    for el in root.iter():
        if _local(el.tag) == tag and el.text:
            return el.text.strip()
    return None


def page_names(archive: zipfile.ZipFile) -> list[str]:
    """The page content files in page order (OFD.xml → DocRoot → Pages/Page@BaseLoc)."""
    root = _parse(_read(archive, "OFD.xml"), "OFD.xml")
    doc_root = _child_text(root, "DocRoot")
    if not doc_root:
        raise UnreadableDocument("OFD: OFD.xml names no DocRoot")
    doc_root = doc_root.lstrip("/")
    document = _parse(_read(archive, doc_root), doc_root)
    base = posixpath.dirname(doc_root)
    pages = [el.get("BaseLoc") for el in document.iter() if _local(el.tag) == "Page" and el.get("BaseLoc")]
    if len(pages) > current().pages:
        raise LimitExceeded(f"an OFD of {len(pages)} pages: over the limit of {current().pages} "
                            "(EXTRACT_PAGES); not read")
    return [p.lstrip("/") if p.startswith("/") else posixpath.normpath(posixpath.join(base, p)) for p in pages]


def text_objects(page) -> list[tuple[float, float, str, float]]:
    """(y, x, text, font size) of every TextCode on a page, in millimetres from the top left."""
    out = []
    for obj in page.iter():
        if _local(obj.tag) != "TextObject":
            continue
        try:
            bx, by = (float(v) for v in (obj.get("Boundary") or "0 0 0 0").split()[:2])
            size = float(obj.get("Size") or 3.5)
        except ValueError:
            bx = by, size = 0.0, 3.5
        for code in obj:
            if _local(code.tag) != "TextCode" or not (code.text or "").strip():
                continue
            x, y = float(code.get("X") or 0), float(code.get("Y") or 0)
            out.append((by + y, bx + x, code.text.strip(), size))
    return out


def rows(objects: list[tuple]) -> list[str]:
    """Lines of the page: objects on one baseline, left to right; two spaces where a gap
    wider than half a character stands between two objects (the next cell), none where they
    abut (one word set character by character)."""
    lines, row, baseline = [], [], None
    for y, x, text, size in sorted(objects):
        if baseline is not None and y - baseline > ROW_TOLERANCE:
            lines.append(row)
            row = []
        if not row:
            baseline = y
        row.append((x, text, size))
    if row:
        lines.append(row)
    out = []
    for row in lines:
        row.sort()
        line = row[0][1]
        for (x0, t0, s0), (x1, t1, _) in zip(row, row[1:]):
            gap = x1 - (x0 + len(t0) * s0)
            line += ("  " if gap > 0.5 * s0 else "") + t1
        out.append(line)
    return out


def load_ofd(data: bytes, source: str) -> Document:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise UnreadableDocument(f"OFD: not a readable zip ({exc})") from exc
    lines: list[str] = []
    with archive:
        for name in page_names(archive):
            lines += rows(text_objects(_parse(_read(archive, name), name)))
    if not lines:
        raise UnreadableDocument("image-only report: the OFD has no text objects (no numbers read)")
    doc = Document(source=source, kind="text", lines=lines, body_text="\n".join(lines), layout="ofd")
    doc.title = title_from_lines(lines)
    doc.fields = find_fields(lines[:40])
    return doc
