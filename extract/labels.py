"""Row labels matched the way a reader would: normalise, then exact, then the label patterns
of report_format.yml, then a bounded fuzzy match against the printed labels.

Real reports misprint long labels (a typo, a dropped or doubled character). A fuzzy match
is accepted only within a small edit distance AND with a clear margin over the second-best
label; an ambiguous label matches nothing, so its row stays undetermined. How a label was
matched goes into each cell's provenance.
"""
from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import Levenshtein

from .values import fold

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十]+\)|\d+[.、．](?!\d))+")
_PUNCT = re.compile(r"[\"'“”‘’「」、,，.。:：;；()（）\[\]【】…\-—_*]")
MIN_LENGTH = 4  # shorter labels (总计, 其他) are matched exactly or by pattern only
MARGIN = 2  # the second-best label must be at least this much further away


def normalise(text: str) -> str:
    """Folded, without the numbering (一、 （三） 2.) and punctuation."""
    return _PUNCT.sub("", _NUMBERING.sub("", fold(text)))


def max_distance(length: int) -> int:
    """Edit distance allowed for a label of this many characters."""
    if length < MIN_LENGTH:
        return 0
    return 1 if length < 10 else (2 if length < 20 else 3)


@lru_cache(maxsize=4096)
def _fuzzy(text: str, labels: tuple) -> tuple | None:
    """(index, distance, next distance) of the one label within reach of `text`, else None."""
    if len(text) < MIN_LENGTH:
        return None
    scored = sorted((Levenshtein.distance(text, label), i) for i, label in enumerate(labels))
    best, index = scored[0]
    second = scored[1][0] if len(scored) > 1 else 99
    if best <= max_distance(len(labels[index])) and second - best >= MARGIN:
        return index, best, second
    return None


def fuzzy(text: str, labels: list[str]) -> tuple | None:
    """The fuzzy match of a label among the canonical printed labels: (index, description)."""
    norm = normalise(text)
    found = _fuzzy(norm, tuple(normalise(label) for label in labels))
    if not found:
        return None
    index, best, second = found
    return index, f"fuzzy: '{text.strip()}' ~ '{labels[index]}' (edit distance {best}, next {second})"


def exact(text: str, labels: list[str]) -> int | None:
    norm = normalise(text)
    hits = [i for i, label in enumerate(labels) if normalise(label) == norm]
    return hits[0] if len(hits) == 1 else None
