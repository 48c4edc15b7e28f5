"""Every input kind `python -m extract` accepts, made from a real report (the 南湖区 2023
report as served by the replica, saved in tests/files/pages) with LibreOffice, and the bad
files it must survive."""
import json
import shutil
import subprocess
import sys

import pytest

from .conftest import FILES, ROOT, label

NANHU_PAGE = FILES / "pages" / "nanhu-2023-jcms.html"


def soffice_convert(source, target_format, outdir, infilter=None):
    """Convert one file or a list of files with LibreOffice into `outdir`."""
    binary = shutil.which("soffice")
    assert binary, "LibreOffice is installed by the Makefile"
    sources = [str(s) for s in source] if isinstance(source, (list, tuple)) else [str(source)]
    args = [binary, "--headless", "--norestore", f"-env:UserInstallation=file://{outdir}/profile",
            "--convert-to", target_format, "--outdir", str(outdir), *sources]
    if infilter:
        args.insert(3, f"--infilter={infilter}")
    subprocess.run(args, capture_output=True, timeout=180, check=True)


@pytest.fixture(scope="module")
def documents(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("inputs")
    page = tmp / "nanhu.html"
    shutil.copy(NANHU_PAGE, page)
    soffice_convert(page, "docx:MS Word 2007 XML", tmp)
    soffice_convert(page, "doc:MS Word 97", tmp)
    shutil.copy(tmp / "nanhu.doc", tmp / "nanhu.wps")  # Kingsoft WPS files are Word-compatible
    sheet_dir = tmp / "sheet"
    sheet_dir.mkdir()
    soffice_convert(page, "xlsx:Calc MS Excel 2007 XML", sheet_dir, infilter="HTML (StarCalc)")
    shutil.copy(sheet_dir / "nanhu.xlsx", tmp / "nanhu.xlsx")
    gbk = tmp / "nanhu-gbk.html"
    gbk.write_bytes(page.read_text(encoding="utf-8").replace('charset="utf-8"', 'charset="gb2312"').encode("gb18030"))
    return tmp


def run(*paths):
    proc = subprocess.run([sys.executable, "-m", "extract", *map(str, paths)], cwd=ROOT,
                          capture_output=True, text=True, timeout=600)
    return [json.loads(line) for line in proc.stdout.splitlines()]


@pytest.mark.parametrize("name", ["nanhu.docx", "nanhu.doc", "nanhu.wps", "nanhu.xlsx", "nanhu-gbk.html"])
def test_office_and_encoded_copies_of_a_real_report(documents, name):
    (got,) = run(documents / name)
    expected = label("nanhu-2023")
    assert got["applications"] == expected["applications"], got["errors"]
    assert got["review_litigation"] == expected["review_litigation"]
    if name != "nanhu.xlsx":  # a spreadsheet has no title or narrative
        assert got["agency"] == "南湖区人民政府办公室" and got["report_year"] == 2023
        assert got["active"] == expected["active"]


def test_bad_files_are_recorded_and_the_run_goes_on(documents, tmp_path):
    corrupt_docx = tmp_path / "corrupt.docx"
    corrupt_docx.write_bytes((documents / "nanhu.docx").read_bytes()[:3000])
    truncated_pdf = tmp_path / "truncated.pdf"
    truncated_pdf.write_bytes((FILES / "samples" / "huaian-2024.pdf").read_bytes()[:5000])
    image = tmp_path / "scan.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    scanned_pdf = tmp_path / "scan.pdf"
    scanned_pdf.write_bytes(b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
                            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF")
    results = run(corrupt_docx, truncated_pdf, image, scanned_pdf, FILES / "samples" / "zhapu-2023.txt")
    assert len(results) == 5
    for bad in results[:4]:
        assert bad["errors"] and not any(bad["applications"].values()), bad
    assert "image-only" in results[2]["errors"][0]
    assert "image-only" in results[3]["errors"][0] or "PDF" in results[3]["errors"][0]
    assert results[4]["applications"]["new_received"]["total"] == 37


def test_empty_files_of_every_kind(tmp_path):
    names = ["empty", "empty.txt", "empty.pdf", "empty.docx", "blank.html"]
    for name in names:
        (tmp_path / name).write_bytes(b"" if name != "blank.html" else b" \n\t ")
    proc = subprocess.run([sys.executable, "-m", "extract", *[str(tmp_path / n) for n in names],
                           str(FILES / "samples" / "nanhu-2023.txt")], cwd=ROOT, capture_output=True, text=True, timeout=120)
    results = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1 and len(results) == len(names) + 1
    for result in results[:-1]:
        assert result["errors"] == ["empty file: nothing to read"] and result["applications"] == {}
    assert results[-1]["applications"]["new_received"]["total"] == 18


def test_report_printed_as_pictures_on_a_page():
    page = ("<html><head><title>某县人民政府2023年政府信息公开工作年度报告</title></head><body><div id='zoom'>"
            "<p>某县人民政府2023年政府信息公开工作年度报告</p><p><img src='1.png'></p><p><img src='2.png'></p></div></body></html>")
    from extract import extract_bytes

    got = extract_bytes(page.encode(), "a.html", "text/html")
    assert got["errors"] == ["image-only report: the tables are printed as pictures on the page (no numbers read)"]
    assert got["applications"] == {}
