"""The report format (report_format.yml) loaded once, with its patterns compiled."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

FORMAT_FILE = Path(__file__).with_name("report_format.yml")
FORMATS = ("2021", "2019", "pre2019")


@lru_cache(maxsize=1)
def spec() -> dict:
    data = yaml.safe_load(FORMAT_FILE.read_text(encoding="utf-8"))
    for fmt in data["formats"].values():
        fmt["markers_re"] = [re.compile(p) for p in fmt["markers"]]
    for section in data["sections"].values():
        section["heading_re"] = re.compile(section["heading"])
    for rows in data["active"].values():
        for row in rows:
            row["label_re"] = re.compile(row["label"])
    for group in data["application_groups"]:
        group["label_re"] = re.compile(group["label"])
    for row in data["application_rows"]:
        row["label_re"] = re.compile(row["label"])
    return data


def application_rows(fmt: str) -> list[dict]:
    return [r for r in spec()["application_rows"] if fmt in r.get("formats", [fmt])]


def application_columns() -> list[str]:
    return [c["key"] for c in spec()["application_columns"]]


def review_blocks() -> list[str]:
    return [b["key"] for b in spec()["review_blocks"]]


def review_outcomes() -> list[str]:
    return [o["key"] for o in spec()["review_outcomes"]]


def active_rows(fmt: str) -> list[dict]:
    return spec()["active"].get(fmt, [])


def detect_format(text: str, report_year: int | None) -> str:
    """The format by its markers, else by report year (REPORT-FORMAT.md's fallback)."""
    from .values import fold

    if report_year is not None and report_year < 2019:
        return "pre2019"  # no national table before 2019, whatever words the text uses
    folded = fold(text)
    for name, fmt in spec()["formats"].items():
        if any(r.search(folded) for r in fmt["markers_re"]):
            return name
    if report_year is None:
        return "unknown"
    if report_year >= 2021:
        return "2021"
    if report_year >= 2019:
        return "2019"
    return "pre2019"
