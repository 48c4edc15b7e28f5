"""A zip of reports (各部门…年度报告.zip linked from a notice): its members that are report
files, read within bounds (the crawl: crawler/spiders/bundles.py; a re-extraction picks its
member from the captured zip: member_of). Pure: bytes in, members out, with the limits that stopped the
reading named (the caller records them as errors of stage `limit`).

Zip-bomb safe: a member's declared sizes are not trusted — each is inflated in chunks and cut
at `member_max` bytes, and all of them together at `total_max`; at most `members_max`
members are read; a zip in the zip is not opened. A name written without the UTF-8 flag (as
Windows' 压缩 writes it, in the system's GBK) is decoded as GBK, not as Python's cp437."""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from extract.sniff import REPORT_FILE_KINDS, file_kind

# a member read as a report: by its name's extension (its bytes are sniffed too)
REPORT_SUFFIXES = {".pdf": "application/pdf", ".doc": "application/msword", ".wps": "application/msword",
                   ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                   ".xls": "application/vnd.ms-excel", ".et": "application/vnd.ms-excel",
                   ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                   ".ofd": "application/ofd", ".rtf": "application/rtf"}
_UTF8_FLAG = 0x800
_CHUNK = 1 << 20


@dataclass
class Member:
    name: str  # its path in the zip, decoded
    data: bytes
    content_type: str

    @property
    def title(self) -> str:
        """The file's name without folder and extension (what a person reads as its title)."""
        return PurePosixPath(self.name).stem.strip()


@dataclass
class Bundle:
    members: list[Member] = field(default_factory=list)
    limits: list[str] = field(default_factory=list)  # the limits that stopped part of it
    unread: list[str] = field(default_factory=list)  # members that could not be inflated (encrypted, damaged)
    problem: str | None = None  # the zip does not open (damaged, encrypted …)
    skipped: int = 0  # members that are no report file (images, folders, zips in the zip)


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's name as its writer meant it: UTF-8 when flagged; else the raw bytes
    (zipfile decoded them as cp437) read as UTF-8 if they are valid, else as GBK (GB18030)."""
    if info.flag_bits & _UTF8_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


# defaults of the crawl's BUNDLE_MEMBERS_MAX, BUNDLE_MEMBER_MAXSIZE, BUNDLE_TOTAL_MAXSIZE (crawler/settings.py)
MEMBERS_MAX, MEMBER_MAX, TOTAL_MAX = 200, 64 << 20, 512 << 20


def read_bundle(data: bytes, *, members_max: int = MEMBERS_MAX, member_max: int = MEMBER_MAX,
                total_max: int = TOTAL_MAX) -> Bundle:
    out = Bundle()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        out.problem = f"the zip does not open ({type(exc).__name__}: {exc})"
        return out
    candidates = [i for i in infos if not i.is_dir() and PurePosixPath(member_name(i)).suffix.lower() in REPORT_SUFFIXES]
    out.skipped = sum(1 for i in infos if not i.is_dir()) - len(candidates)
    if len(candidates) > members_max:
        out.limits.append(f"zip of {len(candidates)} report files: the first {members_max} read "
                          f"(BUNDLE_MEMBERS_MAX)")
        candidates = candidates[:members_max]
    total = 0
    for info in candidates:
        name = member_name(info)
        if info.flag_bits & 0x1:
            out.unread.append(f"{name}: encrypted")
            continue
        left = min(member_max, total_max - total)
        body, cut, problem = _inflate(archive, info, left)
        if problem:
            out.unread.append(f"{name}: {problem}")
            continue
        if cut:
            setting = "BUNDLE_MEMBER_MAXSIZE" if left == member_max else "BUNDLE_TOTAL_MAXSIZE"
            out.limits.append(f"{name}: larger than {left} bytes inflated: not read ({setting})")
            if setting == "BUNDLE_TOTAL_MAXSIZE":
                break
            continue
        total += len(body)
        if file_kind(body) not in REPORT_FILE_KINDS:
            out.skipped += 1
            continue
        out.members.append(Member(name, body, REPORT_SUFFIXES[PurePosixPath(name).suffix.lower()]))
    return out


def _inflate(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> tuple[bytes, bool, str | None]:
    """(bytes, cut at `cap`, problem): inflated in chunks, whatever the header declares."""
    buf = bytearray()
    try:
        with archive.open(info) as stream:
            while True:
                chunk = stream.read(min(_CHUNK, cap + 1 - len(buf)))
                if not chunk:
                    return bytes(buf), False, None
                buf += chunk
                if len(buf) > cap:
                    return b"", True, None
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError, ValueError) as exc:
        return b"", False, f"{type(exc).__name__}: {exc}"


def _fragment(name: str) -> str:
    """A member's name as a URL fragment, readable: only what would end or break it escaped."""
    return "".join("".join(f"%{b:02X}" for b in c.encode("utf-8")) if c in "%#" or c.isspace() or ord(c) < 32
                   else c for c in name)


def member_url(zip_url: str, name: str) -> str:
    """Where a member's report is archived: the zip's URL, the member's name as fragment."""
    return f"{zip_url.split('#')[0]}#{_fragment(name)}"


def member_of(data: bytes, url: str, **limits) -> Member | None:
    """The member of the zip `data` that `url` (member_url) names, or None."""
    from urllib.parse import unquote

    if "#" not in url:
        return None
    name = unquote(url.split("#", 1)[1])
    return next((m for m in read_bundle(data, **limits).members if m.name == name), None)
