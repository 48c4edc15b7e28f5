"""Tracked changes of a Word (WordprocessingML) part accepted, so a report reads as its final
text: what Word shows with "Accept all changes".

LibreOffice's HTML export prints a tracked deletion as plain text (no mark is left to tell
it from the final text), so a deleted figure would be read as a figure. Before conversion,
each `word/*.xml` part that carries revisions is rewritten:

- deleted content goes: `w:del` and `w:moveFrom` (runs, whole paragraphs, cells' text,
  deletions nested in insertions), a table row marked deleted (`w:trPr/w:del`), a cell
  marked deleted (`w:tcPr/w:cellDel`), a math run marked deleted;
- inserted content stays, unwrapped: `w:ins`, `w:moveTo`;
- a paragraph whose mark is deleted joins the next paragraph (as Word joins them);
- the old formatting kept beside the new (`w:*PrChange`) and the move and custom-XML range
  markers go.

A part without revision markup is left byte for byte."""
from __future__ import annotations

import re

from lxml import etree

from .limits import LimitExceeded

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
PART_CAP = 16 * 2**20  # a part with revisions larger than this is refused (parse memory)

_HAS_REVISIONS = re.compile(rb"<(?:[\w.-]+:)?(?:del|ins|moveFrom|moveTo|delText|cellDel|cellIns|\w+PrChange"
                            rb"|tblGridChange|numberingChange)\b")
_DELETED = {"del", "moveFrom"}
_INSERTED = {"ins", "moveTo"}
_MARKER_PARENTS = {"rPr", "trPr", "numPr"}  # there a w:del/w:ins marks its parent; elsewhere it holds content
_DROPPED = {"rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "trPrChange", "tcPrChange",
            "tblGridChange", "tblPrExChange", "numberingChange", "delText", "delInstrText",
            "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
            "customXmlDelRangeStart", "customXmlDelRangeEnd", "customXmlInsRangeStart",
            "customXmlInsRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
            "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd", "cellIns"}
_PARSER = dict(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=False)


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


def _local(element) -> str | None:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(f"{{{W}}}"):
        return None
    return tag[len(W) + 2:]


def _remove(element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _unwrap(element) -> None:
    parent = element.getparent()
    if parent is None:
        return
    index = parent.index(element)
    for offset, child in enumerate(list(element)):
        parent.insert(index + offset, child)
    parent.remove(element)


def _is_marker(element) -> bool:
    parent = element.getparent()
    return parent is not None and _local(parent) in _MARKER_PARENTS


def _join_deleted_paragraph_marks(root) -> None:
    """A paragraph whose mark is deleted runs on into the next paragraph."""
    for mark in list(root.iter(_w("del"), _w("moveFrom"))):
        rpr = mark.getparent()
        ppr = rpr.getparent() if rpr is not None else None
        paragraph = ppr.getparent() if ppr is not None else None
        if _local(rpr) != "rPr" or _local(ppr) != "pPr" or paragraph is None or _local(paragraph) != "p":
            continue
        following = paragraph.getnext()
        content = [child for child in paragraph if child is not ppr]
        if following is not None and _local(following) == "p":
            at = 1 if len(following) and _local(following[0]) == "pPr" else 0
            for offset, child in enumerate(content):
                following.insert(at + offset, child)
            paragraph.set("_joined", "1")
        elif not content:
            paragraph.set("_joined", "1")  # an empty paragraph deleted whole
    for paragraph in list(root.iter(_w("p"))):
        if paragraph.get("_joined"):
            container = paragraph.getparent()
            # a cell keeps one paragraph at least
            if _local(container) == "tc" and len(container.findall(_w("p"))) <= 1:
                del paragraph.attrib["_joined"]
                continue
            _remove(paragraph)


def accept(root) -> None:
    """Accept every tracked change under `root` (an lxml element), in place."""
    _join_deleted_paragraph_marks(root)
    for row in list(root.iter(_w("tr"))):
        trpr = row.find(_w("trPr"))
        if trpr is not None and (trpr.find(_w("del")) is not None or trpr.find(_w("moveFrom")) is not None):
            _remove(row)
    for cell in list(root.iter(_w("tc"))):
        tcpr = cell.find(_w("tcPr"))
        if tcpr is not None and tcpr.find(_w("cellDel")) is not None:
            _remove(cell)
    deleted, inserted, dropped = [], [], []
    for element in root.iter():
        name = _local(element)
        if name in _DELETED:
            deleted.append(element)
        elif name in _INSERTED:
            inserted.append(element)
        elif name in _DROPPED:
            dropped.append(element)
    for element in deleted:
        if _is_marker(element):
            rpr = element.getparent()
            holder = rpr.getparent()
            # a math run (m:r) marked deleted in its w:rPr goes whole; a paragraph mark is done
            if _local(rpr) == "rPr" and holder is not None and _local(holder) not in ("pPr", "r"):
                _remove(holder)
            else:
                _remove(element)
        else:
            _remove(element)
    for element in dropped:
        _remove(element)
    for element in reversed(inserted):  # inner first, so an outer one unwraps its final children
        if element.getparent() is None or not _attached(element, root):
            continue
        if _is_marker(element):
            _remove(element)
        else:
            _unwrap(element)


def _attached(element, root) -> bool:
    while element is not None:
        if element is root:
            return True
        element = element.getparent()
    return False


def accepted(part: bytes, name: str = "part") -> bytes:
    """A WordprocessingML part with its tracked changes accepted (unchanged if it has none,
    or if it is not XML LibreOffice could read either)."""
    if W.encode() not in part or not _HAS_REVISIONS.search(part):
        return part
    if len(part) > PART_CAP:
        raise LimitExceeded(f"{name} holds tracked changes and is over {PART_CAP // 2**20} MB; not read")
    try:
        root = etree.fromstring(part, etree.XMLParser(**_PARSER))
    except etree.XMLSyntaxError:
        return part
    accept(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
