"""Property: the glued decoder never returns a value that differs from the truth.

Hypothesis generates random reports whose tables satisfy the identities (as real, correct
reports do) — counts, blanks, negative 本年增/减 changes, decimal fees and amounts — renders
them as a glued text capture (tests/layouts.py), and reads them back. Every cell must be
the generated value or undetermined (null); a reading is only ever kept when it is the one
the identities admit.
"""
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extract import extract_bytes, formats

from .layouts import to_glued
from .test_corpus import compare

SECTIONS = ("active", "applications", "review_litigation")
count = st.one_of(st.just(0), st.just(0), st.integers(1, 9), st.integers(10, 150))


@st.composite
def reports(draw):
    fmt = draw(st.sampled_from(["2021", "2019"]))
    columns = formats.application_columns()
    applicants = columns[:-1]
    rows = [r for r in formats.application_rows(fmt) if not (fmt == "2021" and r.get("replaces"))]
    results = [r["key"] for r in rows if r.get("result")]

    def row_of(values):
        return dict(zip(applicants, values), total=sum(values))

    apps = {key: row_of([draw(count) for _ in applicants]) for key in results}
    total = {c: sum(apps[k][c] for k in results) for c in columns}
    apps["total_handled"] = dict(total)
    forward = row_of([draw(count) for _ in applicants])
    over = row_of([draw(st.integers(0, total[c] + forward[c])) for c in applicants])
    apps["carried_forward"], apps["carried_over"] = forward, over
    apps["new_received"] = {c: total[c] + forward[c] - over[c] for c in columns}
    # Some zero cells printed blank (not reported): stored as null, never 0.
    for key in draw(st.lists(st.sampled_from(results), max_size=3)):
        apps[key] = {c: (None if v == 0 and c != "total" else v) for c, v in apps[key].items()}
    review = {}
    for block in formats.review_blocks():
        parts = [draw(count) for _ in range(4)]
        review[block] = dict(zip(["upheld", "corrected", "other", "pending"], parts), total=sum(parts))
    active = {}
    for row in formats.active_rows(fmt):
        for key in row["keys"]:
            if key.endswith("_change"):
                active[key] = draw(st.integers(-60, 60))
            elif key in ("fees_10k_yuan", "procurement_amount"):
                active[key] = draw(st.one_of(st.integers(0, 5000),
                                             st.decimals(0, 99999, places=2).map(float)))
            else:
                active[key] = draw(count)
    if fmt == "2019":
        active["procurement_amount_unit"] = draw(st.sampled_from(["元", "万元"]))
    return {"format": fmt, "agency": "某县人民政府", "report_year": int(fmt) + 2,
            "active": active, "applications": apps, "review_litigation": review}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_glued_decoder_is_never_wrong(report):
    got = extract_bytes(to_glued(report).encode("utf-8"), "generated.txt")
    assert got["layout"] == "glued"
    exact, undetermined, wrong = compare(report, got, SECTIONS)
    assert not wrong, wrong
    assert exact > 0


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 5000), st.integers(-500, 500))
def test_negative_change_glued_after_its_count(prev, change):
    """2019 table 2: 上一年项目数量 and 本年增/减 glued ('48-12'): read only when one split exists."""
    from extract import glued

    run = f"{prev}{change}"
    found = glued.readings(run, ["count", "signed"])
    assert (str(prev), str(change)) in found  # the truth is always among the readings
    if len(found) == 1:
        assert found[0] == (str(prev), str(change))
