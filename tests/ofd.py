"""OFD files (GB/T 33190) built from real report content: a zip of XML whose page content
holds one TextObject per printed cell, positioned in millimetres as a layout engine sets
them (tests/layouts.py gives the rows of the report's tables)."""
from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

from .layouts import to_several_per_line

NS = "http://www.ofdspec.org/2016"
LINES_PER_PAGE = 45
SIZE = 3.5  # font size, mm


def _page(lines: list[str]) -> str:
    objects, ident = [], 1
    for n, line in enumerate(lines):
        x = 20.0
        for cell in [c for c in line.split("  ") if c.strip()]:
            cell = cell.strip()
            objects.append(
                f'<ofd:TextObject ID="{ident}" Boundary="{x:.2f} {20 + n * 6:.2f} {len(cell) * SIZE:.2f} 5" '
                f'Font="1" Size="{SIZE}"><ofd:TextCode X="0" Y="4">{escape(cell)}</ofd:TextCode></ofd:TextObject>')
            ident += 1
            x += len(cell) * SIZE + 6
    return (f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
            f'<ofd:Layer ID="0">{"".join(objects)}</ofd:Layer></ofd:Content></ofd:Page>')


def make_ofd(text: str, extra: dict | None = None, page_xml=None) -> bytes:
    """An OFD package of a text rendering (cells separated by two spaces)."""
    lines = [line for line in text.split("\n") if line.strip()]
    pages = [lines[i:i + LINES_PER_PAGE] for i in range(0, len(lines), LINES_PER_PAGE)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.1">'
                   '<ofd:DocBody><ofd:DocInfo><ofd:DocID>1</ofd:DocID></ofd:DocInfo>'
                   '<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>')
        refs = "".join(f'<ofd:Page ID="{i + 10}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
        z.writestr("Doc_0/Document.xml", f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}">'
                   '<ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 420 297</ofd:PhysicalBox></ofd:PageArea>'
                   f'</ofd:CommonData><ofd:Pages>{refs}</ofd:Pages></ofd:Document>')
        for i, page in enumerate(pages):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", page_xml(page) if page_xml else _page(page))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def report_ofd(label: dict) -> bytes:
    return make_ofd(to_several_per_line(label))
