"""Inline pictures of a report page read by OCR when its text holds no table
(extract/html_images.py): the bounds (count, pixels, a picture that does not decode) as
generated pages, each a recorded `limit:` or decode error with the rest of the page read;
a page with its tables in <table>s is never OCR'd. (The full reading of table screenshots:
tests/test_world_captures4.py `html-table-images`.)"""
from __future__ import annotations

import base64
import io
import struct
import zlib

import pytest

from extract import extract_bytes, limits

from .conftest import label
from .layouts import to_html
from .world.captures import _doc


def _png(width: int, height: int) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (width, height), 255).save(buf, "PNG")
    return buf.getvalue()


def _huge_png_header(width: int, height: int) -> bytes:
    """A PNG whose header declares width × height (its pixels never follow)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)) \
        + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def _img(data: bytes, kind: str = "png") -> str:
    return f'<img src="data:image/{kind};base64,{base64.b64encode(data).decode()}">'


LAB = label("nanhu-2023")


@pytest.fixture
def small_limits(monkeypatch):
    monkeypatch.setattr(limits, "_current", limits.Limits(ocr_pages=2, ocr_pixels=1))


@pytest.mark.parametrize("count", [3, 5])
def test_more_pictures_than_the_limit_recorded(count, small_limits):
    page = _doc(LAB, ["".join(_img(_png(60, 20)) for _ in range(count))]).encode()  # (one heading: _doc places 3)
    got = extract_bytes(page, "x.html")
    assert any(e.startswith(f"limit: {count} inline pictures") and "EXTRACT_OCR_PAGES" in e for e in got["errors"])
    assert got["report_year"] == LAB["report_year"]


@pytest.mark.parametrize("width,height", [(2000, 1000), (50_000, 50_000), (100_000, 100)])
def test_a_picture_over_the_pixel_limit_recorded(width, height, small_limits):
    page = _doc(LAB, [_img(_huge_png_header(width, height)), _img(_png(60, 20))]).encode()
    got = extract_bytes(page, "x.html")
    assert sum("EXTRACT_OCR_PIXELS" in e and e.startswith("limit:") for e in got["errors"]) == 1
    assert got["report_year"] == LAB["report_year"]


@pytest.mark.parametrize("data", [b"not a picture", b"\x89PNG\r\n\x1a\n" + b"\0" * 40, b""])
def test_a_picture_that_does_not_decode_recorded(data):
    got = extract_bytes(_doc(LAB, [_img(data)]).encode(), "x.html")
    assert any("inline picture 1 does not decode" in e for e in got["errors"])
    assert got["report_year"] == LAB["report_year"]


def test_a_page_with_its_tables_is_not_read_by_ocr():
    page = to_html(LAB).replace("</div></body>", _img(_png(60, 20)) + "</div></body>")
    got = extract_bytes(page.encode(), "x.html")
    assert got["layout"] == "html" and not any("inline picture" in e for e in got["errors"])
