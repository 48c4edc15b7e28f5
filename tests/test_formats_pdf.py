"""PDF reports: ruled tables (the real 淮安 2024 PDF), tables without ruling lines rebuilt from
word positions, one-cell-per-line text, image-only PDFs and broken files.

The PDFs besides 淮安's are printed by LibreOffice from saved report pages (tests/files),
with and without the tables' borders, so every cell is known from the labels."""
import re
import shutil

import pytest

from extract import extract_bytes, extract_file

from .conftest import FILES, label
from .test_corpus import compare
from .test_inputs import soffice_convert

PAGES = {  # page saved in tests/files -> its label
    "nanhu": (FILES / "pages" / "nanhu-2023-jcms.html", "nanhu-2023"),
    "shuyang": (FILES / "samples" / "shuyang-fgj-2023.html", "shuyang-fgj-2023"),  # blank legal-person columns
    "pingtan2019": (FILES / "pages" / "pingtan-2019-trs.htm", "pingtan-2019"),  # 2019 format
}


def without_rules(html: str) -> str:
    """The page with every table border, style sheet and cell style removed."""
    html = re.sub(r"<table[^>]*>", "<table>", html)
    html = re.sub(r"<link[^>]*>|<style.*?</style>", "", html, flags=re.S)
    html = re.sub(r'(<t[dh][^>]*?)\sstyle="[^"]*"', r"\1", html)
    return re.sub(r"border[^;\"]*;?", "", html)


@pytest.fixture(scope="module")
def pdfs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("pdfs")
    sources = []
    for name, (page, _) in PAGES.items():
        html = page.read_text(encoding="utf-8")
        (tmp / f"{name}-ruled.html").write_text(html, encoding="utf-8")
        (tmp / f"{name}-unruled.html").write_text(without_rules(html), encoding="utf-8")
        sources += [tmp / f"{name}-ruled.html", tmp / f"{name}-unruled.html"]
    shutil.copy(FILES / "samples" / "nanhu-2023.txt", tmp / "nanhu-lines.txt")
    soffice_convert(sources + [tmp / "nanhu-lines.txt"], "pdf", tmp)
    return tmp


@pytest.mark.parametrize("name", [f"{n}-{kind}" for n in PAGES for kind in ("ruled", "unruled")] + ["nanhu-lines"])
def test_every_cell_of_a_printed_report(pdfs, name):
    got = extract_file(pdfs / f"{name}.pdf")
    expected = label(PAGES[name.split("-")[0]][1])
    exact, undetermined, wrong = compare(expected, got, ("active", "applications", "review_litigation"))
    print(f"{name}.pdf: {exact} exact, {undetermined} undetermined, {len(wrong)} wrong")
    assert not wrong
    if name == "shuyang-ruled":
        # 沭阳's table 4 is wider than the page, and LibreOffice's print cuts its last three
        # columns off: 12 of 15 cells printed, so the table is undetermined, not guessed.
        # (the alignment reading finds no cut of the 12 either, and says so)
        assert got["errors"][0] == "table 4: 12 cells where 15 were expected" and undetermined == 15
        assert all(e.startswith("table 4") for e in got["errors"])
        assert all(v is None for block in got["review_litigation"].values() for v in block.values())
        return
    assert not undetermined and got["errors"] == []
    assert (got["agency"], got["report_year"], got["format"]) == (
        expected["agency"], expected["report_year"], expected["format"])


def test_2019_procurement_amount_keeps_its_unit(pdfs):
    got = extract_file(pdfs / "pingtan2019-unruled.pdf")
    assert got["active"]["procurement_amount"] == 75394432.52
    assert got["active"]["procurement_amount_unit"] == "元"


def test_blank_cells_stay_blank_without_rules(pdfs):
    """沭阳's legal-person columns are blank: without ruling lines the printed row is only
    '26 26'; the values go under the headings they stand beneath, the rest stay null."""
    got = extract_file(pdfs / "shuyang-unruled.pdf")
    assert got["applications"]["new_received"] == {
        "natural_person": 26, "commercial": None, "research": None, "social_welfare": None,
        "legal_service": None, "other_org": None, "total": 26}


def test_real_pdf_with_footers_and_split_labels():
    got = extract_file(FILES / "samples" / "huaian-2024.pdf")
    assert got["title"] == "淮安市人民政府2024年政府信息公开工作年度报告"  # printed over two lines
    assert got["errors"] == [] and got["check_status"] == "ok"
    assert compare(label("huaian-2024"), got)[2] == []


def test_image_only_pdf_is_recorded_without_numbers(tmp_path):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (600, 800), "white")
    ImageDraw.Draw(image).rectangle((50, 50, 550, 300), outline="black")  # a scanned table
    path = tmp_path / "scan.pdf"
    image.save(path, "PDF")
    got = extract_file(path)
    # no text layer: the page is rendered and read by OCR, which finds no text on it
    assert got["errors"] == ["image-only report: OCR found no text on it (no numbers read)"]
    assert got["applications"] == {} and got["active"] == {}


@pytest.mark.parametrize("data", [b"%PDF-1.7\n", b"%PDF-1.4\n1 0 obj<<>>\n", b"%PDF" + bytes(range(256)) * 4])
def test_broken_pdfs_give_an_error(data):
    got = extract_bytes(data, "broken.pdf", "application/pdf")
    assert got["errors"] and got["applications"] == {}
