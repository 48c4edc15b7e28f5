"""Office reports (DOC, DOCX, WPS, RTF, ODT, XLS, XLSX) through LibreOffice, made from real
saved report pages: every cell survives the conversion, blanks stay null, notes and units
in cells are kept; and a machine without LibreOffice, a conversion that hangs, or a broken
file give a clear error."""
import subprocess

import pytest

from extract import extract_bytes, extract_file, office

from .conftest import FILES, label
from .test_corpus import compare
from .test_inputs import soffice_convert

NANHU_PAGE = FILES / "pages" / "nanhu-2023-jcms.html"
WRITER = {"docx": "docx:MS Word 2007 XML", "doc": "doc:MS Word 97", "rtf": "rtf:Rich Text Format",
          "odt": "odt:writer8"}
CALC = {"xls": "xls:MS Excel 97", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
REPORTS = {"shuyang": (FILES / "samples" / "shuyang-fgj-2023.html", "shuyang-fgj-2023"),
           "pingtan2019": (FILES / "pages" / "pingtan-2019-trs.htm", "pingtan-2019")}


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("office")
    pages = []
    for name, (page, _) in REPORTS.items():
        (tmp / f"{name}.html").write_bytes(page.read_bytes())
        pages.append(tmp / f"{name}.html")
    # 南湖 with a note and a unit written into cells, as some organs print them.
    noted = NANHU_PAGE.read_text(encoding="utf-8") \
        .replace("<td>行政规范性文件</td><td>14</td>", "<td>行政规范性文件</td><td>14（其中修订3件）</td>") \
        .replace('<td>行政事业性收费</td><td colspan="3">0</td>', '<td>行政事业性收费</td><td colspan="3">251000元</td>')
    (tmp / "noted.html").write_text(noted, encoding="utf-8")
    pages.append(tmp / "noted.html")
    for target in WRITER.values():
        soffice_convert(pages, target, tmp)
    sheets = tmp / "sheets"
    sheets.mkdir()
    for target in CALC.values():
        soffice_convert(pages[:2], target, sheets, infilter="HTML (StarCalc)")
    for path in sheets.glob("*.xls*"):
        path.rename(tmp / path.name)
    return tmp


@pytest.mark.parametrize("suffix", list(WRITER) + list(CALC))
@pytest.mark.parametrize("name", list(REPORTS))
def test_every_cell_survives_conversion(documents, name, suffix):
    got = extract_file(documents / f"{name}.{suffix}")
    expected = label(REPORTS[name][1])
    _, undetermined, wrong = compare(expected, got, ("active", "applications", "review_litigation"))
    assert not wrong and not undetermined, (wrong, got["errors"])
    assert got["format"] == expected["format"]
    if suffix in WRITER:
        assert (got["agency"], got["report_year"]) == (expected["agency"], expected["report_year"])
        assert got["errors"] == []


def test_blank_cells_are_null_not_zero(documents):
    got = extract_file(documents / "shuyang.docx")
    assert got["applications"]["new_received"]["commercial"] is None
    assert got["raw"]["applications"]["new_received"]["commercial"] == ""
    assert got["applications"]["new_received"]["natural_person"] == 26


def test_procurement_amount_unit_kept(documents):
    for suffix in ("doc", "xlsx"):
        got = extract_file(documents / f"pingtan2019.{suffix}")
        assert (got["active"]["procurement_amount"], got["active"]["procurement_amount_unit"]) == (75394432.52, "元")


@pytest.mark.parametrize("suffix", ["docx", "odt"])
def test_notes_and_units_in_cells(documents, suffix):
    got = extract_file(documents / f"noted.{suffix}")
    assert got["active"]["normative_issued"] == 14
    assert got["raw"]["active"]["normative_issued"] == "14（其中修订3件）"
    assert got["notes"] == {"active.normative_issued": "其中修订3件"}
    assert got["active"]["fees_10k_yuan"] == 25.1  # 251000元 in a column printed in 万元
    assert got["raw"]["active"]["fees_10k_yuan"] == "251000元"


def test_wps_file_is_read(documents):
    """Kingsoft WPS Writer files are Word-compatible OLE documents."""
    data = (documents / "shuyang.doc").read_bytes()
    got = extract_bytes(data, "report.wps")
    assert got["applications"] == label("shuyang-fgj-2023")["applications"]


def test_without_libreoffice_the_error_says_so(documents, monkeypatch):
    monkeypatch.setattr(office, "soffice", lambda: None)
    got = extract_bytes((documents / "shuyang.docx").read_bytes(), "report.docx")
    assert got["errors"] == ["an office document, and LibreOffice (soffice) is not installed to read it"]
    assert got["applications"] == {}


def test_a_conversion_that_hangs_is_stopped(documents, monkeypatch):
    def hang(args, **kwargs):
        raise subprocess.TimeoutExpired(args, kwargs.get("timeout"))

    monkeypatch.setattr(office.subprocess, "run", hang)
    got = extract_bytes((documents / "shuyang.doc").read_bytes(), "report.doc")
    assert got["errors"] == [f"LibreOffice took longer than {office.TIMEOUT} s; not read"]


@pytest.mark.parametrize("data,name,message", [
    (b"", "empty.docx", "empty file"),
    (b"PK\x03\x04" + b"\x00" * 200, "broken.docx", "LibreOffice could not convert"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "broken.xls", "LibreOffice could not convert"),
    (b"PK\x03\x04\x14\x00\x00\x00\x08\x00OFD.xml" + b"\x00" * 100, "report.ofd", "OFD"),
])
def test_broken_office_files(data, name, message):
    got = extract_bytes(data, name)
    assert got["errors"] and message in got["errors"][0], got["errors"]
    assert got["applications"] == {}
