"""Reports posted as one long picture (长图): the labelled reports' pages photographed whole by
Chromium at several widths, pixel scales and heights (white space below, as a phone's long
screenshot has), read back by OCR (extract/ocr.py: strip by strip at the image's own scale).

Never a wrong cell; at least 95% of the cells an identity can vouch for (tables 3 and 4: OCR
cells are stored only where R3/R4 hold, so table 2 stays undetermined) read exactly, in the
rows printed in full (a blank cell leaves no trace in a picture: `printed_in_full`).
OCR takes about a minute a page on a shared machine: one generated case by default,
`OCR_CASES=N` for cases 0 … N-1 (each drawn from its index: report, width, scale, height)."""
from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from extract import extract_bytes

from .conftest import FILES, label
from .layouts import to_html
from .test_corpus import compare

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium-headless-shell")
REPORTS = sorted(p.stem for p in (FILES / "labels").iterdir() if label(p.stem)["format"] in ("2021", "2019"))
VOUCHED = ("applications", "review_litigation")
# by default one case: #5, a 760 px wide 长图 of 3,561 px (five strips; about a minute)
CASES = range(int(os.environ["OCR_CASES"])) if os.environ.get("OCR_CASES") else [5]
MIN_EXACT = 0.95


def case(i: int) -> dict:
    """A 长图 drawn from its index: a labelled report, the page's CSS width, the pixel scale
    (device pixels per CSS pixel: the image is 750–2000 px wide, as phones and desktops post
    them) and the white space below the report."""
    rnd = random.Random(f"ocr-long/{i}")
    width = rnd.choice([640, 760, 1000, 1240])
    scale = rnd.choice([s for s in (1, 1.25, 1.5, 2) if 750 <= width * s <= 2000])
    return {"report": REPORTS[i % len(REPORTS)], "width": width, "scale": scale, "below": rnd.randint(0, 4000)}


def long_screenshot(html: str, width: int, scale: float, below: int) -> bytes:
    """The whole page as one PNG (Chromium, full-page screenshot), `below` CSS px of white
    space under the report."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launch = {"headless": True, "args": ["--no-sandbox", "--disable-gpu"]}
        if Path(CHROMIUM).exists():
            launch["executable_path"] = CHROMIUM
        browser = p.chromium.launch(**launch)
        try:
            page = browser.new_page(viewport={"width": width, "height": 800}, device_scale_factor=scale,
                                    java_script_enabled=False)
            page.set_content(html.replace("</body>", f'<div style="height:{below}px"></div></body>'))
            return page.screenshot(full_page=True, type="png")
        finally:
            browser.close()


def printed_in_full(expected: dict) -> dict:
    """The label's rows of tables 3 and 4 with every cell printed: a blank cell leaves nothing
    in a picture, and where it stood is not yet read from the figures' positions (such a row
    stays undetermined — shuyang-fgj-2023 prints its zeros blank: tests/world/FINDINGS.md)."""
    return {section: {key: row for key, row in expected[section].items()
                      if all(v is not None for v in row.values())} for section in VOUCHED}


# Generated cases known to miss the bound (0 wrong): tests/world/FINDINGS.md, round 3 status.
KNOWN = {4: "shuyang-fgj-2023 at 640 px x 1.5: table 4 loses one of its 15 lone zeros to the detector"}


@pytest.mark.parametrize("i", [pytest.param(i, marks=pytest.mark.xfail(reason=KNOWN[i], strict=False))
                               if i in KNOWN else i for i in CASES])
def test_a_long_screenshot_reads_by_ocr(i):
    c = case(i)
    expected = label(c["report"])
    data = long_screenshot(to_html(expected), c["width"], c["scale"], c["below"])
    got = extract_bytes(data, f"{c['report']}.png")
    exact, undetermined, wrong = compare(expected, got, ("active",) + VOUCHED)
    v_exact, v_undetermined, _ = compare(printed_in_full(expected), got, VOUCHED)
    share = v_exact / (v_exact + v_undetermined)
    print(f"{c}: {exact}/{exact + undetermined + len(wrong)} exact, {share:.1%} of tables 3-4")
    assert not wrong, (c, wrong)
    assert got.layout == "ocr" and got["report_year"] == expected["report_year"], c
    assert share >= MIN_EXACT, (c, f"{v_exact}/{v_exact + v_undetermined}", got["errors"])
