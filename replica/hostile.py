"""Hostile documents, made from descriptions (never committed): what a portal can serve that
must end as one recorded error, fast and within the extraction limits.

    python -m replica.hostile DIR      # write every file into DIR (for `python -m extract`)

Used by the tests (tests/test_bounded.py), the benchmark (bench/hostile_extract.py) and the
hostile replica site (replica/hostile_site.py). Each entry: file name -> (description, the
error the extractor must give (a substring), builder).
"""
from __future__ import annotations

import hashlib
import io
import os
import random
import struct
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REAL_PDF = HERE / "sites" / "gkmlpt" / "attachment" / "0" / "512" / "512345" / "淮安市人民政府2024年政府信息公开工作年度报告.pdf"
TITLE = "某县人民政府2023年政府信息公开工作年度报告"


def _random(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def empty() -> bytes:
    return b""


def random_pdf() -> bytes:
    return _random(64 * 1024)


def truncated_pdf() -> bytes:
    return REAL_PDF.read_bytes()[:5000]


def docx_bomb(inflated_mb: int = 1536) -> bytes:
    """A DOCX whose word/document.xml inflates to `inflated_mb` MB (a few MB compressed).
    Deflating 1.5 GB takes seconds, so the result is kept in the temporary folder."""
    cache = Path(tempfile.gettempdir()) / "gov-report-archive-hostile" / f"bomb-{inflated_mb}-v1.docx"
    if cache.is_file():
        return cache.read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml",
                   '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
                   '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                   'officedocument.wordprocessingml.document.main+xml"/></Types>')
        chunk = (b"<w:p><w:r><w:t>" + "年度报告".encode() + b"</w:t></w:r></w:p>") * 32768  # ~1 MB
        with z.open("word/document.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
                         b'wordprocessingml/2006/main"><w:body>')
            written = 0
            while written < inflated_mb * 1024 * 1024:
                member.write(chunk)
                written += len(chunk)
            member.write(b"</w:body></w:document>")
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(buf.getvalue())
    partial.replace(cache)  # atomic: a concurrent reader never sees half a file
    return buf.getvalue()


def xlsx_many_members() -> bytes:
    """A spreadsheet zip with 20,000 small members (a zip that is all directory)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        for i in range(20000):
            z.writestr(f"xl/worksheets/sheet{i}.xml", "<worksheet/>")
    return buf.getvalue()


def nested_divs(depth: int = 200_000) -> bytes:
    return (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body>"
            + "<div>" * depth + "一、总体情况" + "</div>" * depth + "</body></html>").encode("utf-8")


def table_rows(rows: int = 120_000) -> bytes:
    body = "".join(f"<tr><td>第{i}行</td><td>{i}</td></tr>" for i in range(rows))
    return (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><div id='zoom'>"
            f"<p>三、收到和处理政府信息公开申请情况</p><table>{body}</table></div></body></html>").encode("utf-8")


def non_numeric_cells() -> bytes:
    """The three tables with every figure cell filled with words, signs and dates."""
    junk = ["——", "无", "N/A", "详见附件", "2023-01-05", "约十件", "∞", "1e309", "-0", "¥", "#REF!", "1,2,3"]
    rows = "".join(f"<tr><td>{label}</td>" + "".join(f"<td>{junk[(i + j) % len(junk)]}</td>" for j in range(7)) + "</tr>"
                   for i, label in enumerate(["本年新收政府信息公开申请数量", "上年结转政府信息公开申请数量",
                                              "（一）予以公开", "（七）总计", "四、结转下年度继续办理"]))
    return (f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><div id='zoom'>"
            f"<p>{TITLE}</p><p>三、收到和处理政府信息公开申请情况</p><table>"
            f"<tr><td>本列数据的勾稽关系</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td>"
            f"<td>法律服务机构</td><td>其他</td><td>总计</td></tr>{rows}</table></div></body></html>").encode("utf-8")


def binary_html() -> bytes:
    return _random(256 * 1024, seed=11)


def big_page(mb: int = 50) -> bytes:
    para = f"<p>{TITLE}：本机关坚持以公开为常态、不公开为例外。</p>\n".encode("utf-8")
    head = f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body><div id='zoom'>".encode("utf-8")
    return head + para * (mb * 1024 * 1024 // len(para)) + b"</div></body></html>"


def many_pages_pdf(pages: int = 3000) -> bytes:
    """A valid PDF of `pages` one-line pages (a page-count trap)."""
    objects = {1: b"<</Type/Catalog/Pages 2 0 R>>", 3: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>"}
    kids = []
    for i in range(pages):
        page, content = 4 + 2 * i, 5 + 2 * i
        stream = f"BT /F1 12 Tf 72 720 Td (page {i + 1}) Tj ET".encode()
        objects[page] = (f"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 3 0 R>>>>"
                         f"/Contents {content} 0 R>>").encode()
        objects[content] = b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream"
        kids.append(f"{page} 0 R")
    objects[2] = f"<</Type/Pages/Kids[{' '.join(kids)}]/Count {pages}>>".encode()
    return _pdf(objects)


def lying_count_pdf(pages: int = 10000) -> bytes:
    """A PDF whose page tree declares /Count 1 and holds `pages` pages."""
    data = many_pages_pdf(pages)
    return data.replace(f"/Count {pages}>>".encode(), b"/Count 1>>" + b" " * (len(str(pages)) - 1))


def stray_byte_text() -> bytes:
    """A real UTF-8 report in plain text with three stray bytes in it."""
    text = (HERE.parent / "tests" / "files" / "samples" / "nanhu-2023.txt").read_bytes()
    return text[:200] + b"\xff" + text[200:2000] + b"\xfe\xff" + text[2000:]


def encrypted_pdf(user_password: bytes = b"secret") -> bytes:
    """A one-page PDF encrypted (RC4 40-bit, revision 2) with a user password: it opens only
    with the password, which the archive does not have."""
    pad = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
    padded = (user_password + pad)[:32]
    owner_key = hashlib.md5(b"owner-" + padded).digest()[:5]
    o_entry = _rc4(owner_key, padded)
    permissions = -44
    file_id = hashlib.md5(b"hostile-encrypted").digest()
    key = hashlib.md5(padded + o_entry + struct.pack("<i", permissions) + file_id).digest()[:5]
    u_entry = _rc4(key, pad)
    text = f"BT /F1 12 Tf 72 720 Td ({'annual report ' * 4}) Tj ET".encode()
    stream = _rc4(hashlib.md5(key + struct.pack("<I", 4)[:3] + b"\0\0").digest()[:10], text)
    objects = {
        1: b"<</Type/Catalog/Pages 2 0 R>>",
        2: b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        3: b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        4: b"<</Length %d>>stream\n" % len(stream) + stream + b"\nendstream",
        5: b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
        6: (b"<</Filter/Standard/V 1/R 2/Length 40/O <" + o_entry.hex().encode() + b">/U <"
            + u_entry.hex().encode() + b">/P %d>>" % permissions),
    }
    trailer_extra = b"/Encrypt 6 0 R/ID[<" + file_id.hex().encode() + b"><" + file_id.hex().encode() + b">]"
    return _pdf(objects, trailer_extra)


def _rc4(key: bytes, data: bytes) -> bytes:
    s, j = list(range(256)), 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out, i, j = bytearray(), 0, 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def _pdf(objects: dict, trailer_extra: bytes = b"") -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + objects[number] + b"\nendobj\n"
    xref = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    for number in range(1, size):
        out += b"%010d 00000 n \n" % offsets[number] if number in offsets else b"0000000000 65535 f \n"
    out += b"trailer\n<</Size %d/Root 1 0 R" % size + trailer_extra + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# name -> (what it is, the error it must give, builder)
HOSTILE = {
    "empty.pdf": ("an empty file", "empty file", empty),
    "random.pdf": ("64 KB of random bytes named .pdf", "not a PDF (no %PDF header)", random_pdf),
    "truncated.pdf": ("the first 5,000 bytes of a real report PDF", "PDF", truncated_pdf),
    "encrypted.pdf": ("a PDF encrypted with a user password", "encrypted PDF", encrypted_pdf),
    "pages.pdf": ("a valid PDF of 3,000 pages", "pages", many_pages_pdf),
    "lying-count.pdf": ("a PDF declaring /Count 1 that holds 10,000 pages", "pages", lying_count_pdf),
    "bomb.docx": ("a DOCX whose document.xml inflates to 1.5 GB", "inflate", docx_bomb),
    "members.xlsx": ("a spreadsheet zip of 20,000 members", "members", xlsx_many_members),
    "nested.html": ("200,000 nested <div>s", "table", nested_divs),
    "rows.html": ("a table of 120,000 rows", "cells", table_rows),
    "cells.html": ("the tables filled with words instead of figures", "not found", non_numeric_cells),
    "binary.html": ("256 KB of random bytes named .html", "binary", binary_html),
    "big.html": ("a 50 MB page", "MB", big_page),
}


def write_all(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = {}
    for name, (_, _, build) in HOSTILE.items():
        path = folder / name
        if not path.exists():
            path.write_bytes(build())
        paths[name] = path
    return paths


if __name__ == "__main__":
    for name, path in write_all(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")).items():
        print(f"{path}\t{path.stat().st_size}\t{HOSTILE[name][0]}")
