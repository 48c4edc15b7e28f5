"""Two readings, one answer: the grid reading (tables.py over the layout's cells) and the
alignment reading (align.py over the text) of tables 2–4 merged row by row.

- both give a row and agree: stored (reading `grid+alignment`);
- only one gives it: stored when the row's identity holds in that reading (R3 for a table-3
  row, R4 for a table-4 block; table 2 has none, so its row is stored unless the capture is
  OCR, whose cells need an identity to vouch for them);
- they differ: the one whose identity holds when the other's does not; when both hold (or
  neither does) the row is undetermined, with an error naming both readings.
Never a wrong cell: a number stays null rather than be guessed.
"""
from __future__ import annotations

from . import formats, identities
from .values import Cell

UNVOUCHED = ("ocr",)  # layouts whose cells are stored only where an identity holds


def _values(row: dict) -> dict:
    return {k: c.value for k, c in row.items()}


def _holds(section: str, row, fmt: str) -> bool:
    """The row's own identity holds in this reading. A blank cell adds nothing to the sum
    (as when the glued decoder chooses a reading); the value stored stays null, and the
    checks still treat it as missing."""
    if section == "applications":
        lhs, rhs = identities.sides("R3", fmt)
    elif section == "review_litigation":
        lhs, rhs = identities.sides("R4", fmt)
    else:
        return True
    values = {k: (0 if v is None else v) for k, v in _values(row).items()}
    return bool(identities.holds(lhs, rhs, values))


def _same(a, b) -> bool:
    if isinstance(a, dict):
        return set(a) == set(b) and all(a[k].value == b[k].value for k in a)
    return a.value == b.value


def _mark(row, reading: str):
    for cell in (row.values() if isinstance(row, dict) else [row]):
        cell.reading = reading
    return row


def _blank(row, why: str):
    if isinstance(row, dict):
        return {k: Cell(raw="", match=why, reading="undetermined") for k in row}
    return Cell(raw="", match=why, reading="undetermined")


def _show(row) -> str:
    if isinstance(row, dict):
        return "/".join("—" if c.value is None else f"{c.value:g}" for c in row.values())
    return "—" if row.value is None else f"{row.value:g}"


def merge(section: str, grid: dict, aligned: dict, fmt: str, layout: str) -> tuple[dict, list[str]]:
    """The cells of one section stored from the two readings, and the errors met."""
    out, errors = {}, []
    vouch = layout in UNVOUCHED
    keys = list(grid) + [k for k in aligned if k not in grid]
    for key in keys:
        g, a = grid.get(key), aligned.get(key)
        name = f"{section}.{key}"
        if g is not None and _present(g) and a is not None:
            if _same(g, a):
                if vouch and not _holds(section, g, fmt) or vouch and section == "active":
                    out[key] = _blank(g, "ocr: no identity vouches for this row")
                    errors.append(f"{name}: read by OCR and no identity vouches for it; left undetermined")
                else:
                    out[key] = _mark(g, "grid+alignment")
                continue
            g_ok, a_ok = _holds(section, g, fmt), _holds(section, a, fmt)
            if section != "active" and g_ok != a_ok:
                out[key] = _mark(g, "grid") if g_ok else _mark(a, "alignment")
                continue
            out[key] = _blank(g, "undetermined: the readings differ")
            errors.append(f"{name}: the grid reading gives {_show(g)} and the alignment reading {_show(a)}"
                          f" ({'both satisfy' if g_ok else 'neither satisfies'} the row's identity); undetermined")
            continue
        only, reading = (g, "grid") if g is not None and _present(g) else (a, "alignment")
        if only is None:
            out[key] = g  # the grid reading's blank placeholder (its error already says why)
            continue
        if (vouch or section != "active") and not _holds(section, only, fmt):
            out[key] = _blank(only, f"undetermined: only the {reading} reading gives it and its identity fails")
            errors.append(f"{name}: only the {reading} reading gives {_show(only)}, and the row's identity does not "
                          "hold; undetermined")
            continue
        if vouch and section == "active":
            out[key] = _blank(only, "ocr: no identity vouches for this row")
            errors.append(f"{name}: read by OCR and no identity vouches for it; left undetermined")
            continue
        out[key] = _mark(only, reading)
    return out, errors


def _present(row) -> bool:
    """The grid reading gave this row (not the blank placeholder of a row it could not read)."""
    cells = row.values() if isinstance(row, dict) else [row]
    return any(c.raw for c in cells)


SECTIONS = ("active", "applications", "review_litigation")


def merge_report(report, aligned: dict, fmt: str, layout: str) -> list[str]:
    """Merge the alignment reading's sections into a report holding the grid reading."""
    errors = []
    for section in SECTIONS:
        grid, other = getattr(report, section) or {}, aligned.get(section) or {}
        if not grid and not other:
            continue
        merged, problems = merge(section, grid, other, fmt, layout)
        setattr(report, section, merged)
        errors += problems
    if fmt == "2021":  # （六）其他处理 as one row stands for its sub-rows: those stay null
        apps = report.applications
        if "other_total" in apps and any(c.value is not None for c in apps["other_total"].values()):
            for k in ("other_no_correction", "other_no_fee", "other_other"):
                apps.setdefault(k, {c: Cell(raw="", match="not printed: other_total stands for it")
                                    for c in formats.application_columns()})
    return errors
