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


def examples(n: int) -> int:
    """A test's examples in the suite, or the profile's when it asks for more (`make fuzz`)."""
    return max(n, settings.default.max_examples)
count = st.one_of(st.just(0), st.just(0), st.integers(1, 9), st.integers(10, 150))


def _assemble(fmt: str, results: dict, forward: list, over: list, review: dict, active: dict,
              blank: list = (), bare: list = ()) -> dict:
    """A consistent report from its free cells: the result rows' applicant cells, 上年结转 and
    结转下年度 (their totals, 办结总计 and 本年新收 follow by R1–R3), table 4's outcomes (总计
    follows by R4) and table 2. Result rows in `blank` print their zero cells blank, those in
    `bare` (all zero) print nothing at all, 总计 included."""
    columns = formats.application_columns()
    applicants = columns[:-1]

    def row_of(values):
        return dict(zip(applicants, values), total=sum(values))

    apps = {key: row_of(values) for key, values in results.items()}
    total = {c: sum(apps[k][c] for k in results) for c in columns}
    apps["total_handled"] = dict(total)
    apps["carried_forward"], apps["carried_over"] = row_of(forward), row_of(over)
    apps["new_received"] = {c: total[c] + apps["carried_forward"][c] - apps["carried_over"][c] for c in columns}
    for key in blank:  # zero cells printed blank (not reported): stored as null, never 0
        apps[key] = {c: (None if v == 0 and c != "total" else v) for c, v in apps[key].items()}
    for key in bare:
        apps[key] = dict.fromkeys(columns)
    review = {block: dict(zip(["upheld", "corrected", "other", "pending"], parts), total=sum(parts))
              for block, parts in review.items()}
    if fmt == "2019":
        active.setdefault("procurement_amount_unit", "元")
    return {"format": fmt, "agency": "某县人民政府", "report_year": int(fmt) + 2,
            "active": active, "applications": apps, "review_litigation": review}


def _result_keys(fmt: str) -> list[str]:
    rows = [r for r in formats.application_rows(fmt) if not (fmt == "2021" and r.get("replaces"))]
    return [r["key"] for r in rows if r.get("result")]


def _active_keys(fmt: str) -> list[str]:
    return [key for row in formats.active_rows(fmt) for key in row["keys"]]


@st.composite
def reports(draw):
    fmt = draw(st.sampled_from(["2021", "2019"]))
    width = len(formats.application_columns()) - 1
    results = {key: [draw(count) for _ in range(width)] for key in _result_keys(fmt)}
    total = [sum(v[c] for v in results.values()) for c in range(width)]
    forward = [draw(count) for _ in range(width)]
    over = [draw(st.integers(0, total[c] + forward[c])) for c in range(width)]
    blank = draw(st.lists(st.sampled_from(_result_keys(fmt)), max_size=3))
    review = {block: [draw(count) for _ in range(4)] for block in formats.review_blocks()}
    active = {}
    for key in _active_keys(fmt):
        if key.endswith("_change"):
            active[key] = draw(st.integers(-60, 60))
        elif key in ("fees_10k_yuan", "procurement_amount"):
            active[key] = draw(st.one_of(st.integers(0, 5000), st.decimals(0, 99999, places=2).map(float)))
        else:
            active[key] = draw(count)
    if fmt == "2019":
        active["procurement_amount_unit"] = draw(st.sampled_from(["元", "万元"]))
    return _assemble(fmt, results, forward, over, review, active, blank)


def zero_report(fmt: str, **active) -> dict:
    """An all-zero report of this format, with the table-2 cells given (a found example)."""
    width = len(formats.application_columns()) - 1
    zeros = {k: 0 for k in _active_keys(fmt)}
    return _assemble(fmt, {k: [0] * width for k in _result_keys(fmt)}, [0] * width, [0] * width,
                     {b: [0] * 4 for b in formats.review_blocks()}, {**zeros, **active})


SHAPES = ("zeros", "equal", "copies", "single", "large", "blank-rows")


@st.composite
def degenerate_reports(draw, shape=None):
    """Reports whose identities hold trivially or in many ways, where only the printed order
    tells cells apart: all zeros; every cell equal; rows that are copies of each other; a
    single non-zero cell; very large numbers; result rows printed blank."""
    shape = shape or draw(st.sampled_from(SHAPES))
    fmt = draw(st.sampled_from(["2021", "2019"]))
    width, keys = len(formats.application_columns()) - 1, _result_keys(fmt)
    blocks = formats.review_blocks()
    zero = [0] * width
    active = {k: 0 for k in _active_keys(fmt)}
    results, forward, over = {k: list(zero) for k in keys}, list(zero), list(zero)
    review = {b: [0] * 4 for b in blocks}
    blank = []
    if shape == "equal":
        v = draw(st.integers(1, 150))
        results, forward, over = {k: [v] * width for k in keys}, [v] * width, [v] * width
        review = {b: [v] * 4 for b in blocks}
        active = {k: v for k in active}
    elif shape == "copies":
        row = [draw(count) for _ in range(width)]
        results, forward, over = {k: list(row) for k in keys}, list(row), list(row)
        review = dict.fromkeys(blocks, [draw(count) for _ in range(4)])
        one = [draw(count) for _ in range(4)]
        for row_spec in formats.active_rows(fmt):
            active.update(zip(row_spec["keys"], one))
    elif shape == "single":
        where = draw(st.sampled_from(["results", "forward", "review", "active"]))
        v = draw(st.integers(1, 150))
        if where == "results":
            results[draw(st.sampled_from(keys))][draw(st.integers(0, width - 1))] = v
        elif where == "forward":
            forward[draw(st.integers(0, width - 1))] = v
        elif where == "review":
            review[draw(st.sampled_from(blocks))][draw(st.integers(0, 3))] = v
        else:
            active[draw(st.sampled_from(sorted(active)))] = v
    elif shape == "large":
        big = st.integers(10**5, 10**8)
        results = {k: [draw(st.one_of(big, st.just(0))) for _ in range(width)] for k in keys}
        total = [sum(v[c] for v in results.values()) for c in range(width)]
        forward = [draw(big) for _ in range(width)]
        over = [draw(st.integers(0, total[c] + forward[c])) for c in range(width)]
        review = {b: [draw(big) for _ in range(4)] for b in blocks}
        active = {k: draw(st.integers(-10**6, 10**6) if k.endswith("_change") else big) for k in active}
    elif shape == "blank-rows":
        blank = draw(st.lists(st.sampled_from(keys), min_size=1, max_size=len(keys), unique=True))
        for k in keys:
            results[k] = [0] * width if k in blank else [draw(count) for _ in range(width)]
        over = [draw(st.integers(0, sum(v[c] for v in results.values()))) for c in range(width)]
        bare = draw(st.lists(st.sampled_from(blank), max_size=len(blank), unique=True))
        return _assemble(fmt, results, forward, over, review, active, [k for k in blank if k not in bare], bare)
    return _assemble(fmt, results, forward, over, review, active, blank)


@settings(max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reports())
def test_glued_decoder_is_never_wrong(report):
    got = extract_bytes(to_glued(report).encode("utf-8"), "generated.txt")
    assert got["layout"] == "glued"
    exact, undetermined, wrong = compare(report, got, SECTIONS)
    assert not wrong, wrong
    assert exact > 0


@settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(degenerate_reports())
def test_glued_degenerate_reports_are_never_wrong(report):
    """All zeros, all equal, copied rows, one non-zero cell, very large numbers, blank rows."""
    got = extract_bytes(to_glued(report).encode("utf-8"), "generated.txt")
    exact, undetermined, wrong = compare(report, got, SECTIONS)
    assert not wrong, wrong


@settings(max_examples=examples(60), deadline=None)
@given(st.integers(0, 5000), st.integers(-500, 500))
def test_negative_change_glued_after_its_count(prev, change):
    """2019 table 2: 上一年项目数量 and 本年增/减 glued ('48-12'): read only when one split exists."""
    from extract import glued

    run = f"{prev}{change}"
    found = glued.readings(run, ["count", "signed"])
    assert (str(prev), str(change)) in found  # the truth is always among the readings
    if len(found) == 1:
        assert found[0] == (str(prev), str(change))


cell_text = st.one_of(st.just("0"), st.integers(1, 99).map(str), st.integers(100, 999_999).map(str),
                      st.integers(1000, 99_999).map(lambda n: f"{n:,}"), st.sampled_from(["—", "——", "/"]))


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(cell_text, min_size=2, max_size=6), st.integers(0, 2), st.booleans())
def test_summed_cuts_are_the_filtered_cuts(cells, damage, commas):
    """The pruned search (the last count the sum of the others: R3, R4) gives exactly the cuts
    the full enumeration gives once filtered by that identity, in the same order — consistent
    runs and runs whose 总计 was damaged alike."""
    from extract import glued

    total = sum(glued.number(c) or 0 for c in cells) + damage
    printed = f"{total:,}" if commas else str(total)
    digits = "".join(cells) + printed
    if len(digits) > 18:
        return  # the full enumeration of longer runs is what the pruning avoids

    def last_is_sum(cut):
        values = [glued.number(c) or 0 for c in cut]
        return sum(values[:-1]) == values[-1]
    n = len(cells) + 1
    full = [c for c in glued.splits(digits, ["count"] * n, [10**7]) if last_is_sum(c)]
    assert glued.summed_splits(digits, n, [10**7]) == full
    assert (tuple(cells) + (printed,) in full) == (not damage)


@settings(max_examples=examples(40), deadline=None)
@given(st.lists(st.integers(0, 999_999), min_size=6, max_size=6))
def test_a_long_row_of_large_numbers_is_read_or_left_undetermined(values):
    """A glued table-3 row of large numbers (up to 48 digits): the pruned search reads many
    that the full enumeration gave up on at MAX_STEPS; whatever it reads is the truth."""
    from extract import glued

    run = "".join(map(str, values)) + str(sum(values))

    def r3(cut):
        return sum(glued.number(c) for c in cut[:-1]) == glued.number(cut[-1])
    try:
        found = glued.readings(run, ["count"] * 7, r3, summed=True)
    except glued.TooManyCuts:
        return  # bounded: undetermined, with its error
    assert tuple(map(str, values)) + (str(sum(values)),) in found
