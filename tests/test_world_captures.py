"""The world's captures (tests/world/captures.py): every labelled report rendered in ways that
destroy structure, read back through extract_bytes, compared with its label cell by cell:
0 wrong cells and ≥ 95% exact per rendering, the year and format right.

WORLD_CASES=all runs every seeded variant; the default runs seed 0 of each rendering and the
two Chromium-printed PDFs of a fixed report sample."""
from __future__ import annotations

import os
import random

import pytest

from extract import extract_bytes

from .conftest import FILES, label
from .test_corpus import compare
from .world.captures import NO_EXACT_BOUND, PRINTED, RENDERINGS, SEEDS_PER_RENDERING, print_pdf, second_organ
from .world.known import params
from .world.server import sample

SECTIONS = ("active", "applications", "review_litigation")
REPORTS = sorted(p.stem for p in (FILES / "labels").iterdir() if label(p.stem)["format"] in ("2021", "2019"))
SEEDS = range(SEEDS_PER_RENDERING) if os.environ.get("WORLD_CASES") == "all" else range(1)
MIN_EXACT = 0.95


def render(name: str, report: str, seed: int):
    lab = label(report)
    rnd = random.Random(f"{name}/{report}/{seed}")
    if name == "second-organ":
        other = next(r for r in REPORTS if label(r)["format"] == lab["format"] and r != report) if any(
            label(r)["format"] == lab["format"] and r != report for r in REPORTS) else report
        return second_organ(lab, rnd, label(other))
    return RENDERINGS[name](lab, rnd)


def score(report: str, got) -> tuple:
    expected = label(report)
    exact, undetermined, wrong = compare(expected, got, SECTIONS)
    return exact, undetermined, wrong


CASES = [(name, seed) for name in RENDERINGS for seed in SEEDS]


@pytest.mark.parametrize("case", params("capture", CASES, [f"{n}-{s}" for n, s in CASES]))
def test_rendering_never_wrong_and_95_exact(case):
    name, seed = case
    total = exact_total = 0
    problems = []
    for report in REPORTS:
        data, suffix = render(name, report, seed)
        got = extract_bytes(data, f"{report}.{suffix}")
        exact, undetermined, wrong = score(report, got)
        if wrong:
            problems.append(f"{report}: {len(wrong)} wrong, e.g. {wrong[:2]}")
        if got["report_year"] != label(report)["report_year"] or got["format"] != label(report)["format"]:
            problems.append(f"{report}: year/format {got['report_year']}/{got['format']}")
        total += exact + undetermined + len(wrong)
        exact_total += exact
    share = exact_total / total
    assert not problems, f"{name} seed {seed}: " + "; ".join(problems)
    assert name in NO_EXACT_BOUND or share >= MIN_EXACT, f"{name} seed {seed}: {exact_total}/{total} exact ({share:.1%})"


PRINT_REPORTS = REPORTS if os.environ.get("WORLD_CASES") == "all" else sample(REPORTS, 2, seed=3)


@pytest.mark.parametrize("name", params("capture", list(PRINTED)))
def test_chromium_printed_pdf(tmp_path, name):
    total = exact_total = 0
    problems = []
    for report in PRINT_REPORTS:
        data = print_pdf(PRINTED[name](label(report)), tmp_path, f"{report}-{name}")
        got = extract_bytes(data, f"{report}.pdf")
        exact, undetermined, wrong = score(report, got)
        if wrong:
            problems.append(f"{report}: {len(wrong)} wrong, e.g. {wrong[:2]}")
        total += exact + undetermined + len(wrong)
        exact_total += exact
    assert not problems, f"{name}: " + "; ".join(problems)
    assert exact_total / total >= MIN_EXACT, f"{name}: {exact_total}/{total} exact"
