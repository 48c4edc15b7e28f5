"""Property: in the renderings that destroy structure — the whole report on one line, rows
broken at random, OCR-like noise (0/O, 1/l, similar characters, a dropped or doubled
character, table 3's header row moved, a label lost), OCR Markdown with generic headers —
the two readings (grid and alignment) never store a value that differs from the truth.

Hypothesis generates random consistent reports (tests/test_glued_property.py), renders them
in a noisy layout with a random seed and reads them back: every cell is the generated value
or undetermined (null).
"""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import extract_bytes

from .layouts import to_broken_rows, to_ocr_markdown, to_ocr_noise, to_one_line
from .test_corpus import compare
from .test_glued_property import SECTIONS, reports

NOISY = {"one-line": lambda r, seed: to_one_line(r), "broken-rows": to_broken_rows,
         "ocr-noise": to_ocr_noise, "ocr-markdown": to_ocr_markdown}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports(), st.sampled_from(sorted(NOISY)), st.integers(0, 10_000))
def test_noisy_layouts_are_never_wrong(report, layout, seed):
    text = NOISY[layout](report, seed)
    suffix = ".md" if layout == "ocr-markdown" else ".txt"
    got = extract_bytes(text.encode("utf-8"), f"generated{suffix}")
    exact, undetermined, wrong = compare(report, got, SECTIONS)
    assert not wrong, (layout, seed, wrong)
    assert exact > 0
