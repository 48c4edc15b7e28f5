"""Documents typed by their first bytes (extract/sniff.py), whatever their name or header says."""
import pytest

from extract.document import sniff_kind
from extract.sniff import file_kind
from replica.mechanisms import scanned_pdf

from .conftest import ROOT

SAMPLES = ROOT / "tests" / "files" / "samples"


@pytest.mark.parametrize("data,kind", [
    ((SAMPLES / "huaian-2024.pdf").read_bytes(), "pdf"),
    (b"\r\n%PDF-1.7\n", "pdf"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "ole"),
    (b"PK\x03\x04" + bytes(26) + b"[Content_Types].xml word/document.xml", "ooxml"),
    (b"PK\x03\x04" + bytes(26) + b"OFD.xml Doc_0/Document.xml", "ofd"),
    (b"PK\x03\x04" + bytes(26) + b"readme.txt", "zip"),
    (b"{\\rtf1\\ansi", "rtf"),
    (b"\x89PNG\r\n\x1a\n" + bytes(20), "image"),
    (b"\xff\xd8\xff\xe0" + bytes(20), "image"),
    (b"\xef\xbb\xbf<!DOCTYPE html><html>", "html"),
    ("  <html><head><meta charset=gbk>".encode(), "html"),
    ("二、主动公开政府信息情况".encode(), "unknown"),
])
def test_file_kind_by_first_bytes(data, kind):
    assert file_kind(data) == kind


def test_bytes_decide_over_url_and_content_type():
    pdf = (SAMPLES / "huaian-2024.pdf").read_bytes()
    assert sniff_kind(pdf, "/DownLoad.aspx?FilePath=/a/b&FileName=x.html", "text/html") == "pdf"
    word = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert sniff_kind(word, "/downfile.jsp?id=7", "application/octet-stream") == "ole"


def test_a_scanned_pdf_is_a_pdf_with_no_text_layer():
    from extract import extract_bytes

    data = scanned_pdf()
    assert file_kind(data) == "pdf"
    result = extract_bytes(data, "/xxgk/ndbg/2021/P020210115_scan.pdf", "application/octet-stream")
    assert any("image-only" in e for e in result.errors)


# --- MIME web archives (MHT): Word's "single file web page", often published as .doc ---

def _mht(html: str, charset: str, transfer: str) -> bytes:
    """An MHT as Word writes it: a MIME preamble, the page in its charset and transfer encoding."""
    import base64
    import quopri

    body = html.encode(charset)
    encoded = (quopri.encodestring(body) if transfer == "quoted-printable"
               else base64.encodebytes(body)).decode("ascii")
    return ("MIME-Version: 1.0\r\nX-Document-Type: Worksheet\r\n"
            "Content-Type: multipart/related; boundary=\"----=_NextPart_01D9\"\r\n\r\n"
            "此文档为“单个文件网页”，也称为“Web 档案”文件。\r\n\r\n------=_NextPart_01D9\r\n"
            f"Content-Location: file:///C:/report.htm\r\nContent-Transfer-Encoding: {transfer}\r\n"
            f"Content-Type: text/html; charset=\"{charset}\"\r\n\r\n{encoded}\r\n"
            "------=_NextPart_01D9\r\nContent-Location: file:///C:/report.files/image001.png\r\n"
            "Content-Transfer-Encoding: base64\r\nContent-Type: image/png\r\n\r\niVBORw0KGgo=\r\n"
            "------=_NextPart_01D9--\r\n").encode(charset)


@pytest.mark.parametrize("charset,transfer", [("gb2312", "quoted-printable"), ("gbk", "base64"),
                                              ("utf-8", "quoted-printable"), ("gb2312", "base64")])
def test_a_word_mht_named_doc_is_read_as_its_html_part(charset, transfer):
    from extract import extract_bytes

    from .conftest import label
    from .layouts import to_html
    from .test_corpus import compare

    truth = label("huaian-2024")
    html = to_html(truth).replace('<meta charset="utf-8">', f'<meta http-equiv=Content-Type content="text/html; '
                                                             f'charset={charset}">')
    html = html.replace("<td", '<td rowspan="1"', 1)  # quoted-printable writes it rowspan=3D"1"
    data = _mht(html, charset, transfer)
    assert file_kind(data) == "mht"
    assert sniff_kind(data, "/xxgk/P020240115.doc", "application/msword") == "mht"
    got = extract_bytes(data, "/xxgk/P020240115.doc", "application/msword")
    exact, undetermined, wrong = compare(truth, got, ("active", "applications", "review_litigation"))
    assert not wrong and exact >= 0.95 * (exact + undetermined), (exact, undetermined, wrong[:3], got["errors"])


def test_an_mht_without_an_html_part_is_one_recorded_error():
    from extract import extract_bytes

    data = (b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=\"b\"\r\n\r\n--b\r\n"
            b"Content-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n--b--\r\n")
    got = extract_bytes(data, "/a.doc")
    assert any("no HTML" in e for e in got["errors"]), got["errors"]
