"""Round 4 of the world's captures (tests/world/captures4.py): tables drawn with CSS
`<div>`s, PDFs whose fonts lie about their glyphs (no /ToUnicode; digits permuted), a report
printed in two columns, and scans turned or skewed or posted as table images (OCR).
Never a wrong cell; ≥ 95% exact where the rendering is readable (the div tables, two
columns); the coverage of each rendering is in the assertion message and in FINDINGS.md.

WORLD_CASES=all: every report × 2 seeds and the OCR scans; the default a fixed sample."""
from __future__ import annotations

import os

import pytest

from extract import extract_bytes

from .conftest import FILES, label
from .test_corpus import compare
from .world import captures4 as c4
from .world.captures import print_pdf
from .world.captures3 import chromium_bytes
from .world.known import params
from .world.server import sample

SECTIONS = ("active", "applications", "review_litigation")
REPORTS = sorted(p.stem for p in (FILES / "labels").iterdir() if label(p.stem)["format"] in ("2021", "2019"))
ALL = os.environ.get("WORLD_CASES") == "all"
SEEDS = range(2) if ALL else range(1)
MIN_EXACT = 0.95
PRINTED_REPORTS = REPORTS if ALL else sample(REPORTS, 2, seed=9)
SCAN_REPORTS = ["nanhu-2023"] if ALL else []


def _bytes(name: str, report: str, seed: int, tmp) -> tuple[bytes, str]:
    lab, rnd = label(report), c4.seeded(name, report, seed)
    if name in c4.RENDERINGS:
        return c4.RENDERINGS[name](lab, rnd)
    if name in c4.PRINTED:
        source, how = c4.PRINTED[name]
        data = print_pdf(source(lab), tmp, f"{report}-{name}-{seed}")
        return (c4.pdf_fonts(data, how, rnd) if how else data), "pdf"
    if name == "html-table-images":
        shots = [chromium_bytes(p, "png", tmp, f"{report}-t{k}") for k, p in enumerate(c4.table_pages(lab))]
        return c4.with_table_images(lab, shots), "html"
    png = chromium_bytes(to_page(lab), "png", tmp, f"{report}-{name}")
    return c4.image_pdf(png, name.split("-")[1], rnd), "pdf"


def to_page(lab):
    from .layouts import to_html

    return to_html(lab)


def _check(name: str, reports, seeds, tmp) -> None:
    total = exact_total = vouchable = vouched = 0
    problems, per = [], []
    for report in reports:
        for seed in seeds:
            data, suffix = _bytes(name, report, seed, tmp)
            got = extract_bytes(data, f"{report}.{suffix}")
            exact, undetermined, wrong = compare(label(report), got, SECTIONS)
            v_exact, v_undetermined, v_wrong = compare(label(report), got, c4.VOUCHED_ONLY.get(name, SECTIONS))
            vouchable += v_exact + v_undetermined + len(v_wrong)
            vouched += v_exact
            if wrong:
                problems.append(f"{report}/{seed}: {len(wrong)} wrong, e.g. {wrong[:3]}")
            if got["report_year"] not in (None, label(report)["report_year"]):
                problems.append(f"{report}/{seed}: year {got['report_year']} (label {label(report)['report_year']})")
            n = exact + undetermined + len(wrong)
            per.append(f"{report} {exact}/{n}")
            total += n
            exact_total += exact
    share = vouched / max(vouchable, 1)
    cover = (f"{name}: {exact_total}/{total} exact ({exact_total / max(total, 1):.1%}"
             + (f"; {share:.1%} of the {vouchable} cells an identity vouches for" if name in c4.VOUCHED_ONLY else "")
             + f") [{', '.join(per)}]")
    print(cover)
    assert not problems, cover + " — " + "; ".join(problems)
    assert name in c4.NO_EXACT_BOUND or share >= MIN_EXACT, cover


@pytest.mark.parametrize("name", params("capture4", list(c4.RENDERINGS)))
def test_css_tables_never_wrong_and_95_exact(name, tmp_path):
    _check(name, REPORTS, SEEDS, tmp_path)


@pytest.mark.parametrize("name", params("capture4", list(c4.PRINTED)))
def test_lying_pdf_never_wrong(name, tmp_path):
    _check(name, PRINTED_REPORTS, range(1), tmp_path)


@pytest.mark.parametrize("name", params("capture4", c4.SCANS if ALL else []))
def test_scan_never_wrong(name, tmp_path):
    _check(name, SCAN_REPORTS, range(1), tmp_path)
