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
