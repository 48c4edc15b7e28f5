"""Cell values: fold full-width text, tell numbers from labels, keep the raw text.

Blank and the "not reported" marks (无, /, —, 不适用) are null, never 0 (REPORT-FORMAT.md).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

NULL_MARKS = {"", "无", "/", "—", "——", "-", "--", "–", "不适用", "空", "N/A", "n/a"}
UNITS = {"万元": Decimal(10000), "元": Decimal(1)}
_NUMBER = re.compile(
    r"^(?P<num>[-+]?\d[\d,]*(?:\.\d+)?)"
    r"(?P<unit>万元|元|件|个|条|次|项|人次|家|%)?"
    r"(?P<note>\(.*\))?$"
)
_SPACE = re.compile(r"\s+")
# A count typed in Chinese numerals (三, 十四, 〇, 二十, 一百零五, 一万零五百) or in 大写 (壹佰零伍,
# 貳拾): it starts with a digit or 十/拾 (a lone 万/千 is a unit word, not a number);
# positional runs (二〇) are not read.
_CN_DIGITS = "〇零一二两三四五六七八九壹贰貳叁參肆伍陆陸柒捌玖"
_CN_UNITS = "十拾百佰千仟万萬"
_CHINESE = re.compile(rf"^(?P<num>[{_CN_DIGITS}十拾][{_CN_DIGITS}{_CN_UNITS}]*)"
                      r"(?P<unit>件|个|条|次|项|人次|家)?$")
# 大写 and traditional forms folded to the everyday ones before a count is read
_CN_FOLD = str.maketrans("壹贰貳叁參肆伍陆陸柒捌玖拾佰仟萬", "一二二三三四五六六七八九十百千万")
_CN_DIGIT = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0, "两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_ZEROS = "〇零"


_MINUS = str.maketrans({"\u2212": "-", "\ufe63": "-"})


def _below_10000(text: str) -> int | None:
    """The count (< 10,000) a run without 万 spells, or None. A digit must be followed by a
    unit and units must fall (二十三, 一百零五); a last digit after 百/千 needs its 零
    (一百五 is said for 150 as well as written for 105: not read)."""
    if len(text) == 1:
        return _CN_DIGIT.get(text, 10 if text == "十" else None)
    total, digit, last_unit = 0, None, 10 ** 9
    for k, ch in enumerate(text):
        if ch in _CN_DIGIT:
            if digit is not None and (digit != 0 or last_unit == 10 ** 9):
                return None  # two digits in a row: positional (二〇), not a count; 百零五 is
            digit = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            unit = _CN_UNIT[ch]
            if unit >= last_unit:
                return None
            total += (digit or 1) * unit  # 十 and 零十 are 一十
            digit, last_unit = None, unit
        else:
            return None
    if digit is not None:
        if digit == 0 and text[-1] in _ZEROS and last_unit < 10 ** 9:
            return None  # 十〇 is no count
        if last_unit > 10 and last_unit < 10 ** 9 and text[-2] not in _ZEROS:
            return None  # 一百五, 二千三: shorthand for 150, 2300
        total += digit
    return total


def chinese_count(text: str) -> int | None:
    """The count a run of Chinese numerals (everyday or 大写) spells, or None when it spells
    none or is ambiguous. Below 万 see _below_10000; a count of 万 is N万 then, after it,
    a full 千 part (一万五千) or 零 and a part below 千 (一万零五百); 一万五 (shorthand for
    15,000) is not read."""
    text = text.translate(_CN_FOLD)
    if "万" not in text:
        return _below_10000(text)
    high, _, low = text.partition("万")
    tens_of_thousands = _below_10000(high) if high else None
    if not tens_of_thousands or "万" in low:
        return None
    if not low:
        return tens_of_thousands * 10000
    if low[0] in _ZEROS:
        rest = _below_10000(low[1:]) if len(low) > 1 else None
        ok = rest is not None and 0 < rest < 1000
    else:
        rest = _below_10000(low)
        ok = rest is not None and rest >= 1000
    return tens_of_thousands * 10000 + rest if ok else None


def _chinese(text: str, raw=None):
    """(count, unit) of a cell typed in Chinese numerals. Only a cell a table printed as a
    cell (HTML, Office, a ruled PDF: it has a table index): where words are placed by
    position or by line, a lone 五 is a word of a label cut apart ((五)不予处理)."""
    if getattr(getattr(raw, "where", None), "table", None) is None:
        return None
    m = _CHINESE.match(text)
    if m is None:
        return None
    value = chinese_count(m.group("num"))
    return None if value is None else (value, m.group("unit"))


def fold(text: str) -> str:
    """NFKC (full-width digits and brackets to ASCII, the minus sign to '-') and no white space."""
    return _SPACE.sub("", unicodedata.normalize("NFKC", text or "").translate(_MINUS))


@dataclass
class Cell:
    """One table cell: the number read from it (or None) beside the text as printed."""

    raw: str
    value: int | float | None = None
    unit: str | None = None
    note: str | None = None
    where: object = None  # grid.Where: where in the capture the cell was printed
    match: str | None = None  # how its row label was matched (exact, pattern, fuzzy, aligned …)
    reading: str | None = None  # which reading gave it: grid, alignment, grid+alignment (readings.py)

    def as_json(self):
        return self.value


def classify(raw: str) -> str:
    """'number', 'null' (blank or a not-reported mark) or 'text' (a label)."""
    text = fold(raw)
    if text in NULL_MARKS:
        return "null"
    if _NUMBER.match(text) or _chinese(text, raw):
        return "number"
    return "text"


def is_value(raw: str) -> bool:
    return classify(raw) != "text"


def parse_cell(raw: str, unit: str | None = None, decimal: bool = False,
               keep_unit: bool = False) -> Cell:
    """Read a value cell. `unit` is the unit its column is printed in (e.g. 万元): a cell
    written in another money unit is converted to it, unless `keep_unit` (then the cell's own
    unit is kept beside the number)."""
    where, printed = getattr(raw, "where", None), raw
    raw = str(raw or "").strip()
    text = fold(raw)
    cell = Cell(raw=raw, where=where)
    m = _NUMBER.match(text)
    if text in NULL_MARKS:
        return cell
    if not m:
        spelled = _chinese(text, printed)
        if spelled:
            cell.value, cell.unit = spelled[0], unit or spelled[1]
        return cell
    number = Decimal(m.group("num").replace(",", ""))
    cell.note = m.group("note")[1:-1] if m.group("note") else None
    cell_unit = m.group("unit")
    if keep_unit:
        cell.unit = cell_unit
    elif unit and cell_unit in UNITS and unit in UNITS and cell_unit != unit:
        number = number * UNITS[cell_unit] / UNITS[unit]
        cell.unit = unit
    else:
        cell.unit = unit or cell_unit
    if number == number.to_integral_value():
        cell.value = int(number)
    else:
        cell.value = float(number)
    if not decimal and not isinstance(cell.value, int):
        cell.value = float(number)  # kept as printed; R6 flags a non-integer count
    return cell
