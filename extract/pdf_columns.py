"""A PDF page printed in two columns (a report laid out with CSS columns, a newspaper-style
notice): read as a person reads it — a full-width band at the top (the title), then the
left column top to bottom, then the right — so a table running from the foot of the left
column to the head of the right is one table in order, and the text is not interleaved
line by line across the gutter.

Two columns are taken only when the words show them: an x band in the middle of the page
that no word below the top band crosses (the gutter), no ruling line crossing it (a ruled
table's rows span its columns), each side holding labels and sentences (a table's columns of
figures are not text columns), and the two sides' lines not standing row for row beside
each other (a table without rules).
"""
from __future__ import annotations

from .values import classify

MIDDLE = (0.3, 0.7)  # fractions of the page width the gutter may stand in
MIN_GUTTER = 6.0  # points of empty width between the columns
TOP_BAND = 0.35  # fraction of the page height a full-width band (title) may take
MARGINS = (0.06, 0.92)  # running heads and page numbers (may stand in the gutter)
MIN_TEXT_WORDS = 8  # words of at least LONG_WORD characters of text on each side
LONG_WORD = 6
MAX_SIDE_BY_SIDE = 0.8  # share of one side's lines level with a line of the other: a table


def _gutter(words: list[dict], width: float) -> tuple[float, float] | None:
    """The widest x interval inside MIDDLE that no word covers, if at least MIN_GUTTER wide."""
    lo, hi = MIDDLE[0] * width, MIDDLE[1] * width
    spans = sorted((max(w["x0"], lo), min(w["x1"], hi)) for w in words if w["x1"] > lo and w["x0"] < hi)
    best, at = None, lo
    for x0, x1 in spans + [(hi, hi)]:
        if x0 - at >= MIN_GUTTER and (best is None or x0 - at > best[1] - best[0]):
            best = (at, x0)
        at = max(at, x1)
    return best


def _ruled_across(page, x: float, top: float) -> bool:
    return any(e["orientation"] == "h" and e["x0"] < x - 1 and e["x1"] > x + 1 and e["top"] >= top - 1
               for e in page.edges)


def _texts(words: list[dict]) -> int:
    return sum(1 for w in words if len(w["text"]) >= LONG_WORD and classify(w["text"]) == "text")


def _side_by_side(left: list[dict], right: list[dict]) -> bool:
    tops_left = sorted({round(w["top"], 1) for w in left})
    tops_right = {round(w["top"], 1) for w in right}
    if not tops_right:
        return True
    level = sum(1 for t in tops_right if any(abs(t - u) < 1.5 for u in tops_left))
    return level >= MAX_SIDE_BY_SIDE * len(tops_right)


def split(page, words: list[dict], hint: float | None = None) -> tuple[float, float] | None:
    """(where the columns start below the top band, gutter x) when the page is printed in
    two columns, else None. `hint`: the gutter of the page before, in two columns: a gutter
    there goes on (a last page of a table and two lines needs no sentences to show it)."""
    width, height = float(page.width), float(page.height)
    body = [w for w in words if MARGINS[0] * height <= w["top"] <= MARGINS[1] * height]
    tops = sorted({w["top"] for w in body if w["top"] <= TOP_BAND * height})
    for top in tops[:40]:
        below = [w for w in body if w["top"] >= top - 0.5]
        gutter = _gutter(below, width)
        if gutter is None:
            continue
        x = (gutter[0] + gutter[1]) / 2
        left = [w for w in below if w["x1"] <= x]
        right = [w for w in below if w["x0"] >= x]
        goes_on = hint is not None and gutter[0] <= hint <= gutter[1]
        if _ruled_across(page, x, top) or min(_texts(left), _texts(right)) < (1 if goes_on else MIN_TEXT_WORDS) \
                or _side_by_side(left, right):
            return None
        above = [w["bottom"] for w in words if w["bottom"] <= top and w["x0"] < x < w["x1"]]  # full width
        return (max(above) + top) / 2 if above else 0.0, x
    return None


def _may_have_columns(page) -> bool:
    """A cheap look first (the page's characters, already parsed): below the top third of its
    text some x in the middle no character covers. Most pages are one column and end here."""
    height = float(page.height)
    body = [c for c in page.chars if MARGINS[0] * height <= c["top"] <= MARGINS[1] * height]
    if not body:
        return False
    top, bottom = min(c["top"] for c in body), max(c["bottom"] for c in body)
    low = [c for c in body if c["top"] >= top + TOP_BAND * (bottom - top)]  # below a title band
    return _gutter(low, float(page.width)) is not None


def parts(page, words: list[dict] | None = None, hint: float | None = None) -> tuple[list, float | None]:
    """The page's parts in reading order — the page itself, or (a top band,) the left column,
    the right column (pdfplumber crops, in the page's coordinates) — and its gutter."""
    if words is None and not _may_have_columns(page):
        return [page], None
    found = split(page, page.extract_words() if words is None else words, hint)
    if found is None:
        return [page], None
    top, x = found  # the top band ends at `top` (0: none), the columns take the rest
    width, height = float(page.width), float(page.height)
    out = [page.crop((0, 0, width, top))] if top else []
    return out + [page.crop((0, top, x, height)), page.crop((x, top, width, height))], x


def reading_order(pages) -> list:
    """Every page's parts in reading order, a page's gutter carried to the next."""
    out, hint = [], None
    for page in pages:
        found, hint = parts(page, hint=hint)
        out += found
    return out
