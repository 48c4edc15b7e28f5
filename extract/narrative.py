"""Figures stated in a report's text (narrative.yml): R7 compares them with the tables, and
pre-2019 reports get their headline figures from them.

A figure is taken from one sentence, and only when every sentence that states it agrees;
each R7 result names that sentence and the cells it was compared with.
"""
from __future__ import annotations

import fnmatch
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import rules
from .values import fold

PHRASES_FILE = "narrative.yml"
QUOTE_WIDTH = 160  # characters of a long sentence shown around the figure


@lru_cache(maxsize=1)
def _data() -> dict:
    data = rules.load(PHRASES_FILE)
    for key in ("tables_start", "tables_end", "sentence_end", "skip_sentences", "skip_matches", "zero_veto"):
        data[key + "_re"] = re.compile(data[key])
    for p in data["phrases"] + data["headline"]:
        p["patterns_re"] = [re.compile(x) for x in p["patterns"]]
        p["zero_re"] = [re.compile(x) for x in p.get("zero", [])]
        for key in ("context", "not_context", "not_followed_by", "other_subject", "indicator"):
            p[key + "_re"] = re.compile(p[key]) if p.get(key) else None
    return data


def phrases() -> list[dict]:
    return _data()["phrases"]


@dataclass
class Figure:
    number: int
    words: str  # the matched words, folded
    sentence: str  # the sentence as printed (white space collapsed)


def outside_tables(text: str) -> str:
    """The text without sections 二–四 (tables 2–4 of the 2019/2021 formats)."""
    start = _data()["tables_start_re"].search(text)
    if not start:
        return text
    end = _data()["tables_end_re"].search(text, start.end())
    return text[:start.start()] + "\n" + (text[end.start():] if end else "")


def sentences(narrative: str) -> list[tuple[str, str]]:
    """(as printed, folded) for each sentence of the narrative."""
    out = []
    for part in _data()["sentence_end_re"].split(narrative or ""):
        printed = re.sub(r"\s+", " ", part).strip()
        folded = fold(printed)
        if folded and not _data()["skip_sentences_re"].search(folded):
            out.append((printed, folded))
    return out


def _find(item: dict, folded: str):
    """(number, words) stated by one sentence for one phrase, or None."""
    if item["context_re"] and not item["context_re"].search(folded):
        return None
    if item["not_context_re"] and item["not_context_re"].search(folded):
        return None
    other = item.get("other_subject_re")
    for pattern in item["patterns_re"]:
        for m in pattern.finditer(folded):
            if _data()["skip_matches_re"].search(m.group(0)):
                continue
            if other and other.search(m.group(0)):
                continue  # the figure is about another subject the words name
            if item["not_followed_by_re"] and item["not_followed_by_re"].search(folded[m.end():]):
                continue
            return int(m.group("n")), m.group(0)
    if not _data()["zero_veto_re"].search(folded):
        for pattern in item["zero_re"]:
            for m in pattern.finditer(folded):
                if not (other and other.search(m.group(0))):
                    return 0, m.group(0)
    return None


def stated(items: list[dict], narrative: str) -> tuple[dict, list[str]]:
    """{key: Figure} for each item stated unambiguously, and the keys stated with
    different numbers in different sentences."""
    found: dict[str, list[Figure]] = {}
    for printed, folded in sentences(narrative):
        for item in items:
            hit = _find(item, folded)
            if hit:
                found.setdefault(item["key"], []).append(Figure(hit[0], hit[1], printed))
    figures, conflicting = {}, []
    for key, hits in found.items():
        if len({h.number for h in hits}) == 1:
            figures[key] = hits[0]
        else:
            conflicting.append(key)
    return figures, conflicting


def quoted_figures(narrative: str) -> dict:
    """{key: Figure} for the R7 phrases the narrative states unambiguously."""
    return stated(phrases(), narrative)[0]


def headline(narrative: str, indicators: list | None = None) -> tuple[dict, list[str]]:
    """Pre-2019 headline figures from the text and the 统计表 (its `indicators` rows) by one
    rule: a figure stated by both must agree, else it is undetermined; what could not be
    read is listed."""
    from .values import fold as _fold

    figures, conflicting = stated(_data()["headline"], narrative)
    found, missing = {}, []
    for item in _data()["headline"]:
        key = item["key"]
        text = figures[key].number if key in figures else None
        pattern = item.get("indicator_re")
        rows = [r for r in indicators or [] if pattern and pattern.search(_fold(r["indicator"]))]
        table = rows[0]["value"] if rows and rows[0]["value"] is not None else None
        if key in conflicting:
            found[key] = None
            missing.append(f"headline {key}: the text states different numbers; not read")
        elif text is not None and table is not None and text != table:
            found[key] = None
            missing.append(f"headline {key}: the text states {text} and the 统计表 row "
                           f"'{rows[0]['indicator']}' {table:g}; undetermined")
        else:
            found[key] = text if text is not None else table
            if found[key] is None:
                missing.append(f"headline {key}: not stated in the text or the 统计表")
    return found, missing


def _cells(report: dict, paths: list[str]) -> dict:
    """{cell path: value}; a `*` in a path stands for every matching row of the report."""
    out = {}
    for path in paths:
        section, row, col = path.split(".")
        rows = report.get(section) or {}
        keys = fnmatch.filter(rows, row) if "*" in row else [row]
        for key in keys:
            out[f"{section}.{key}.{col}"] = (rows.get(key) or {}).get(col)
    return out


def quote(figure: Figure) -> str:
    """The sentence, cut around the figure when long."""
    text = figure.sentence
    if len(text) <= QUOTE_WIDTH:
        return text
    norm = unicodedata.normalize("NFKC", text)
    m = re.search(r"\s*".join(map(re.escape, figure.words)), norm)
    at = m.start() if m and len(norm) == len(text) else 0
    start = max(0, min(at - QUOTE_WIDTH // 3, len(text) - QUOTE_WIDTH))
    return ("…" if start else "") + text[start:start + QUOTE_WIDTH] + ("…" if start + QUOTE_WIDTH < len(text) else "")


def check(report: dict, narrative: str) -> list[dict]:
    if not report.get("applications") and not report.get("review_litigation"):
        return []
    quoted = quoted_figures(narrative)
    out = []
    for phrase in phrases():
        key = phrase["key"]
        if key not in quoted or any(k in quoted for k in phrase.get("unless_quoted", [])):
            continue
        figure = quoted[key]
        cells = _cells(report, phrase["cells"])
        if not cells:
            continue  # the rows this phrase sums are not in this report's format
        table = " + ".join(f"{c} = {v}" for c, v in cells.items()) if len(cells) > 1 else \
            next(f"{c} = {v}" for c, v in cells.items())
        sentence = f"narrative «{quote(figure)}» states '{figure.words}' = {figure.number}"
        if any(v is None for v in cells.values()):
            status = "not_assessable"
            detail = f"{sentence}; table {table}: a cell is blank or undetermined"
        else:
            total = sum(cells.values())
            status = "pass" if total == figure.number else "fail"
            detail = f"{sentence}; table {table}" + (f" (sum {total:g})" if len(cells) > 1 else "") \
                + ("" if status == "pass" else " — they differ")
        out.append({"rule": "R7", "scope": f"narrative.{key}", "status": status, "detail": detail,
                    "cells": {"narrative": figure.number, **cells}})
    return out
