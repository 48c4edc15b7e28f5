"""Word's "single file web page" (MHT) under any name, and table spans as browsers read them."""
from __future__ import annotations

import base64
import quopri

import pytest

from extract import extract_bytes
from extract.document import _span
from extract.mht import html_part, is_mht

from .conftest import label
from .layouts import to_html
from .test_corpus import compare

REPORT = "pingtan-2021"


def mht(body: bytes, encoding: str, charset: str, preamble: str = "") -> bytes:
    encoded = quopri.encodestring(body) if encoding == "quoted-printable" else base64.encodebytes(body)
    return (b"MIME-Version: 1.0\r\nX-Mailer: Microsoft Word\r\nContent-Type: multipart/related; "
            b"boundary=\"----=_NextPart_X\"\r\n\r\n" + preamble.encode("gbk") + b"\r\n------=_NextPart_X\r\n"
            b"Content-Location: file:///C:/r.files/image001.png\r\nContent-Type: image/png\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n------=_NextPart_X\r\n"
            b"Content-Location: file:///C:/r.htm\r\nContent-Transfer-Encoding: " + encoding.encode() +
            b"\r\nContent-Type: text/html; charset=\"" + charset.encode() + b"\"\r\n\r\n" + encoded +
            b"\r\n------=_NextPart_X--\r\n")


@pytest.mark.parametrize("encoding", ["quoted-printable", "base64"])
@pytest.mark.parametrize("charset,name", [("gb2312", "report.doc"), ("utf-8", "report.mht"), ("gbk", "report")])
def test_a_web_archive_reads_as_its_page(encoding, charset, name):
    page = to_html(label(REPORT)).replace('<meta charset="utf-8">', "")
    data = mht(page.encode("gbk" if charset != "utf-8" else "utf-8"), encoding, charset, "此文档为“单个文件网页”。")
    assert is_mht(data)
    got = extract_bytes(data, name)
    exact, undetermined, wrong = compare(label(REPORT), got, ("active", "applications", "review_litigation"))
    assert not wrong and undetermined == 0


def test_a_web_archive_without_a_page_is_one_clear_error():
    data = b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=b\r\n\r\n--b\r\nContent-Type: image/png\r\n\r\nxx\r\n--b--\r\n"
    assert is_mht(data) and html_part(data) is None
    got = extract_bytes(data, "r.doc")
    assert got.errors == ["a web archive (MHT) with no HTML page inside"]


def test_not_a_web_archive():
    assert not is_mht(b"<html><body>Content-Type: multipart/related</body></html>")
    assert not is_mht(b"%PDF-1.4")


@pytest.mark.parametrize("value,span", [("2", 2), ("3D2", 3), (" 4 ", 4), ("+2", 2), ("x", 1), ("0", 1),
                                        ("", 1), (None, 1), ("99999999", 1000)])
def test_spans_as_browsers_read_them(value, span):
    assert _span(value, 1000) == span
