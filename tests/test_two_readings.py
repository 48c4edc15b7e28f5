"""The two-readings rule (extract/readings.py) on table-3 rows: agreement stores, a row only
one reading gives is stored when R3 holds in it, two different values both satisfying R3
are undetermined with an error naming both, and OCR rows need an identity to vouch."""
from extract import formats
from extract.grid import Where
from extract.readings import merge
from extract.values import Cell

COLUMNS = formats.application_columns()


def row(*values, layout="text"):
    return {c: Cell(raw=str(v), value=v, where=Where(layout, line=1)) for c, v in zip(COLUMNS, values)}


GOOD = (3, 0, 0, 0, 0, 1, 4)  # R3: 3 + 1 = 4
OTHER = (2, 0, 0, 0, 0, 2, 4)  # also R3
BAD = (3, 0, 0, 0, 0, 1, 5)


def values(cells):
    return tuple(c.value for c in cells.values())


def test_agreement_is_stored():
    out, errors = merge("applications", {"granted": row(*BAD)}, {"granted": row(*BAD)}, "2021", "text")
    assert values(out["granted"]) == BAD and not errors  # printed as is: both readings say so
    assert out["granted"]["total"].reading == "grid+alignment"


def test_one_reading_needs_its_identity():
    out, errors = merge("applications", {}, {"granted": row(*GOOD)}, "2021", "text")
    assert values(out["granted"]) == GOOD and out["granted"]["total"].reading == "alignment"
    out, errors = merge("applications", {"granted": row(*BAD)}, {}, "2021", "text")
    assert values(out["granted"]) == (None,) * 7 and "identity does not hold" in errors[0]


def test_different_values_that_both_hold_are_undetermined():
    out, errors = merge("applications", {"granted": row(*GOOD)}, {"granted": row(*OTHER)}, "2021", "text")
    assert values(out["granted"]) == (None,) * 7
    assert "3/0/0/0/0/1/4" in errors[0] and "2/0/0/0/0/2/4" in errors[0] and "both satisfy" in errors[0]
    out, _ = merge("applications", {"granted": row(*BAD)}, {"granted": row(*GOOD)}, "2021", "text")
    assert values(out["granted"]) == GOOD  # the one whose identity holds


def test_ocr_rows_need_an_identity_to_vouch():
    out, errors = merge("applications", {"granted": row(*BAD)}, {"granted": row(*BAD)}, "2021", "ocr")
    assert values(out["granted"]) == (None,) * 7 and "OCR" in errors[0]
    out, _ = merge("applications", {"granted": row(*GOOD)}, {"granted": row(*GOOD)}, "2021", "ocr")
    assert values(out["granted"]) == GOOD
    active = {"licensing": Cell(raw="5", value=5)}
    out, errors = merge("active", active, dict(active), "2021", "ocr")
    assert out["licensing"].value is None and errors
