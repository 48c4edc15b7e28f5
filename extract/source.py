"""What every loader of a saved report makes and shares: the `Document`, the error of a
document not read, the page rules (page.yml), the metadata-block fields and the title found
in the first lines. document.py, pdf.py, office.py, ocr.py and ofd.py import it; it imports
none of them (no import circle)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lxml.cssselect import CSSSelector

from . import rules
from .values import fold

PAGE_FILE = "page.yml"


class UnreadableDocument(ValueError):
    """The bytes are not a document this extractor reads (yet)."""


@lru_cache(maxsize=1)
def page_spec() -> dict:
    data = rules.load(PAGE_FILE)
    data["containers_sel"] = [CSSSelector(c) for c in data["containers"]]
    data["title_re"] = re.compile(data["title"])
    return data


@dataclass
class Document:
    source: str
    kind: str  # 'html' or 'text'
    title: str | None = None
    meta: dict = field(default_factory=dict)  # <meta name> -> content
    fields: dict = field(default_factory=dict)  # index_number, publisher, published, …
    body_text: str = ""
    lines: list = field(default_factory=list)  # body text lines (text renderings: all lines)
    tables: list = field(default_factory=list)  # HTML: one cell stream per <table>
    sections: dict | None = None  # cell streams already placed by section (PDF layout)
    images: int = 0  # pictures in the body (HTML): a report printed as an image
    line_scores: list | None = None  # OCR: the confidence of each line
    layout: str = "text"  # how its tables are laid out: html, html-in-script, office, pdf, markdown, text
    stray_bytes: str | None = None  # a text read with replaced bytes: which (an error of the report)
    errors: list = field(default_factory=list)  # what the loader could not read (a limit, a bad picture)


def title_from_lines(lines: list[str], limit: int = 30) -> str | None:
    """The report title among the first lines of a text or PDF rendering. A title may wrap
    over two or three lines ('…工作年度' / '报告'), or put the organ on the line above
    ('淮安市人民政府' / '2024年…年度报告'); a saving tool's '标题：' and a '-site' suffix go."""
    spec = page_spec()
    clean = [re.sub(r"\s+", "", re.sub(r"^\s*(标题|题目)\s*[:：]\s*", "", line)) for line in lines[:limit]]
    for span, i in ((span, i) for span in (1, 2, 3) for i in range(len(clean))):
        text = "".join(clean[i:i + span])
        if len(text) > 80 or re.search(r"[，。；《》]", text):
            continue
        if not text.endswith(("报告", "年报")):
            text = re.sub(r"[-_|｜][^-_|｜]{0,30}$", "", text)
        m = spec["title_re"].search(text)
        if m and text.endswith(("报告", "年报")) and not re.search(r"[:：]", m.group("organ")):
            above = clean[i - 1] if i else ""
            if not m.group("organ") and 0 < len(above) <= 30 and not re.search(r"[，。；:：,]", above):
                text = above + text
            return text
    return None


def _label_re(label: str) -> str:
    return r"\s*".join(map(re.escape, label))


_FIELD_VALUE = {
    "published": r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})",
    "index_number": r"([0-9A-Za-z][\w/\-.]*)",
    "publisher": r"([^\s:：|，。；]{2,40})(?![^\s:：|])",
    "document_number": r"([^\s:：|，。；]{2,40})(?![^\s:：|])",
}


def find_fields(lines: list[str]) -> dict:
    """Metadata block fields by label (page.yml), first hit wins."""
    found = {}
    for name, labels in page_spec()["fields"].items():
        for label in labels:
            # a label starts a cell or follows white space: 来源 inside a sentence is not a field
            pattern = re.compile(r"(?:^|[\s|])" + _label_re(label) + r"\s*[:：]?\s*" + _FIELD_VALUE[name])
            for line in lines:
                m = pattern.search(line)
                if m and not _is_label(m.group(1)):
                    found.setdefault(name, m.group(1))
                    break
            if name in found:
                break
    return found


def _is_label(value: str) -> bool:
    text = fold(value)
    labels = [l for group in page_spec()["fields"].values() for l in group] + page_spec()["other_labels"]
    return any(text.startswith(l) for l in labels)
