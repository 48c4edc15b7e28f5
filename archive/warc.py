"""The WARC files: every response kept as evidence, indexed in `captures`.

The same bytes at the same URL are stored once (deduplicated by SHA-1 payload digest);
nothing is ever overwritten. A page rendered in the browser is stored as a `resource`
record (its DOM after scripts ran), a fetched one as a `response` record with its headers.
Each run appends to its own file, and a record is flushed before its `captures` row is
written, so a row never points at bytes that are not in the file.
"""
from __future__ import annotations

import base64
import hashlib
import zlib
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from .clock import now

# Scrapy hands us decoded bodies; these headers would describe the encoded ones.
_DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}
# zlib's own default: warcio compresses at 9, which costs half as much again per page for
# files about 2% smaller.
GZIP_LEVEL = 6


def payload_digest(body: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode()


class _Gzip:
    """warcio's per-record gzip member, at GZIP_LEVEL."""

    def __init__(self, out):
        self.compressor = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        self.out = out

    def write(self, data: bytes) -> None:
        self.out.write(self.compressor.compress(data))

    def flush(self) -> None:
        self.out.write(self.compressor.flush())
        self.out.flush()


class _Writer(WARCWriter):
    """warcio's writer with each record compressed by _Gzip (one gzip member per record,
    as warcio writes them: the file reads the same)."""

    def _write_warc_record(self, out, record):
        if not self.gzip:
            return super()._write_warc_record(out, record)
        self.gzip = False
        try:
            super()._write_warc_record(_Gzip(out), record)  # which ends with its flush()
        finally:
            self.gzip = True


class WarcCapture:
    def __init__(self, db, warc_dir: Path, run: str, base: Path, leg: str | None = None):
        self.db, self.run, self.base = db, run, base
        self.warc_dir = warc_dir
        # One file per run, and per leg of a resumed run: a killed leg's file is never appended to.
        self.path = warc_dir / (f"capture-{run}-{leg}.warc.gz" if leg else f"capture-{run}.warc.gz")
        self._file = None
        self._writer = None

    def _open(self):
        if self._file is None:
            self.warc_dir.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "ab")
            self._writer = _Writer(self._file, gzip=True)
        return self._writer

    def store(self, url: str, body: bytes, *, status: int = 200, headers=(),
              content_type: str = "", rendered: bool = False) -> tuple[int, bool]:
        """Store a capture unless this URL already has these bytes. Returns (id, is_new)."""
        digest = payload_digest(body)
        found = self.db.execute("select id from captures where url = ? and digest = ? limit 1",
                                [url, digest]).fetchone()
        if found:
            return found[0], False
        row = self.write(url, body, status=status, headers=headers, content_type=content_type,
                         rendered=rendered, digest=digest)
        with self.db.conn:  # committed after its record was flushed to the file
            cursor = self.db.conn.execute(
                f"insert into captures ({', '.join(row)}) values ({', '.join('?' * len(row))})", list(row.values()))
        return cursor.lastrowid, True

    def write(self, url: str, body: bytes, *, status: int = 200, headers=(),
              content_type: str = "", rendered: bool = False, digest: str | None = None) -> dict:
        """Append one record to this run's file; returns its `captures` row (without id).
        The payload digest is computed once (or given) and warcio is told it and the length:
        it then hashes the record once more for its block digest, instead of buffering and
        hashing it three times."""
        digest = digest or payload_digest(body)
        writer = self._open()
        offset = self._file.tell()
        if rendered:  # a resource record's block is its payload: one digest for both
            record = writer.create_warc_record(
                url, "resource", payload=BytesIO(body), length=len(body),
                warc_content_type=content_type or "text/html; charset=utf-8",
                warc_headers_dict={"WARC-Payload-Digest": digest, "WARC-Block-Digest": digest})
        else:
            kept = [(k, v) for k, v in headers if k.lower() not in _DROP_HEADERS]
            kept.append(("Content-Length", str(len(body))))
            http = StatusAndHeaders(f"{status} {_reason(status)}", kept, protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                               http_headers=http,
                                               warc_headers_dict={"WARC-Payload-Digest": digest})
        writer.write_record(record)
        self._file.flush()  # the record is in the file before its row is committed
        header = {k.lower(): v for k, v in headers}
        return {
            "url": url, "status": status, "content_type": content_type, "digest": digest,
            "etag": header.get("etag"), "last_modified": header.get("last-modified"),
            "length": len(body), "fetched_at": now(), "rendered": int(rendered),
            "warc_file": str(self.path.relative_to(self.base)) if self.path.is_relative_to(self.base) else str(self.path),
            "warc_offset": offset, "warc_length": self._file.tell() - offset,
            "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"), "run": self.run,
        }

    def close(self):
        if self._file is not None:
            self._file.close()
            self._file = None


def repair_tails(db, warc_dir: Path, base: Path, run: str | None = None) -> list[tuple[str, int]]:
    """Cut the half-written tail a killed run left after its last committed record.

    A record is written and flushed before its `captures` row is committed, so bytes past the
    end of a file's last committed record belong to no capture: a record cut short, or one
    whose row was never written. Only this archive's files are touched: those its captures
    point at, and those of `run` (a killed earlier leg of the job being resumed); another
    archive's files in the same folder are left alone. Returns (file, bytes removed) for each
    file cut."""
    cut = []
    if not Path(warc_dir).is_dir():
        return cut
    for path in sorted(Path(warc_dir).glob("*.warc.gz")):
        name = str(path.relative_to(base)) if path.is_relative_to(base) else str(path)
        end = db.execute("select max(warc_offset + warc_length) from captures where warc_file = ?",
                         [name]).fetchone()[0]
        if end is None and not (run and (path.name == f"capture-{run}.warc.gz"
                                          or path.name.startswith(f"capture-{run}-"))):
            continue  # not this archive's file
        end = end or 0
        size = path.stat().st_size
        if size > end:
            with open(path, "rb+") as f:
                f.truncate(end)
            cut.append((name, size - end))
    return cut


def read_capture(db, capture_id: int, base: Path) -> tuple[dict, bytes]:
    """The stored bytes of a capture, read back from its WARC file (no network)."""
    row = db["captures"].get(capture_id)
    return row, read_record(row, base)


class OutsideWarcFolder(ValueError):
    """A captures row naming a file outside the WARC folder: never opened."""


def read_record(row: dict, base: Path, confine_to: Path | None = None) -> bytes:
    """The payload of the WARC record a `captures` row points at. With `confine_to` (the
    published archive), a row naming a file outside that folder is refused, not opened."""
    path = Path(row["warc_file"])
    if not path.is_absolute():
        path = base / path
    if confine_to is not None and not (path.resolve().is_relative_to(Path(confine_to).resolve())
                                       and path.name.endswith((".warc.gz", ".warc"))):
        raise OutsideWarcFolder(f"capture {row.get('id')}: {row['warc_file']} is outside the WARC folder")
    with open(path, "rb") as f:
        f.seek(row["warc_offset"])
        for record in ArchiveIterator(f):
            return record.content_stream().read()
    raise ValueError(f"capture {row.get('id')}: no WARC record at {path}:{row['warc_offset']}")


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


