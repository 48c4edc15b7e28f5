"""The limits of one document's extraction — the one place they are set.

Each limit can be changed with the environment variable named beside it (read when a pool of
workers starts, e.g. `EXTRACT_MEMORY_MB=1024 make reextract`). A document that would pass a
limit is refused with one recorded error naming the limit and its variable; nothing is read
from it. Checks that need the bytes only (size, zip members, PDF pages) run before any parser
sees the document; the table-cell count runs on the parsed page.
"""
from __future__ import annotations

import io
import os
import zipfile
from dataclasses import dataclass, fields, replace


class LimitExceeded(Exception):
    """The document is larger or heavier than a limit allows: refused, not read."""


@dataclass(frozen=True)
class Limits:
    memory_mb: int = 640  # EXTRACT_MEMORY_MB: address space of one worker process (RLIMIT_AS)
    seconds: float = 60.0  # EXTRACT_SECONDS: wall-clock time for one document, LibreOffice included
    input_mb: int = 64  # EXTRACT_INPUT_MB: a file larger than this is not read at all
    page_mb: int = 8  # EXTRACT_PAGE_MB: an HTML or text page (a report page is far smaller)
    cells: int = 20_000  # EXTRACT_CELLS: table cells in one page (a report's tables hold ~500)
    inflated_mb: int = 100  # EXTRACT_INFLATED_MB: an Office zip's members once inflated, together
    zip_members: int = 2_000  # EXTRACT_ZIP_MEMBERS: files inside one Office zip
    pages: int = 300  # EXTRACT_PAGES: pages of a PDF or an Office document
    ocr_memory_mb: int = 2048  # EXTRACT_OCR_MEMORY_MB: address space of a worker while it reads a scan by OCR
    ocr_pages: int = 20  # EXTRACT_OCR_PAGES: pages of a scanned PDF read by OCR
    ocr_pixels: int = 40  # EXTRACT_OCR_PIXELS: megapixels of one image (or rendered page) read by OCR
    workers: int = 0  # EXTRACT_WORKERS: documents extracted at once; 0 = one per core

    @classmethod
    def from_env(cls, environ=None) -> "Limits":
        environ = os.environ if environ is None else environ
        changes = {}
        for f in fields(cls):
            value = environ.get(f"EXTRACT_{f.name.upper()}")
            if value:
                changes[f.name] = type(f.default)(float(value))
        return replace(cls(), **changes)

    def worker_count(self) -> int:
        return self.workers or os.cpu_count() or 1


_current: Limits | None = None


def current() -> Limits:
    """The limits in force in this process (a worker is given its pool's)."""
    global _current
    if _current is None:
        _current = Limits.from_env()
    return _current


def use(limits: Limits) -> None:
    global _current
    _current = limits


def _refuse(what: str, limit_name: str, value) -> LimitExceeded:
    return LimitExceeded(f"{what}: over the limit of {value} (EXTRACT_{limit_name.upper()}); not read")


def check_bytes(data: bytes, kind: str, limits: Limits | None = None) -> None:
    """Size, zip and page limits, from the bytes alone (before any parser or LibreOffice)."""
    limits = limits or current()
    mb = len(data) / 2**20
    if mb > limits.input_mb:
        raise _refuse(f"a file of {mb:.1f} MB", "input_mb", f"{limits.input_mb} MB")
    if kind in ("html", "text") and mb > limits.page_mb:
        raise _refuse(f"a page of {mb:.1f} MB", "page_mb", f"{limits.page_mb} MB")
    if kind == "zip":
        check_zip(data, limits)


def check_zip(data: bytes, limits: Limits) -> None:
    """An Office zip whose members inflate beyond the cap (by the sizes its directory
    declares, which zip readers stop at) or that holds too many members is refused before
    LibreOffice sees it."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError):
        return  # LibreOffice will say it is damaged
    with archive:
        members = archive.infolist()
        if len(members) > limits.zip_members:
            raise _refuse(f"a zip of {len(members)} members", "zip_members", limits.zip_members)
        inflated = sum(m.file_size for m in members)
        if inflated > limits.inflated_mb * 2**20:
            raise _refuse(f"Office zip members that inflate to {inflated / 2**20:.0f} MB",
                          "inflated_mb", f"{limits.inflated_mb} MB")
        pages = _docx_pages(archive)
        if pages and pages > limits.pages:
            raise _refuse(f"an Office document of {pages} pages", "pages", limits.pages)


def _docx_pages(archive: zipfile.ZipFile) -> int | None:
    """The page count an Office document declares (docProps/app.xml), if any."""
    import re

    try:
        text = archive.read("docProps/app.xml")[:65536].decode("utf-8", "replace")
    except KeyError:
        return None
    m = re.search(r"<Pages>(\d+)</Pages>", text)
    return int(m.group(1)) if m else None


def check_pdf_pages(count: int, limits: Limits | None = None) -> None:
    limits = limits or current()
    if count > limits.pages:
        raise _refuse(f"a PDF of {count} pages", "pages", limits.pages)


def check_cells(count: int, limits: Limits | None = None) -> None:
    limits = limits or current()
    if count > limits.cells:
        raise _refuse(f"tables of {count} cells", "cells", limits.cells)
