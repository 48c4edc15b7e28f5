"""Text captures whose table cells are glued together with no separator ('640020470').

A run of digits after a row label holds the row's cells. It is split only where the table's
own identities admit exactly one reading: in table 3 the 总计 column is the sum of the six
applicant columns (R3), and rows with several such readings are settled by R1 and R2 over
every column; in table 4 each block's 总计 is the sum of its four outcomes (R4). A row that
still has more than one reading — or none — is left undetermined (null, with an error),
never guessed. Table 2 has no identity: only a split that is the only possible one is used.
"""
from __future__ import annotations

import itertools
import re
import unicodedata

from . import formats
from .tables import TableResult, _application_key
from .values import Cell, fold

MAX_CANDIDATES = 20000


def is_glued(text: str) -> bool:
    """A text rendering whose table 3 rows run into their numbers on one line."""
    # White space kept: '数量  18  0  0  0  0  0  18' has its seven cells apart; a glued run
    # has fewer groups than cells ('640020470', or '230 000023' with a stray space).
    for line in text.splitlines():
        m = re.search(r"本年新收政府信息公开申请数量\s*([\d\s]+)", unicodedata.normalize("NFKC", line))
        if m and len(re.sub(r"\s", "", m.group(1))) >= 7 and len(m.group(1).split()) < 7:
            return True
    return False


def sections(text: str) -> dict:
    """The folded text of tables 2, 3 and 4 (from each heading to the next)."""
    folded = fold(text)
    out = {}
    p2 = folded.find("二、主动公开政府信息情况")
    p3 = folded.find("三、收到和处理政府信息公开申请情况")
    m4 = re.compile(r"四、因?(政府信息公开)?(申请)?(提起)?行政复议").search(folded, max(p3, 0))
    m5 = re.compile(r"五、").search(folded, m4.end()) if m4 else None
    if p2 >= 0 and p3 > p2:
        out["active"] = folded[p2 + len("二、主动公开政府信息情况"):p3]
    if p3 >= 0 and m4:
        out["applications"] = folded[p3 + len("三、收到和处理政府信息公开申请情况"):m4.start()]
    if m4:
        out["review_litigation"] = folded[m4.end():m5.start() if m5 else len(folded)]
    return out


def tokens(text: str) -> list[tuple[str, str]]:
    """('label', text) and ('digits', run) in order; a sub-row number glued onto the run
    before it ('0000000' + '2.其他…' = '00000002.其他…') goes back to its label."""
    out: list[tuple[str, str]] = []
    for m in re.finditer(r"(\d+(?:\.\d+)?)|([^\d]+)", text):
        if m.group(1):
            out.append(("digits", m.group(1)))
        else:
            label = m.group(2)
            if out and out[-1][0] == "digits" and label[:1] in ".、":
                digits = out.pop()[1]
                if len(digits) > 1:
                    out.append(("digits", digits[:-1]))
                label = digits[-1] + label
                if out and out[-1][0] == "label":  # '(三)不予公开' + '1' + '.属于…': one label run
                    label = out.pop()[1] + label
            out.append(("label", label))
    return out


def splits(digits: str, parts: int):
    """Every way to cut a digit string into `parts` integers without leading zeros."""
    if parts == 1:
        if digits and (digits == "0" or not digits.startswith("0")):
            yield (int(digits),)
        return
    for i in range(1, len(digits) - parts + 2):
        head = digits[:i]
        if head != "0" and head.startswith("0"):
            break
        for rest in splits(digits[i:], parts - 1):
            yield (int(head),) + rest


def row_candidates(digits: str) -> list[tuple]:
    """Readings of a table-3 row: 7 cells whose last is the sum of the other six."""
    out = []
    for cand in splits(digits, 7):
        if cand[6] == sum(cand[:6]):
            out.append(cand)
            if len(out) > MAX_CANDIDATES:
                break
    return out


def decode_applications(text: str, fmt: str) -> TableResult:
    result = TableResult()
    rows_spec = formats.application_rows(fmt)
    groups = formats.spec()["application_groups"]
    columns = formats.application_columns()
    group, labels, found = None, [], {}
    for kind, tok in tokens(text):
        if kind == "label":
            labels.append(tok)
            continue
        key, group = _application_key(labels, group, rows_spec, groups)
        labels = []
        if key and key not in found:
            found[key] = tok
    candidates = {key: row_candidates(digits) for key, digits in found.items()}
    chosen = {k: c[0] for k, c in candidates.items() if len(c) == 1}
    open_rows = {k: c for k, c in candidates.items() if len(c) > 1}
    if open_rows:
        settled = _settle(chosen, open_rows, rows_spec)
        if settled is not None:
            chosen.update(settled)
        else:
            result.errors.append("table 3 glued cells: rows " + ", ".join(sorted(open_rows))
                                 + " have several readings the identities do not settle; left undetermined")
    for key, digits in found.items():
        if key not in chosen and not candidates[key]:
            result.errors.append(f"table 3 glued row {key} ({digits}): no reading where 总计 = the sum; undetermined")
    for row in rows_spec:
        key = row["key"]
        if key in chosen:
            result.cells[key] = {c: Cell(raw=found[key], value=v) for c, v in zip(columns, chosen[key])}
        else:
            result.cells[key] = {c: Cell(raw=found.get(key, "")) for c in columns}
            if key not in found:
                result.errors.append(f"table 3 row {key} not found")
    return result


def _settle(chosen: dict, open_rows: dict, rows_spec: list) -> dict | None:
    """The one combination of readings of the open rows under which R1 and R2 hold in
    every column; None if there are none or several."""
    results = [r["key"] for r in rows_spec if r.get("result")]
    keys = list(open_rows)
    total = 1
    for k in keys:
        total *= len(open_rows[k])
    if total > MAX_CANDIDATES:
        return None
    good = []
    for combo in itertools.product(*(open_rows[k] for k in keys)):
        rows = dict(chosen, **dict(zip(keys, combo)))
        if all(k in rows for k in ("new_received", "carried_over", "total_handled", "carried_forward")) \
                and all(k in rows for k in results) and _identities_hold(rows, results):
            good.append(dict(zip(keys, combo)))
            if len(good) > 1:
                return None
    return good[0] if good else None


def _identities_hold(rows: dict, results: list) -> bool:
    for col in range(7):
        if rows["new_received"][col] + rows["carried_over"][col] != \
                rows["total_handled"][col] + rows["carried_forward"][col]:
            return False
        if rows["total_handled"][col] != sum(rows[k][col] for k in results):
            return False
    return True


def decode_review(text: str) -> TableResult:
    result = TableResult()
    blocks, outcomes = formats.review_blocks(), formats.review_outcomes()
    digits = "".join(d for kind, d in tokens(text) if kind == "digits")
    readings = list(_review_readings(digits, len(blocks)))
    if len(readings) == 1:
        values = readings[0]
    else:
        values = None
        result.errors.append(f"table 4 glued cells '{digits}': {len(readings)} readings where each block's "
                             "总计 is its sum; undetermined")
    for i, block in enumerate(blocks):
        result.cells[block] = {o: Cell(raw=digits, value=values[i * 5 + j] if values else None)
                               for j, o in enumerate(outcomes)}
    return result


def _review_readings(digits: str, blocks: int):
    if blocks == 0:
        if digits == "":
            yield ()
        return
    for cut in range(5, len(digits) + 1):
        for block in splits(digits[:cut], 5):
            if block[4] == sum(block[:4]):
                for rest in _review_readings(digits[cut:], blocks - 1):
                    yield block + rest


def decode_active(text: str, fmt: str) -> TableResult:
    result = TableResult()
    spec_rows = formats.active_rows(fmt)
    toks = tokens(text)
    for i, (kind, tok) in enumerate(toks):
        if kind != "label":
            continue
        row = next((r for r in spec_rows if re.search(f"(?:{r['label']})$", tok)), None)
        if row is None or i + 1 >= len(toks) or toks[i + 1][0] != "digits":
            continue
        digits = toks[i + 1][1]
        keys = row["keys"]
        unit = toks[i + 2][1] if i + 2 < len(toks) and toks[i + 2][1].startswith(("元", "万元")) else None
        if len(keys) == 1:
            values = [float(digits) if "." in digits else int(digits)]
        elif "." not in digits:
            readings = list(itertools.islice(splits(digits, len(keys)), 2))
            values = list(readings[0]) if len(readings) == 1 else None
        else:
            values = None
        if values is None:
            result.errors.append(f"table 2 row {row['label']} glued as '{digits}': several readings; undetermined")
        for j, key in enumerate(keys):
            cell = Cell(raw=digits + (unit or ""), value=values[j] if values else None)
            if row.get("keep_unit") and unit and values:
                cell.unit = unit[:2] if unit.startswith("万元") else "元"
            result.cells[key] = cell
    return result


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
    toks = tokens(folded[header.end():])
    for (kind, label), (next_kind, digits) in zip(toks, toks[1:] + [("", "")]):
        m = spec["unit_end_re"].match(label) if kind == "label" else None
        if not m or next_kind != "digits":
            continue
        readings = list(itertools.islice(splits(digits, width), 2)) if "." not in digits else []
        value = readings[0][0] if len(readings) == 1 else None
        if value is None:
            errors.append(f"统计表 row {m.group('indicator')!r} glued as '{digits}': "
                          f"{'several readings' if readings else 'no reading'} for {width} columns; undetermined")
        rows.append({"indicator": m.group("indicator"), "unit": m.group("unit"), "value": value,
                     "raw": label + digits})
    return rows, errors


_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_DIGITS)
