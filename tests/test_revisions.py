"""A Word part's tracked changes accepted (extract/revisions.py): the text left is what Word
shows after "Accept all changes". Variants are generated: deletions inside a figure, in a
cell, a deleted row, moved text, insertions and deletions nested, deleted paragraph marks."""
from __future__ import annotations

import itertools
import random

import pytest
from lxml import etree

from extract import revisions
from extract.limits import LimitExceeded

W = revisions.W
AUTH = 'w:id="{}" w:author="a" w:date="2024-01-01T00:00:00Z"'
_ids = itertools.count(1)


def _a() -> str:
    return AUTH.format(next(_ids))


def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>'


def dele(text: str) -> str:
    return f'<w:del {_a()}><w:r><w:delText xml:space="preserve">{text}</w:delText></w:r></w:del>'


def ins(inner: str) -> str:
    return f'<w:ins {_a()}>{inner}</w:ins>'


def doc(body: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{W}" '
            f'xmlns:m="http://schemas.openxmlformats.org/officeDocument/2006/math"><w:body>{body}</w:body></w:document>').encode()


def paragraphs(part: bytes) -> list[str]:
    root = etree.fromstring(part)
    return ["".join(t.text or "" for t in p.iter(f"{{{W}}}t", "{http://schemas.openxmlformats.org/officeDocument/2006/math}t"))
            for p in root.iter(f"{{{W}}}p")]


def rows(part: bytes) -> list[list[str]]:
    root = etree.fromstring(part)
    return [["".join(t.text or "" for t in tc.iter(f"{{{W}}}t")) for tc in tr.iter(f"{{{W}}}tc")]
            for tr in root.iter(f"{{{W}}}tr")]


def cell(content: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p>{content}</w:p></w:tc>"


def tracked_figure(value: int, rnd: random.Random) -> str:
    """`value` printed with revisions around it that accept to `value`."""
    text = str(value)
    how = rnd.choice(["replace", "replace-after", "inside", "nested", "ins-in-del", "split-ins", "moved"])
    stale = str(value + rnd.randint(1, 99))
    if how == "replace":
        return dele(stale) + ins(run(text))
    if how == "replace-after":
        return ins(run(text)) + dele(stale)
    if how == "inside":
        k = rnd.randint(0, len(text))
        return (run(text[:k]) if text[:k] else "") + dele(str(rnd.randint(0, 9))) + (run(text[k:]) if text[k:] else "")
    if how == "nested":  # inserted, then part of the insertion deleted by a second reviewer
        return ins(run(text) + f'<w:del {_a()}><w:r><w:delText>{rnd.randint(0, 9)}</w:delText></w:r></w:del>')
    if how == "ins-in-del":  # a deletion holding an insertion: all of it goes
        return f'<w:del {_a()}>{ins(run(stale))}</w:del>' + run(text)
    if how == "split-ins":
        k = rnd.randint(1, len(text))
        return run(text[:k]) + (ins(run(text[k:])) if text[k:] else "")
    return (f'<w:moveFromRangeStart w:name="m" {_a()}/><w:moveFrom {_a()}>{run(stale)}</w:moveFrom>'
            f'<w:moveFromRangeEnd w:id="1"/>' + f'<w:moveTo {_a()}>{run(text)}</w:moveTo>')


@pytest.mark.parametrize("seed", range(30))
def test_tracked_figures_in_cells_accept_to_the_final_figure(seed):
    rnd = random.Random(seed)
    truth = [[rnd.randint(0, 20000) for _ in range(6)] for _ in range(5)]
    trs = ["<w:tr>" + "".join(cell(tracked_figure(v, rnd)) for v in row) + "</w:tr>" for row in truth]
    # a row of last year's figures, deleted whole; a row inserted (kept)
    stale = "<w:tr><w:trPr><w:del " + _a() + "/></w:trPr>" + "".join(cell(dele("999")) for _ in range(6)) + "</w:tr>"
    trs.insert(rnd.randint(0, len(trs)), stale)
    added = [rnd.randint(0, 99) for _ in range(6)]
    trs.append("<w:tr><w:trPr><w:ins " + _a() + "/></w:trPr>" + "".join(cell(ins(run(str(v)))) for v in added) + "</w:tr>")
    part = revisions.accepted(doc("<w:tbl>" + "".join(trs) + "</w:tbl>"))
    assert rows(part) == [[str(v) for v in row] for row in truth + [added]]
    assert b"delText" not in part and b"w:ins" not in part and b"w:del " not in part and b"moveFrom" not in part


def test_a_deleted_cell_goes_and_a_deleted_paragraph_mark_joins_the_next():
    table = ("<w:tbl><w:tr>" + cell(run("1")) + cell(dele("7"), "<w:cellDel " + _a() + "/>") + cell(run("3"))
             + "</w:tr></w:tbl>")
    body = (table + f'<w:p><w:pPr><w:rPr><w:del {_a()}/></w:rPr></w:pPr>{run("收到申请")}</w:p>'
            f'<w:p>{run("12件")}</w:p>'
            f'<w:p><w:pPr><w:rPr><w:del {_a()}/></w:rPr></w:pPr>{dele("上一版：345件")}</w:p>'
            f'<w:p>{run("完")}</w:p>')
    part = revisions.accepted(doc(body))
    assert rows(part) == [["1", "3"]]
    assert paragraphs(part)[-2:] == ["收到申请12件", "完"]
    assert "上一版" not in part.decode()


def test_old_formatting_and_math_runs_deleted():
    body = (f'<w:p><w:r><w:rPr><w:b/><w:rPrChange {_a()}><w:rPr><w:i/></w:rPr></w:rPrChange></w:rPr>'
            f'<w:t>5</w:t></w:r><m:oMath><m:r><w:rPr><w:del {_a()}/></w:rPr><m:t>8</m:t></m:r>'
            f'<m:r><w:rPr><w:ins {_a()}/></w:rPr><m:t>6</m:t></m:r></m:oMath></w:p>')
    part = revisions.accepted(doc(body))
    assert paragraphs(part) == ["56"]
    assert b"rPrChange" not in part and b"<w:b/>" in part


def test_a_part_without_revisions_is_left_byte_for_byte():
    part = doc(f"<w:p>{run('政府信息公开 instrText 12')}</w:p>")
    assert revisions.accepted(part) is part
    assert revisions.accepted(b"<not xml w:del") == b"<not xml w:del"  # not Word's namespace


def test_broken_xml_is_left_to_libreoffice_and_a_huge_part_is_refused(monkeypatch):
    broken = doc(dele("1"))[:-20]
    assert revisions.accepted(broken) == broken
    monkeypatch.setattr(revisions, "PART_CAP", 100)
    with pytest.raises(LimitExceeded):
        revisions.accepted(doc(dele("1") + run("2" * 200)), "word/document.xml")


def test_entities_are_not_expanded():
    bomb = (f'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f'<w:document xmlns:w="{W}"><w:body><w:p>{dele("1")}<w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>').encode()
    out = revisions.accepted(bomb)
    assert b"aaaaaaaaaa" * 8 not in out


# --- DOC (WPS), RTF and ODT with tracked changes: through DOCX, accepted there ----------------

FORMATS = ("doc", "rtf", "odt")


@pytest.fixture(scope="module")
def tracked_files(tmp_path_factory):
    """One report as a DOCX with tracked changes (world round 5's docx-del-inside, figures
    replaced too), saved by LibreOffice as DOC, RTF and ODT (the revisions kept)."""
    from extract import office

    from .conftest import label
    from .test_inputs import soffice_convert
    from .world import captures5

    if office.soffice() is None:
        pytest.skip("LibreOffice not installed")
    tmp = tmp_path_factory.mktemp("tracked")
    report = "pingtan-2021"
    data, _ = captures5.RENDERINGS["docx-del-inside"](label(report), captures5.seeded("docx-del-inside", report, 0))
    (tmp / "report.docx").write_bytes(data)
    for fmt in FORMATS:
        soffice_convert(tmp / "report.docx", fmt, tmp)
    return report, {fmt: (tmp / f"report.{fmt}").read_bytes() for fmt in FORMATS}


@pytest.mark.parametrize("fmt", FORMATS)
def test_tracked_changes_in_doc_rtf_odt_are_accepted(tracked_files, fmt):
    from extract import extract_bytes, office

    from .conftest import label
    from .test_corpus import compare

    report, files = tracked_files
    assert office.holds_revisions(files[fmt], f".{fmt}")
    got = extract_bytes(files[fmt], f"{report}.{fmt}")
    exact, undetermined, wrong = compare(label(report), got, ("active", "applications", "review_litigation"))
    assert not wrong
    # LibreOffice's own DOCX → ODT save breaks the merged header cells of tables 3–4 (read
    # directly, that ODT gives 5 exact of 200): the ODT is held to never wrong only
    assert exact >= (0.95 if fmt != "odt" else 0.5) * (exact + undetermined)


def test_files_without_tracked_changes_take_one_conversion(tmp_path):
    from extract import office

    from .test_inputs import soffice_convert

    if office.soffice() is None:
        pytest.skip("LibreOffice not installed")
    clean = revisions.accepted(doc(dele("7") + run("12")))
    import zipfile
    with zipfile.ZipFile(tmp_path / "clean.docx", "w") as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                   '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                   '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" '
                   'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>')
        z.writestr("word/document.xml", clean)
    for fmt in FORMATS:
        soffice_convert(tmp_path / "clean.docx", fmt, tmp_path)
        assert not office.holds_revisions((tmp_path / f"clean.{fmt}").read_bytes(), f".{fmt}"), fmt
    assert not office.holds_revisions(b"not an OLE file at all", ".doc")
