"""Text captures whose table cells are glued together with no separator ('640020470',
'48-12', '230 000023').

A run of digits after a row label holds the row's cells. Every way to cut it is enumerated —
signs where a column may be negative (本年增/减), decimals where it may be decimal, thousands
separators — and a reading is kept only when exactly one satisfies every identity the printed
values must satisfy (R1–R4 of report_format.yml, the same data checks.py uses): in table 3
R3 for each row, then R1 and R2 over every column for rows with several readings; in table 4
R4 for each block (where 总计 is printed last, only the cuts whose 总计 is the sum of the others
are searched: summed_splits; every search is capped at MAX_STEPS steps, recorded as an error).
Table 2 has no identity: only a run with a single possible cut is read.
White space in a run (a capture that separates some cells) narrows the readings that remain.
A row with no reading or several is left undetermined (null, with an error), never guessed.

The readings accepted become grids (grid.py), read into keys by the same table reader as
every other layout.
"""
from __future__ import annotations

import bisect
import itertools
import re
import unicodedata

from . import formats, identities
from .grid import Grid, Text, Where
from .tables import _application_key
from .values import fold

MAX_CANDIDATES = 20000
MAX_STEPS = 20_000  # cuts tried for one run: long runs of large numbers have millions of cuts


class TooManyCuts(Exception):
    """A run with more cuts than MAX_STEPS to try: its cells are left undetermined."""
# A run: digits, signs, decimal points, thousands commas, spaces, and the not-reported marks
# (— /) that stand for a blank cell.
_RUN = re.compile(r"(?:[-+]?\d|—|/)(?:[\d,]|\.(?=\d)|[ ]+(?=[-+]?\d|—|/)|[-+](?=\d)|—|/)*")
_COUNT = r"(?:0|[1-9]\d*|[1-9]\d{0,2}(?:,\d{3})+)"
NULL = r"(?:—{1,2}|/)"
KINDS = {
    "count": re.compile(rf"{_COUNT}|{NULL}"),
    "signed": re.compile(rf"(?![-+]0$)[-+]?{_COUNT}|{NULL}"),
    "decimal": re.compile(rf"{_COUNT}(?:\.\d+)?|{NULL}"),
}
_MINUS = str.maketrans({"\u2212": "-", "\ufe63": "-"})


def is_glued(text: str) -> bool:
    """A text capture where some row of table 3 or 4 runs its cells together: a run of
    digits with fewer space-separated groups than the row has cells ('640020470',
    '230 000023'). A rendering with one or several cells per line has none."""
    parts = sections(text)
    width3 = len(formats.application_columns())
    width4 = len(formats.review_blocks()) * len(formats.review_outcomes())
    for name, width in (("applications", width3), ("review_litigation", width4)):
        if name not in parts:
            continue
        runs = [t[1] for t in tokens(parts[name][1]) if t[0] == "run"]
        if name == "review_litigation":
            runs = [" ".join(runs)]
        if any(len(r.replace(" ", "")) >= width and len(r.split()) < width for r in runs):
            return True
    return False


class Text1:
    """The capture as one line (white space collapsed) with each character's source line."""

    def __init__(self, text: str):
        parts, starts, pos = [], [], 0
        for line in unicodedata.normalize("NFKC", text).translate(_MINUS).splitlines():
            line = re.sub(r"\s+", " ", line).strip()
            starts.append(pos)
            parts.append(line)
            pos += len(line) + 1
        self.text = " ".join(parts)
        self.starts = starts

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def sections(text: str) -> dict:
    """{section: (offset, text)} of tables 2, 3 and 4 (from each heading to the next)."""
    one = text if isinstance(text, Text1) else Text1(text)
    spec = formats.spec()["sections"]
    out = {}
    pos = {}
    for name in ("active", "applications", "review_litigation", "end"):
        start = max([p[1] for p in pos.values()] + [0])
        m = spec[name]["inline_re"].search(one.text, start)
        if m:
            pos[name] = (m.start(), m.end())
    order = sorted(pos.items(), key=lambda kv: kv[1][0])
    for (name, (_, end)), nxt in itertools.zip_longest(order, order[1:]):
        if name != "end":
            stop = nxt[1][0] if nxt else len(one.text)
            out[name] = (end, one.text[end:stop])
    return out


def tokens(text: str, offset: int = 0) -> list[tuple[str, str, int]]:
    """('label', text, offset) and ('run', digits, offset) in order; a sub-row number glued
    onto the run before it ('0000000' + '2.其他…') goes back to its label."""
    out: list[tuple[str, str, int]] = []
    pos = 0
    for m in _RUN.finditer(text):
        if m.start() > pos:
            out.append(("label", text[pos:m.start()], offset + pos))
        out.append(("run", m.group(0), offset + m.start()))
        pos = m.end()
    if pos < len(text):
        out.append(("label", text[pos:], offset + pos))
    fixed: list = []
    for kind, tok, at in out:
        if kind == "label" and fixed and fixed[-1][0] == "run" and tok.lstrip(" ")[:1] in ".、" and tok.strip():
            _, run, run_at = fixed.pop()
            head = run[:-1].rstrip()
            if head:
                fixed.append(("run", head, run_at))
            tok, at = run[-1] + tok, run_at + len(run) - 1
            if fixed and fixed[-1][0] == "label":  # '(三)不予公开' + '1' + '.属于…': one label run
                prev = fixed.pop()
                tok, at = prev[1] + tok, prev[2]
        fixed.append((kind, tok, at))
    return [t for t in fixed if t[0] == "run" or t[1].strip()]


def splits(digits: str, kinds: list[str], budget: list | None = None):
    """Every way to cut `digits` (no white space) into len(kinds) cells, each valid for its
    kind: 'count' (no leading zero; 1,234 allowed), 'signed', 'decimal'. `budget` ([steps
    left]) bounds the work: TooManyCuts when it runs out."""
    if not kinds:
        if not digits:
            yield ()
        return
    budget = budget if budget is not None else [MAX_STEPS]
    valid = KINDS[kinds[0]].fullmatch
    rest = len(kinds) - 1
    for i in range(1, len(digits) - rest + 1):
        budget[0] -= 1
        if budget[0] < 0:
            raise TooManyCuts(digits)
        head = digits[:i]
        if valid(head):
            for tail in splits(digits[i:], kinds[1:], budget):
                yield (head,) + tail


def summed_splits(digits: str, n: int, budget: list | None = None) -> list[tuple]:
    """The cuts of `digits` into n counts whose last is the sum of the others (R3's 总计 of a
    row, R4's 总计 of a block; a blank mark adds nothing), in the order `splits` gives them:
    the same cuts as `splits` filtered by that identity, found without trying the others —
    the 总计 is a suffix, a cell greater than what is left of it ends the search there (a
    longer cell is a greater number), and so does a rest too short to sum to what is left, or
    too long for cells no greater than it.
    `budget` bounds the work like `splits`'."""
    budget = budget if budget is not None else [MAX_STEPS]
    valid = KINDS["count"].fullmatch
    out: list[tuple] = []

    def parts(rest: str, k: int, left: int, acc: tuple):
        if k == 0:
            if not rest and left == 0:
                out.append(acc)
            return
        if left >= k * 10 ** (len(rest) - k + 1):
            return  # k cells cut from `rest` (each at most len(rest) - k + 1 digits) sum to less
        d = len(str(left))
        if len(rest) > k * max(2, d + (d - 1) // 3):
            return  # each cell is at most `left`: at most its digits (with commas), or a mark ——
        for i in range(1, len(rest) - k + 2):
            budget[0] -= 1
            if budget[0] < 0:
                raise TooManyCuts(digits)
            head = rest[:i]
            if not valid(head):
                continue
            value = number(head) or 0
            if value > left:
                if head[0] not in "—/":
                    break
                continue
            parts(rest[i:], k - 1, left - value, acc + (head,))

    for at in range(n - 1, len(digits)):
        budget[0] -= 1
        if budget[0] < 0:
            raise TooManyCuts(digits)
        total = digits[at:]
        if valid(total):
            parts(digits[:at], n - 1, number(total) or 0, ())
    return sorted((cut + (digits[len("".join(cut)):],) for cut in out), key=lambda c: [len(x) for x in c])


def last_is_sum(lhs: list, rhs: list, order: list) -> bool:
    """The identity says the last cell in `order` is the sum of the others (总计 printed last)."""
    last, others = {order[-1]}, set(order[:-1])
    return (set(lhs), set(rhs)) in ((last, others), (others, last))


def number(tok: str):
    """The value of a cell of a reading; None for a not-reported mark."""
    if tok[0] in "—/":
        return None
    if "," in tok:
        tok = tok.replace(",", "")
    return float(tok) if "." in tok else int(tok)


def _as_zero(values: list) -> list:
    """For choosing a reading only: a blank cell adds nothing to a sum (the value stored
    stays null, and the checks still treat it as missing)."""
    return [0 if v is None else v for v in values]


def readings(run: str, kinds: list[str], accept=None, limit: int = MAX_CANDIDATES, summed: bool = False) -> list[tuple]:
    """Every cut of a run into cells of these kinds that `accept` (an identity) admits.
    Spaces are not trusted as cell boundaries: captures also put them inside a number
    ('35 0' may be 3, 50 or 35, 0), so a run reads the same with or without them.
    `summed`: `accept` requires the last count to be the sum of the others (R3), so only
    such cuts are tried (summed_splits). TooManyCuts when the run has more cuts than
    MAX_STEPS to try."""
    compact = run.replace(" ", "")
    out = []
    if summed and set(kinds) == {"count"}:
        cuts = summed_splits(compact, len(kinds), [MAX_STEPS])
    else:
        cuts = splits(compact, kinds, [MAX_STEPS])
    for cand in cuts:
        if accept is None or accept(cand):
            out.append(cand)
            if len(out) >= limit:
                break
    return out


def grouped_readings(digits: str, groups: list[list[str]], accept, limit: int = MAX_CANDIDATES,
                     summed: bool = False) -> list[tuple]:
    """Readings of a run that holds several groups of cells (table 4's three blocks), each
    group admitted by `accept` on its own: cut group by group, so a wrong first cut is
    dropped before the rest is tried. `summed`: `accept` requires each group's last count to
    be the sum of the others (R4), so only such cuts are tried. TooManyCuts past MAX_STEPS
    cuts tried."""
    out: list[tuple] = []
    budget = [MAX_STEPS]

    def walk(rest: str, todo: list, acc: tuple):
        if len(out) >= limit:
            return
        if not todo:
            if not rest:
                out.append(acc)
            return
        for cut in range(len(todo[0]), len(rest) + 1):
            cuts = summed_splits(rest[:cut], len(todo[0]), budget) if summed and set(todo[0]) == {"count"} \
                else splits(rest[:cut], todo[0], budget)
            for group in cuts:
                if accept(group):
                    walk(rest[cut:], todo[1:], acc + group)
    walk(digits, groups, ())
    return out


def _where(one: Text1, at: int, run: str) -> Where:
    return Where("glued", line=one.line_of(at), printed=run)


def _row(one: Text1, label: tuple, run: tuple, cells) -> list:
    """A grid row: the label, then each cell of the accepted reading (blank if none)."""
    where = _where(one, run[2], run[1])
    return [Text(label[1].strip(), _where(one, label[2], run[1]))] + [Text(c, where) for c in cells]


def decode_applications(one: Text1, offset: int, text: str, fmt: str, known: dict | None = None):
    """(grid, errors) of table 3. `known`: rows already read elsewhere ({key: 7 numbers})."""
    rows_spec = formats.application_rows(fmt)
    groups = formats.spec()["application_groups"]
    columns = formats.application_columns()
    lhs, rhs = identities.sides("R3", fmt)
    errors: list[str] = []
    group, labels, found = None, [], {}
    for tok in tokens(text, offset):
        if tok[0] == "label":
            labels.append(tok)
            continue
        key, group, _ = _application_key([t[1] for t in labels], group, rows_spec, groups)
        if key and key not in found:
            found[key] = (labels[-1] if labels else ("label", "", tok[2]), tok)
        labels = []

    r3_holds = identities.over(lhs, rhs, columns)
    r3_summed = last_is_sum(lhs, rhs, columns)

    def r3(cand):
        return r3_holds([number(t) for t in cand])

    candidates = {}
    for key, (_, run) in found.items():
        try:
            candidates[key] = readings(run[1], ["count"] * len(columns), r3, summed=r3_summed)
        except TooManyCuts:
            candidates[key] = []
            errors.append(f"table 3 glued row {key}: more than {MAX_STEPS} ways to cut '{run[1]}'; undetermined")
    chosen = {k: c[0] for k, c in candidates.items() if len(c) == 1}
    open_rows = {k: c for k, c in candidates.items() if len(c) > 1}
    if open_rows:
        settled = _settle(chosen, open_rows, fmt, known or {})
        if settled is not None:
            chosen.update(settled)
        else:
            errors.append("table 3 glued cells: rows " + ", ".join(sorted(open_rows))
                          + " have several readings the identities do not settle; left undetermined")
    grid = Grid("glued")
    for key, (label, run) in found.items():
        if not candidates[key]:
            errors.append(f"table 3 glued row {key} ({run[1]}): no reading where 总计 = the sum; undetermined")
        grid.rows.append(_row(one, label, run, chosen.get(key) or [""] * len(columns)))
    return grid, errors


def _settle(chosen: dict, open_rows: dict, fmt: str, known: dict) -> dict | None:
    """The one combination of readings of the open rows under which R1 and R2 hold in
    every column; None if there are none or several."""
    keys = list(open_rows)
    total = 1
    for k in keys:
        total *= len(open_rows[k])
    if total > MAX_CANDIDATES:
        return None
    fixed = {**{k: tuple(_as_zero(v)) for k, v in known.items()},
             **{k: tuple(_as_zero(map(number, v))) for k, v in chosen.items()}}
    printed = set(fixed) | set(keys)
    rules = [identities.sides(name, fmt, printed) for name in ("R1", "R2")]
    needed = {k for lhs, rhs in rules for k in lhs + rhs}
    good = []
    for combo in itertools.product(*(open_rows[k] for k in keys)):
        rows = dict(fixed, **{k: tuple(_as_zero(map(number, c))) for k, c in zip(keys, combo)})
        if not needed <= set(rows):
            return None
        if all(identities.holds(lhs, rhs, {k: rows[k][col] for k in lhs + rhs})
               for col in range(7) for lhs, rhs in rules):
            good.append(dict(zip(keys, combo)))
            if len(good) > 1:
                return None
    return good[0] if good else None


def decode_review(one: Text1, offset: int, text: str):
    """(grid, errors) of table 4: its fifteen cells, read where each block's 总计 is its sum."""
    blocks, outcomes = formats.review_blocks(), formats.review_outcomes()
    runs = [t for t in tokens(text, offset) if t[0] == "run"]
    if not runs:
        return Grid("glued"), ["table 4 glued: no digits found"]
    run = " ".join(t[1] for t in runs)
    lhs, rhs = identities.sides("R4", "2021")
    width = len(blocks) * len(outcomes)

    r4_holds = identities.over(lhs, rhs, outcomes)

    def r4(block):
        return r4_holds([number(t) for t in block])

    errors = []
    try:
        found = grouped_readings(run.replace(" ", ""), [["count"] * len(outcomes)] * len(blocks), r4,
                                 summed=last_is_sum(lhs, rhs, outcomes))
    except TooManyCuts:
        found = []
        errors.append(f"table 4 glued cells '{run}': more than {MAX_STEPS} ways to cut them; undetermined")
    if len(found) != 1 and not errors:
        errors.append(f"table 4 glued cells '{run}': {len(found)} readings where each block's "
                      "总计 is its sum; undetermined")
    values = found[0] if len(found) == 1 else [""] * width
    where = _where(one, runs[0][2], run)
    grid = Grid("glued")
    for i, block in enumerate(blocks):
        grid.rows.append([Text(c, where) for c in values[i * len(outcomes):(i + 1) * len(outcomes)]])
    return grid, errors


def column_kinds(keys: list[str], row: dict) -> list[str]:
    counts = formats.spec()["counts"]["R6"]
    return ["signed" if k in counts["signed"] else
            "decimal" if (k in counts["decimal"] or row.get("decimal") and len(keys) == 1) else "count"
            for k in keys]


def decode_active(one: Text1, offset: int, text: str, fmt: str):
    """(grid, errors) of table 2: a row's run read only when it has a single possible cut."""
    spec_rows = formats.active_rows(fmt)
    toks = tokens(text, offset)
    grid, errors = Grid("glued"), []
    for i, (kind, tok, at) in enumerate(toks):
        if kind != "label":
            continue
        label = fold(tok)
        row = next((r for r in spec_rows if re.search(f"(?:{r['label']})$", label)), None)
        if row is None or i + 1 >= len(toks) or toks[i + 1][0] != "run":
            continue
        run = toks[i + 1]
        after = toks[i + 2][1].strip() if i + 2 < len(toks) else ""
        unit = next((u for u in ("万元", "元") if after.startswith(u)), None)
        try:
            found = readings(run[1], column_kinds(row["keys"], row), limit=2)
        except TooManyCuts:
            found = []
        cells = list(found[0]) if len(found) == 1 else [""] * len(row["keys"])
        if len(found) != 1:
            errors.append(f"table 2 row {row['label']} glued as '{run[1]}': "
                          f"{'several readings' if found else 'no reading'}; undetermined")
        elif unit:
            cells[-1] += unit
        where = _where(one, run[2], run[1] + (unit or ""))
        m = re.search(f"(?:{row['label']})$", label)
        grid.rows.append([Text(m.group(0), _where(one, at, run[1]))] + [Text(c, where) for c in cells])
    return grid, errors


def decode(text: str, fmt: str, known: dict | None = None) -> tuple[dict, list[str]]:
    """{section: Grid} of the glued tables of a text capture, and the errors met."""
    one = Text1(text)
    parts = sections(one)
    grids, errors = {}, []
    if "active" in parts:
        grids["active"], e = decode_active(one, *parts["active"], fmt)
        errors += e
    if "applications" in parts:
        grids["applications"], e = decode_applications(one, *parts["applications"], fmt, known)
        errors += e
    if "review_litigation" in parts:
        grids["review_litigation"], e = decode_review(one, *parts["review_litigation"])
        errors += e
    return grids, errors


def decode_legacy(text: str) -> tuple[list[dict], list[str]]:
    """A glued pre-2019 统计表 ('主动公开文件数条206912106'): each indicator ends with its unit
    and runs into its digits. The header's value columns give the row width; a run is split
    only when one reading exists ('00' = 0, 0), else its value is left undetermined."""
    spec = formats.legacy()
    folded = _squeeze(text)  # not NFKC: indicators keep their full-width punctuation
    header = re.search(spec["header"] + f"(?P<columns>(?:{spec['columns']})+)", folded)
    if not header:
        return [], []
    width = len(spec["columns_re"].findall(header.group("columns")))
    rows, errors = [], []
    toks = [(k, t) for k, t, _ in tokens(folded[header.end():])]
    for (kind, label), (next_kind, digits) in zip(toks, toks[1:] + [("", "")]):
        m = spec["unit_end_re"].match(label) if kind == "label" else None
        if not m or next_kind != "run":
            continue
        found = list(itertools.islice(splits(digits, ["count"] * width), 2)) if "." not in digits else []
        value = number(found[0][0]) if len(found) == 1 else None
        if value is None:
            errors.append(f"统计表 row {m.group('indicator')!r} glued as '{digits}': "
                          f"{'several readings' if found else 'no reading'} for {width} columns; undetermined")
        rows.append({"indicator": m.group("indicator"), "unit": m.group("unit"), "value": value,
                     "raw": label + digits})
    return rows, errors


_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_DIGITS)


def read_applications(text: str, fmt: str, known: dict | None = None):
    """Table 3 of a glued text (from its rows on), read into keys: a TableResult."""
    from .tables import read_applications as read

    one = Text1(text)
    grid, errors = decode_applications(one, 0, one.text, fmt, known)
    result = read(grid.stream(), fmt)
    result.errors = errors + result.errors
    return result


def read_review(text: str):
    """Table 4 of a glued text, read into keys: a TableResult."""
    from .tables import read_review as read

    one = Text1(text)
    grid, errors = decode_review(one, 0, one.text)
    result = read(grid.stream())
    result.errors = errors + result.errors
    return result
