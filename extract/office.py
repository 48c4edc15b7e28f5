"""DOC, DOCX, WPS, XLS, XLSX (and ODF) reports: converted to HTML by LibreOffice headless,
with a time limit, then read like any HTML report. Without LibreOffice the file is
recorded with a clear error."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT = 120  # seconds for one conversion
SUFFIXES = {".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".odt", ".ods", ".rtf"}


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def guess_suffix(data: bytes, name: str) -> str:
    suffix = Path(name.split("?")[0]).suffix.lower()
    if suffix in SUFFIXES:
        return ".doc" if suffix == ".wps" else (".xls" if suffix == ".et" else suffix)
    if data[:5] == b"{\\rtf":
        return ".rtf"
    if data[:4] == b"PK\x03\x04":
        head = data[:4096]
        return ".xlsx" if b"xl/" in head else (".odt" if b"opendocument" in head else ".docx")
    if "Workbook".encode("utf-16-le") in data[:65536] or "Book".encode("utf-16-le") in data[:4096]:
        return ".xls"
    return ".doc"


def to_html(data: bytes, name: str) -> bytes:
    from .source import UnreadableDocument

    binary = soffice()
    if binary is None:
        raise UnreadableDocument("an office document, and LibreOffice (soffice) is not installed to read it")
    with tempfile.TemporaryDirectory(prefix="office-") as tmp:
        source = Path(tmp) / f"report{guess_suffix(data, name)}"
        source.write_bytes(data)
        out = Path(tmp) / "out"
        try:
            subprocess.run([binary, "--headless", "--norestore", f"-env:UserInstallation=file://{tmp}/profile",
                            "--convert-to", "html", "--outdir", str(out), str(source)],
                           capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired as exc:
            raise UnreadableDocument(f"LibreOffice took longer than {TIMEOUT} s; not read") from exc
        produced = sorted(out.glob("*.htm*")) if out.exists() else []
        if not produced:
            raise UnreadableDocument(f"LibreOffice could not convert this {source.suffix} file (damaged?)")
        return produced[0].read_bytes()
