"""The labelled corpus: every cell of every real sample against its hand-verified label.
A cell is right when it equals the label, or is null with an error saying why (undetermined);
a wrong number fails the test. Prints per-file accuracy."""
import json
import subprocess
import sys

import pytest

from .conftest import FILES, ROOT, label

SAMPLES = sorted(p for p in (FILES / "samples").iterdir())


def cells(section, prefix=""):
    for key, value in (section or {}).items():
        if isinstance(value, dict):
            yield from cells(value, f"{prefix}{key}.")
        elif not key.endswith("_unit"):
            yield f"{prefix}{key}", value


@pytest.fixture(scope="module")
def extracted():
    proc = subprocess.run([sys.executable, "-m", "extract", *map(str, SAMPLES)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    return {p.stem: json.loads(line) for p, line in zip(SAMPLES, proc.stdout.splitlines())}


@pytest.mark.parametrize("sample", [p.stem for p in SAMPLES])
def test_cells_exact_or_undetermined(extracted, sample):
    expected, got = label(sample), extracted[sample]
    assert got["format"] == expected["format"] and got["report_year"] == expected["report_year"]
    assert got["agency"] == expected["agency"]
    exact = undetermined = 0
    wrong = []
    for section in ("active", "applications", "review_litigation", "headline"):
        got_cells = dict(cells(got.get(section)))
        for key, value in cells(expected.get(section)):
            value_got = got_cells.get(key)
            if value_got == value:
                exact += 1
            elif value_got is None:
                undetermined += 1
            else:
                wrong.append(f"{section}.{key}: label {value!r}, extracted {value_got!r}")
    total = exact + undetermined + len(wrong)
    print(f"\n{sample}: {exact}/{total} exact, {undetermined} undetermined, {len(wrong)} wrong")
    assert not wrong, "\n".join(wrong)
    if undetermined:
        assert got["errors"], "undetermined cells must come with an error saying why"
