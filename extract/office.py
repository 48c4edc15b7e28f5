"""DOC, DOCX, WPS, XLS, XLSX (and ODF) reports: converted to HTML by LibreOffice headless,
with a time limit, then read like any HTML report. Without LibreOffice the file is
recorded with a clear error.

LibreOffice never reaches the network: a document's linked resources (a DOCX image
relationship with TargetMode="External", an ODT image linked by xlink:href, an XLSX
external link) are cut from the file before conversion, and LibreOffice runs in a network
namespace of its own with no interface but a down loopback (`unshare -rn`, or `unshare -n`
as root) wherever the system allows one, so what cannot be cut (a DOC or RTF field) is not
fetched either.

A DOCX's tracked changes are accepted before conversion (revisions.py): LibreOffice would
print deleted text as if it were final. A DOC (WPS), RTF or ODT with tracked changes is
converted to DOCX first, accepted there, then to HTML."""
from __future__ import annotations

import functools
import io
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
from pathlib import Path

from .revisions import accepted

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


# Attributes that point a document part at a resource outside the file.
_EXTERNAL_RELATIONSHIP = re.compile(rb'(<Relationship\b[^>]*?)\bTarget="[^"]*"([^>]*TargetMode="External")', re.I)
_EXTERNAL_RELATIONSHIP_AFTER = re.compile(rb'(<Relationship\b[^>]*?TargetMode="External"[^>]*?)\bTarget="[^"]*"', re.I)
_LINKED_HREF = re.compile(rb'xlink:href="(?:[a-z][a-z0-9+.-]*:|//|\\\\)[^"]*"', re.I)
_MEMBER_CAP = 64 * 2**20  # a zip with a larger part is left as it is


def without_external_links(data: bytes) -> bytes:
    """An Office Open XML or ODF zip with every reference to an outside resource emptied
    and a Word document's tracked changes accepted (revisions.py; other files: unchanged)."""
    if data[:4] != b"PK\x03\x04":
        return data
    try:
        source = zipfile.ZipFile(io.BytesIO(data))
        if any(member.file_size > _MEMBER_CAP for member in source.infolist()):
            return data  # not a real document (the inflation limit refuses it): left to the namespace
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as target:
            for member in source.infolist():
                body = source.read(member)
                name = member.filename.lower()
                if name.endswith(".rels"):
                    body = _EXTERNAL_RELATIONSHIP.sub(rb'\1Target=""\2', body)
                    body = _EXTERNAL_RELATIONSHIP_AFTER.sub(rb'\1Target=""', body)
                elif name.endswith(".xml"):
                    body = _LINKED_HREF.sub(b'xlink:href=""', body)
                    if name.startswith("word/"):
                        body = accepted(body, member.filename)
                target.writestr(member, body)
        return out.getvalue()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError):
        return data  # not a zip LibreOffice would read as one either: the namespace still holds


@functools.lru_cache(maxsize=1)
def no_network_prefix() -> tuple[str, ...]:
    """The command prefix that runs a program without network, if this system allows one."""
    unshare = shutil.which("unshare")
    if unshare is None:
        return ()
    for prefix in ((unshare, "-rn"), (unshare, "-n")):
        try:
            if subprocess.run([*prefix, "true"], capture_output=True, timeout=10).returncode == 0:
                return prefix
        except (OSError, subprocess.SubprocessError):
            continue
    return ()


def holds_revisions(data: bytes, suffix: str) -> bool:
    """Whether a DOC (WPS), RTF or ODT file carries tracked changes: a DOC's table of
    revision authors (FIB SttbfRMark), RTF's revision words, ODF's tracked-changes region."""
    if suffix == ".rtf":
        return bool(re.search(rb"\\(?:revtbl|deleted|revised)\b", data))
    if suffix == ".odt" and data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as odt:
                info = odt.getinfo("content.xml")
                return info.file_size <= _MEMBER_CAP and b"<text:tracked-changes" in odt.read(info)
        except (KeyError, zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError, ValueError):
            return False
    if suffix == ".doc" and data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return doc_revision_authors(data) > 0
    return False


def doc_revision_authors(data: bytes) -> int:
    """Bytes of a Word 97–2003 file's table of revision authors (0: no tracked change)."""
    import olefile

    try:
        with olefile.OleFileIO(data) as ole:
            fib = ole.openstream("WordDocument").read(4096)
        at = 34 + 2 * struct.unpack_from("<H", fib, 32)[0]  # past FibBase and fibRgW
        at += 2 + 4 * struct.unpack_from("<H", fib, at)[0]  # past fibRgLw
        pairs = struct.unpack_from("<H", fib, at)[0]
        if pairs <= _STTBF_RMARK:
            return 0
        return struct.unpack_from("<I", fib, at + 2 + 8 * _STTBF_RMARK + 4)[0]
    except (OSError, struct.error, ValueError, IndexError, TypeError):
        return 0  # not a Word file olefile reads: LibreOffice decides


_STTBF_RMARK = 51  # index of fcSttbfRMark/lcbSttbfRMark in FibRgFcLcb97 ([MS-DOC] 2.5.6)


def _convert(binary: str, source: Path, to: str, out: Path) -> Path:
    from .source import UnreadableDocument

    try:
        subprocess.run([*no_network_prefix(), binary, "--headless", "--norestore",
                        f"-env:UserInstallation=file://{source.parent}/profile",
                        "--convert-to", to, "--outdir", str(out), str(source)],
                       capture_output=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired as exc:
        raise UnreadableDocument(f"LibreOffice took longer than {TIMEOUT} s; not read") from exc
    produced = sorted(out.glob(f"*.{to[:3]}*")) if out.exists() else []
    if not produced:
        raise UnreadableDocument(f"LibreOffice could not convert this {source.suffix} file (damaged?)")
    return produced[0]


def to_html(data: bytes, name: str) -> bytes:
    from .source import UnreadableDocument

    binary = soffice()
    if binary is None:
        raise UnreadableDocument("an office document, and LibreOffice (soffice) is not installed to read it")
    with tempfile.TemporaryDirectory(prefix="office-") as tmp:
        suffix = guess_suffix(data, name)
        source = Path(tmp) / f"report{suffix}"
        source.write_bytes(without_external_links(data))
        if holds_revisions(data, suffix):
            # tracked changes LibreOffice would print as final text: through DOCX, accepted there
            docx = _convert(binary, source, "docx", Path(tmp) / "docx")
            source = Path(tmp) / "accepted.docx"
            source.write_bytes(without_external_links(docx.read_bytes()))
        return _convert(binary, source, "html", Path(tmp) / "out").read_bytes()
