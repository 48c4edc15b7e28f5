"""R7: the figures a report's narrative quotes (收到申请18件, 本机关不掌握4件 …) against its
tables (narrative.yml). Only figures that map to one cell (or one group) are compared."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from .values import fold

PHRASES_FILE = Path(__file__).with_name("narrative.yml")


@lru_cache(maxsize=1)
def _data() -> dict:
    data = yaml.safe_load(PHRASES_FILE.read_text(encoding="utf-8"))
    for p in data["phrases"] + data["headline"]:
        p["patterns_re"] = [re.compile(x) for x in p["patterns"]]
        p["zero_re"] = [re.compile(x) for x in p.get("zero", [])]
    return data


def phrases() -> list[dict]:
    return _data()["phrases"]


def headline(narrative: str) -> tuple[dict, list[str]]:
    """Pre-2019 headline figures stated in the text, and what could not be found."""
    text = fold(narrative)
    found, missing = {}, []
    for item in _data()["headline"]:
        hits = [(m.start(), int(m.group("n"))) for r in item["patterns_re"] if (m := r.search(text))]
        hits += [(m.start(), 0) for r in item["zero_re"] if (m := r.search(text))]
        if hits:
            found[item["key"]] = min(hits)[1]  # the first statement in the text
        else:
            found[item["key"]] = None
            missing.append(f"headline {item['key']}: not stated in the text")
    return found, missing


def quoted_figures(narrative: str) -> dict:
    """{key: (number, the quoted words)} for each phrase found in the narrative."""
    text = fold(narrative)
    found = {}
    for phrase in phrases():
        for pattern in phrase["patterns_re"]:
            m = pattern.search(text)
            if m:
                found[phrase["key"]] = (int(m.group("n")), m.group(0))
                break
    return found


def _cell(report: dict, path: str):
    node = report
    for part in path.split("."):
        node = (node or {}).get(part) if isinstance(node, dict) else None
    return node


def check(report: dict, narrative: str) -> list[dict]:
    if not report.get("applications"):
        return []
    quoted = quoted_figures(narrative)
    out = []
    for phrase in phrases():
        if phrase["key"] not in quoted or any(k in quoted for k in phrase.get("unless_quoted", [])):
            continue
        number, words = quoted[phrase["key"]]
        values = [_cell(report, c) for c in phrase["cells"]]
        cells = {"narrative": number, **{c: v for c, v in zip(phrase["cells"], values)}}
        if any(v is None for v in values):
            status, detail = "not_assessable", f"narrative '{words}' but a table cell is blank"
        else:
            table = sum(values)
            status = "pass" if table == number else "fail"
            detail = (f"narrative '{words}' = {number}; table {' + '.join(phrase['cells'])} = {table:g}"
                      + ("" if status == "pass" else " — they differ"))
        out.append({"rule": "R7", "scope": f"narrative.{phrase['key']}", "status": status,
                    "detail": detail, "cells": cells})
    return out
