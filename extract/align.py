"""The alignment reader: any text of a report, aligned to the national format.

Whatever the capture (HTML cells, PDF words, OCR lines, Markdown, plain text, one line or
many), a table section becomes one stream of (label text, run of numbers) pairs: each run of
number-like characters with the text printed before it. The format's row labels
(report_format.yml, in printed order) are aligned to the pairs by dynamic programming — a
monotone assignment maximising fuzzy label similarity, rows and pairs may be skipped — so a
header printed in the wrong place is skipped and a misprinted label still lands where its
row must stand. A row left out (its label damaged beyond recognition, or lost) takes the one
pair between its aligned neighbours. A row's run is cut into cells as printed (white space
between exactly as many groups as cells) or by the glued decoder under the row's identity.
It depends on no line break, table markup or header row.

The result is the cells of each section by canonical key, with where each was printed; the
two-readings rule (readings.py) decides with the grid reading which cells are stored.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from . import columns as columns_rule, formats, glued, identities, labels
from .grid import Text, Where
from .values import fold, parse_cell

MIN_SIMILARITY = 0.6  # a label at least this similar to a row's printed label may be that row
MAX_RUN = 64  # digits in one row's run (seven counts of up to nine digits); beyond it, no cut is tried
MAX_PAIRS = 400  # pairs aligned in one section (the DP is rows x pairs; beyond this it is no table)
# OCR reads 0 as O/o/D, 1 as l/I: such a letter after a digit or a space, and not part of a
# word (no Latin letter after it: '1O', 'O元', ' l.'), is the digit.
_OCR_DIGIT = str.maketrans({"O": "0", "o": "0", "D": "0", "Q": "0", "l": "1", "I": "1"})
_CONFUSED = re.compile(r"(?:(?<=[\d\s])|^)[OoDQlI]+(?![A-Za-z])")


def clean_digits(text: str) -> str:
    """OCR letter-for-digit confusions beside digits read as the digits."""
    return _CONFUSED.sub(lambda m: m.group(0).translate(_OCR_DIGIT), text)


def pairs(text: str, offset: int = 0) -> list[tuple[str, str, int, int]]:
    """(label, run, label offset, run offset) for each run of numbers in a section's text."""
    out, label, label_at = [], "", offset
    for kind, tok, at in glued.tokens(text, offset):
        if kind == "label":
            label, label_at = label + tok, label_at if label else at
            continue
        out.append((label, tok, label_at, at))
        label = ""
    return out[:MAX_PAIRS]


@lru_cache(maxsize=8192)
def similarity(printed: str, label: str) -> float:
    """How well the end of `label` (normalised) reads as `printed`: the best normalised
    Levenshtein similarity over suffixes a few characters shorter or longer. Labels under
    4 characters must match exactly."""
    norm = labels.normalise(label)
    if not norm or not printed:
        return 0.0
    if len(printed) < labels.MIN_LENGTH:
        return 1.0 if norm.endswith(printed) else 0.0
    best = 0.0
    for n in range(max(1, len(printed) - 3), len(printed) + 4):
        best = max(best, Levenshtein.normalized_similarity(printed, norm[-n:]))
    return best


def score(row: dict, label: str) -> float:
    """A row's score for a label: 1 when the row's pattern (report_format.yml) is in the
    label's last characters, else the best similarity to its printed labels."""
    tail = fold(label)[-TAIL:]
    pattern = row.get("label_re")
    if pattern is not None and pattern.pattern not in ("^$",) and pattern.search(tail):
        return 1.0
    printed = (row.get("printed"), row.get("zh")) if row.get("printed") else (re.sub(r"\(.*?\)\?", "", row["label"]),)
    return max((similarity(labels.normalise(p), label) for p in printed if p), default=0.0)


TAIL = 30  # characters of a label searched for a row's pattern (the text nearest the numbers)


def align(rows: list[dict], found: list[tuple], is_row=None) -> dict[int, int]:
    """{row index: pair index}: the monotone assignment of rows to pairs with the greatest
    total score (each at least MIN_SIMILARITY), then each row left out placed in the one
    pair between its aligned neighbours. `is_row(i, pair)` may refuse a pair for a row."""
    n, m = len(rows), len(found)
    gain = [[0.0] * m for _ in range(n)]
    for i in range(n):
        for j in range(m):
            if not found[j][0].strip():
                continue
            s = score(rows[i], found[j][0])
            if s >= MIN_SIMILARITY and (is_row is None or is_row(i, found[j])):
                gain[i][j] = s
    # best[i][j]: best total using rows < i and pairs < j
    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        row, above, g = best[i], best[i - 1], gain[i - 1]
        for j in range(1, m + 1):
            take = above[j - 1] + g[j - 1] if g[j - 1] else -1.0
            row[j] = max(above[j], row[j - 1], take)
    out: dict[int, int] = {}
    i, j = n, m
    while i and j:
        if gain[i - 1][j - 1] and best[i][j] == best[i - 1][j - 1] + gain[i - 1][j - 1]:
            out[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif best[i][j] == best[i - 1][j]:
            i -= 1
        else:
            j -= 1
    # a row left out between two aligned rows with exactly one pair between them takes it
    for r in range(n):
        if r in out:
            continue
        before = max((k for k in out if k < r), default=None)
        after = min((k for k in out if k > r), default=None)
        lo = out[before] if before is not None else None
        hi = out[after] if after is not None else None
        if lo is not None and hi is not None and hi - lo == 2 and after - before == 2 \
                and any(c.isdigit() for c in found[lo + 1][1]) and (is_row is None or is_row(r, found[lo + 1])):
            out[r] = lo + 1
        elif lo is not None and after is None and r == n - 1 and lo == m - 2 and before == r - 1 \
                and any(c.isdigit() for c in found[m - 1][1]):
            out[r] = m - 1  # the last row, its label lost, after its aligned neighbour
    return out


def cut(run: str, kinds: list[str], accept=None, spaces: bool = True) -> list[tuple]:
    """The readings of a run: its space-separated groups when there are exactly as many as
    cells (`spaces` False when the capture glues cells, so a space may sit inside a
    number), else every glued cut `accept` admits. Where spaces part cells and no identity
    vouches (table 2), a run with fewer groups than cells has lost a cell: no reading."""
    groups = run.split()
    if len(groups) > len(kinds) or len(run.replace(" ", "")) > MAX_RUN:
        return []  # gluing only removes separators: more groups than cells is no row
    if spaces and len(groups) == len(kinds) and all(glued.KINDS[k].fullmatch(g) for k, g in zip(kinds, groups)):
        return [tuple(groups)]  # cut as printed: the identity only chooses among glued cuts
    if spaces and accept is None:
        return []  # fewer groups than cells where spaces part cells: a cell is lost, and no identity says which
    try:
        return glued.readings(run, kinds, accept, limit=2)
    except glued.TooManyCuts:
        return []  # bounded: too many cuts to try, no reading


def _split_lost(found: list[tuple], width: int) -> list[tuple]:
    """A run of exactly k x width space-separated groups holds k rows: the label of the
    second (and later) was lost; each becomes a pair of its own with no label."""
    out = []
    for label, run, label_at, run_at in found:
        groups = run.split()
        if len(groups) > width and len(groups) % width == 0:
            for k in range(0, len(groups), width):
                out.append((label if k == 0 else "", " ".join(groups[k:k + width]), label_at, run_at))
        else:
            out.append((label, run, label_at, run_at))
    return out


def _where(layout: str, one: glued.Text1, at: int, run: str) -> Where:
    return Where(layout, line=one.line_of(at), printed=run)


def _cells(keys: list[str], values, where: Where, how: str, row: dict | None = None) -> dict:
    out = {}
    for key, raw in zip(keys, values):
        row = row or {}
        cell = parse_cell(Text(raw, where), unit=row.get("unit"), decimal=row.get("decimal", False),
                          keep_unit=row.get("keep_unit", False))
        cell.match = how
        out[key] = cell
    return out


def _how(row_label: str, label: str) -> str:
    printed = re.sub(r"\s+", " ", label).strip()[-40:]
    return f"aligned: '{printed}' ~ '{row_label}'"


def read_applications(one: glued.Text1, offset: int, text: str, fmt: str, layout: str, spaces: bool = True):
    """({row key: {column: Cell}}, errors) of table 3 aligned: each row's run cut where R3 holds."""
    rows = [r for r in formats.application_rows(fmt) if r["key"] != "other_total" or fmt == "2019"]
    columns = formats.application_columns()
    found = _split_lost(pairs(text, offset), len(columns))
    placed = align(rows, found)
    if not placed:
        return {}, []
    order, why = _column_order(rows, found, placed, spaces)
    if order is None:
        return {}, [("applications", f"table 3 aligned: the column order is not proven ({why}); undetermined")]
    lhs, rhs = identities.sides("R3", fmt)
    r3_holds = identities.over(lhs, rhs, columns)

    def r3(cand):
        return r3_holds(columns_rule.arrange([glued.number(t) for t in cand], order))

    cells, errors, candidates = {}, [], {}
    for i, j in sorted(placed.items()):
        candidates[i] = [tuple(columns_rule.arrange(list(c), order))
                         for c in cut(found[j][1], ["count"] * len(columns), r3, spaces)]
    chosen = {rows[i]["key"]: c[0] for i, c in candidates.items() if len(c) == 1}
    several = {rows[i]["key"]: c for i, c in candidates.items() if len(c) > 1}
    if several:  # R1 and R2 over every column settle rows with several readings, if only one combination holds
        chosen.update(glued._settle(dict(chosen), several, fmt, {}) or {})
    for i, j in sorted(placed.items()):
        key, (label, run, label_at, run_at) = rows[i]["key"], found[j]
        if key not in chosen:
            errors.append((f"applications.{key}", f"table 3 aligned row {key} ('{run}'): "
                          f"{'several readings' if candidates[i] else 'no reading'} where 总计 = the sum; undetermined"))
            continue
        cells[key] = _cells(columns, chosen[key], _where(layout, one, run_at, run),
                            _how(rows[i]["printed"], label) if label else "aligned: placed by its neighbours")
    return cells, errors


def _column_order(rows, found, placed, spaces: bool):
    """(printed position → column, why) from the headers printed before the first aligned
    row (columns.py), checked by R3 over the rows cut as printed."""
    first = min(placed.values())
    header = " ".join(p[0] for p in found[:first + 1])
    label = re.search(rows[min(placed)]["label_re"].pattern, fold(header)) if rows[min(placed)].get("label_re") else None
    printed = []
    for j in placed.values():
        groups = found[j][1].split()
        if spaces and len(groups) == len(formats.application_columns()) \
                and all(glued.KINDS["count"].fullmatch(g) for g in groups):
            printed.append([glued.number(g) for g in groups])
    return columns_rule.settle(fold(header)[:label.start()] if label else header, printed)


def read_review(one: glued.Text1, offset: int, text: str, layout: str, spaces: bool = True):
    """({block: {outcome: Cell}}, errors) of table 4: every run of the section together, cut
    where each block's 总计 is its sum."""
    blocks, outcomes = formats.review_blocks(), formats.review_outcomes()
    found = [p for p in pairs(text, offset) if any(c.isdigit() or c in "—/" for c in p[1])]
    if not found:
        return {}, [("review_litigation", "table 4 aligned: no numbers found")]
    run = " ".join(p[1] for p in found)
    lhs, rhs = identities.sides("R4", "2021")
    r4_holds = identities.over(lhs, rhs, outcomes)

    def r4(block):
        return r4_holds([glued.number(t) for t in block])

    width = len(blocks) * len(outcomes)
    groups = run.split()
    if len(groups) == width and all(glued.KINDS["count"].fullmatch(g) for g in groups) \
            and (spaces or all(r4(tuple(groups[k:k + len(outcomes)])) for k in range(0, width, len(outcomes)))):
        readings = [tuple(groups)]
    elif len(groups) > width or len(run.replace(" ", "")) > 2 * MAX_RUN:
        readings = []
    else:
        try:
            readings = glued.grouped_readings(run.replace(" ", ""), [["count"] * len(outcomes)] * len(blocks), r4,
                                              limit=2)
        except glued.TooManyCuts:
            readings = []
    if len(readings) != 1:
        return {}, [("review_litigation", f"table 4 aligned '{run[:80]}': {len(readings)} readings where "
                                          "each block's 总计 is its sum; undetermined")]
    where = _where(layout, one, found[0][3], run)
    return {block: _cells(outcomes, readings[0][b * len(outcomes):(b + 1) * len(outcomes)], where,
                          "aligned: table 4 in printed order")
            for b, block in enumerate(blocks)}, []


def read_active(one: glued.Text1, offset: int, text: str, fmt: str, layout: str, spaces: bool = True):
    """({key: Cell}, errors) of table 2: a row's run read only when it has one possible cut
    (table 2 has no identity); its labels are short, so they must end the text before the run."""
    spec_rows = formats.active_rows(fmt)
    found = pairs(text, offset)

    def is_row(i, pair):
        return bool(re.search(f"(?:{spec_rows[i]['label']})$", labels.normalise(pair[0])))

    placed = align(spec_rows, found, is_row)
    cells, errors = {}, []
    for i, j in sorted(placed.items()):
        row = spec_rows[i]
        label, run, label_at, run_at = found[j]
        after = found[j + 1][0].strip() if j + 1 < len(found) else text[run_at - offset + len(run):][:3].strip()
        unit = next((u for u in ("万元", "元") if after.startswith(u)), None)
        rest = text[run_at - offset + len(run):]
        if re.match(r"\s*\d?\s*[.,]\s*\d", rest):  # the number goes on past a break ('10.' / '01'): no cut
            errors.append((f"active.{row['keys'][0]}", f"table 2 aligned row {row['label']} ('{run}{rest[:6]}'): "
                           "a number broken by the capture; undetermined"))
            continue
        got = cut(run, glued.column_kinds(row["keys"], row), spaces=spaces)
        if len(got) != 1:
            errors.append((f"active.{row['keys'][0]}", f"table 2 aligned row {row['label']} ('{run}'): "
                           f"{'several readings' if got else 'no reading'}; undetermined"))
            continue
        values = list(got[0])
        if unit:
            values[-1] += unit
        cells.update(_cells(row["keys"], values, _where(layout, one, run_at, run), _how(row["label"], label), row))
    return cells, errors


def read(text: str, fmt: str, layout: str = "text") -> tuple[dict, list[str]]:
    """{section: cells} of the tables of any text of a report, aligned to the format, and the
    errors met as (section or section.row, message): rows whose runs the identities do not
    settle (the caller keeps those whose cells end undetermined)."""
    text = formats.spec()["layout"]["generic_header_re"].sub(" ", text.replace("|", " "))  # borders, 列1 …
    one = glued.Text1(clean_digits(text))
    parts = glued.sections(one)
    grids, errors = {}, []
    spaces = not glued.is_glued(one.text)  # in a capture that glues cells, a space proves nothing
    if "active" in parts:
        grids["active"], e = read_active(one, *parts["active"], fmt, layout, spaces)
        errors += e
    if "applications" in parts:
        grids["applications"], e = read_applications(one, *parts["applications"], fmt, layout, spaces)
        errors += e
    if "review_litigation" in parts:
        grids["review_litigation"], e = read_review(one, *parts["review_litigation"], layout, spaces)
        errors += e
    return grids, errors
