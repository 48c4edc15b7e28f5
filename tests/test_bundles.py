"""A zip of reports read within bounds (extract/bundles.py): GBK names without the UTF-8 flag
(Windows' 压缩), UTF-8 with and without it; members that are no report file skipped; every
bound (member count, one member's inflated size, all of them together) named when hit, the
declared sizes never trusted; a damaged zip one clear problem."""
from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib

import pytest

from extract.bundles import member_of, member_url, read_bundle
from tests.world.portals4_files import _zip_bundle


def _docx(text: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", f"<w:document><w:t>{text}</w:t></w:document>")
    return buf.getvalue()


def _pdf(text: str) -> bytes:
    return b"%PDF-1.4\n% " + text.encode("utf-8") + b"\n%%EOF\n"


DEPTS = ["教育局", "民政局", "财政局", "水利局", "卫生健康局", "自然资源和规划局"]


def _names(rnd: random.Random, n: int) -> list[str]:
    folder = rnd.choice(["", "各部门2023年度年报/", "附件/2023/"])
    return [f"{folder}{rnd.choice(['武义县', '浦江县'])}{d}2023年政府信息公开工作年度报告.{rnd.choice(['docx', 'pdf'])}"
            for d in DEPTS[:n]]


def _member(name: str) -> bytes:
    return _pdf(name) if name.endswith(".pdf") else _docx(name)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("names", ["gbk", "utf8-flag", "utf8-no-flag"])
def test_member_names_decoded_and_reports_kept(seed, names):
    rnd = random.Random(seed)
    wanted = _names(rnd, rnd.randint(2, 6))
    members = [(n, _member(n)) for n in wanted] + [("说明.txt", "见各文件".encode()), ("封面.png", b"\x89PNG\r\n\x1a\n")]
    rnd.shuffle(members)
    if names == "utf8-no-flag":  # some tools write UTF-8 without saying so
        data = _raw_zip([(n.encode("utf-8"), d) for n, d in members])
    else:
        data = _zip_bundle(members, gbk_names=names == "gbk")
    bundle = read_bundle(data)
    assert bundle.problem is None and not bundle.limits and not bundle.unread
    assert sorted(m.name for m in bundle.members) == sorted(wanted)
    assert bundle.skipped == 2  # the .txt and the .png: no report files
    for m in bundle.members:
        assert m.title.endswith("2023年政府信息公开工作年度报告")
        assert member_of(data, member_url("http://a.gov.cn/x/P0201.zip", m.name)).data == m.data


def _raw_zip(members: list[tuple[bytes, bytes]], declared: int | None = None) -> bytes:
    """A zip with these raw names, no UTF-8 flag; `declared`: the uncompressed size its
    headers claim (a lying zip), else the true one."""
    out, central = bytearray(), bytearray()
    for raw, data in members:
        comp = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = comp.compress(data) + comp.flush()
        crc, size = zlib.crc32(data) & 0xFFFFFFFF, len(data) if declared is None else declared
        off = len(out)
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(packed), size, len(raw), 0) + raw + packed
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(packed), size,
                               len(raw), 0, 0, 0, 0, 0, off) + raw
    at = len(out)
    out += central + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), at, 0)
    return bytes(out)


def test_too_many_members_read_up_to_the_bound_and_named():
    members = [(f"部门{k}2023年政府信息公开工作年度报告.pdf", _pdf(str(k))) for k in range(12)]
    bundle = read_bundle(_zip_bundle(members, gbk_names=True), members_max=5)
    assert len(bundle.members) == 5
    assert bundle.limits == ["zip of 12 report files: the first 5 read (BUNDLE_MEMBERS_MAX)"]


def test_a_bomb_member_is_cut_whatever_its_header_says():
    bomb = b"%PDF-1.4\n" + b" " * (8 << 20)  # 8 MB of spaces: a few KB deflated
    for declared in (None, 1024):  # an honest header, and one claiming 1 KB
        data = _raw_zip([("炸弹2023年年度报告.pdf".encode("gbk"), bomb), ("教育局2023年年度报告.pdf".encode("gbk"), _pdf("ok"))],
                        declared=declared)
        assert len(data) < 64 * 1024
        bundle = read_bundle(data, member_max=1 << 20)
        assert [m.name for m in bundle.members] == ["教育局2023年年度报告.pdf"]
        if declared is None:
            assert bundle.limits == ["炸弹2023年年度报告.pdf: larger than 1048576 bytes inflated: not read "
                                     "(BUNDLE_MEMBER_MAXSIZE)"]
        else:  # inflated past its declared size: damaged, not read (zipfile stops at the declared size)
            assert len(bundle.unread) == 1 and bundle.unread[0].startswith("炸弹2023年年度报告.pdf: ")


def test_the_total_bound_stops_the_reading():
    members = [(f"部门{k}2023年年度报告.pdf", b"%PDF-1.4\n" + bytes(600_000)) for k in range(4)]
    bundle = read_bundle(_zip_bundle(members, gbk_names=False), member_max=1 << 20, total_max=1_500_000)
    assert len(bundle.members) == 2
    assert bundle.limits[-1].endswith("(BUNDLE_TOTAL_MAXSIZE)")


def test_nested_zip_and_encrypted_member_not_opened():
    inner = _zip_bundle([("a2023年年度报告.pdf", _pdf("a"))], gbk_names=False)
    data = bytearray(_zip_bundle([("内层2023年年度报告.zip", inner), ("加密2023年年度报告.pdf", _pdf("b"))], gbk_names=False))
    # set the encryption bit of the second member in its central directory entry
    at = data.rfind(b"PK\x01\x02")
    data[at + 8] |= 0x1
    bundle = read_bundle(bytes(data))
    assert bundle.members == [] and bundle.unread == ["加密2023年年度报告.pdf: encrypted"]
    assert bundle.skipped == 1  # the zip in the zip, by its name


@pytest.mark.parametrize("data", [b"", b"PK\x03\x04" + bytes(100), b"not a zip at all", b"PK\x05\x06" + bytes(18)])
def test_damaged_zip_is_one_problem(data):
    bundle = read_bundle(data)
    assert bundle.members == []
    assert bundle.problem is None if data.startswith(b"PK\x05\x06") else bundle.problem.startswith("the zip does not open")


def test_a_zip_members_report_is_reextracted_from_the_zip_capture(tmp_path):
    """`python -m archive.reextract` reads a zip member's report from the zip's capture."""
    import copy
    import subprocess
    import sys

    import sqlite_utils

    from archive.ingest import ingest_report
    from archive.records import ReportPage
    from archive.schema import open_archive
    from archive.warc import WarcCapture

    from .conftest import ROOT, label
    from .world.captures import docx

    lab = copy.deepcopy(label("nanhu-2023"))
    lab["agency"], lab["report_year"] = "武义县教育局", 2023
    name = "各部门/武义县教育局2023年政府信息公开工作年度报告.docx"
    data = _zip_bundle([("说明.txt", b"x"), (name, docx(lab, random.Random(0))[0])], gbk_names=True)
    db = open_archive(tmp_path / "archive.db")
    capture = WarcCapture(db, tmp_path / "warcs", "run1", base=tmp_path)
    zip_url = "http://127.0.0.1:1/bm/P0201.zip"
    capture_id, _ = capture.store(zip_url, data, content_type="application/zip")
    capture.close()
    member = read_bundle(data).members[0]
    url = member_url(zip_url, member.name)
    page = ReportPage(portal=None, url=url, final_url=url, list_title=member.title, fetched_at="2024-01-10T00:00:00+00:00",
                      capture_id=capture_id, capture_new=True, status=200, content_type=member.content_type,
                      body=member.data)
    assert ingest_report(db, page).kind == "new"
    db.execute("PRAGMA journal_mode=DELETE")
    db.conn.close()
    proc = subprocess.run([sys.executable, "-m", "archive.reextract", str(tmp_path / "archive.db")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "re-extracted 1 reports" in proc.stdout
    db = sqlite_utils.Database(tmp_path / "archive.db")
    cells = {}
    for row in db["applications"].rows:
        cells.setdefault(row["row_key"], {})[row["column_key"]] = row["value"]
    assert cells == lab["applications"]
    assert [r["organ"] for r in db["reports"].rows] == ["武义县教育局"]
