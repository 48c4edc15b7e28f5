"""OFD (GB/T 33190) reports: real report content built into OFD packages (tests/ofd.py),
read from the page XML's positioned text objects; hostile packages refused with one error."""
import io
import zipfile

import pytest

from extract import extract_bytes
from extract.bounded import extract_here
from extract.limits import Limits

from .conftest import FILES, label
from .ofd import NS, make_ofd, report_ofd
from .test_corpus import compare

SECTIONS = ("active", "applications", "review_litigation")
REPORTS = sorted(p.stem for p in (FILES / "labels").iterdir() if label(p.stem)["format"] in ("2021", "2019"))


@pytest.mark.parametrize("name", REPORTS)
def test_every_cell_of_an_ofd_report(name):
    got = extract_bytes(report_ofd(label(name)), f"{name}.ofd")
    expected = label(name)
    exact, undetermined, wrong = compare(expected, got, SECTIONS)
    assert not wrong and not undetermined, (wrong, got["errors"])
    assert got.layout == "ofd" and got["report_year"] == expected["report_year"]
    cell = got.applications["new_received"]["total"]
    assert cell.where.layout == "ofd" and cell.where.line


def test_ofd_is_recognised_by_its_bytes_whatever_it_is_called():
    got = extract_bytes(report_ofd(label("nanhu-2023")), "download.do?id=3")
    assert got.layout == "ofd" and got["applications"]["new_received"]["total"] == 18


def test_an_ofd_page_with_an_external_entity_is_refused():
    def xxe(lines):
        return ('<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                f'<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer><ofd:TextObject Boundary="0 0 10 5" Size="3">'
                '<ofd:TextCode X="0" Y="4">&x;</ofd:TextCode></ofd:TextObject></ofd:Layer></ofd:Content></ofd:Page>')
    got = extract_bytes(make_ofd("一、总体情况\n", page_xml=xxe), "xxe.ofd")
    assert got["errors"] == ["OFD: Doc_0/Pages/Page_0/Content.xml declares a DTD or entities (refused)"]
    assert "root:" not in str(got.as_dict())


def test_an_ofd_zip_bomb_is_refused_before_it_is_read():
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("OFD.xml", "<ofd:OFD/>")
        z.writestr("Doc_0/Pages/Page_0/Content.xml", b"<a>" + b" " * (110 * 2**20) + b"</a>")
    got = extract_here(bomb.getvalue(), "bomb.ofd", limits=Limits())
    assert len(got["errors"]) == 1 and "EXTRACT_INFLATED_MB" in got["errors"][0]


def test_a_broken_ofd_gives_one_error():
    got = extract_bytes(make_ofd("x")[:300], "broken.ofd")
    assert len(got["errors"]) == 1 and got["errors"][0].startswith("OFD")
