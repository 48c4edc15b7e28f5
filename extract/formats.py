"""The report format (report_format.yml) loaded once, with its patterns compiled."""
from __future__ import annotations

import re
from functools import lru_cache

from . import rules

FORMAT_FILE = rules.HERE / "report_format.yml"
FORMATS = ("2021", "2019", "pre2019")


@lru_cache(maxsize=1)
def spec() -> dict:
    data = rules.load(FORMAT_FILE.name)
    for fmt in data["formats"].values():
        fmt["markers_re"] = [re.compile(p) for p in fmt["markers"]]
    for section in data["sections"].values():
        section["heading_re"] = re.compile(section["heading"])
        section["inline_re"] = re.compile(section["inline"])
    for rows in data["active"].values():
        for row in rows:
            row["label_re"] = re.compile(row["label"])
    for group in data["application_groups"]:
        group["label_re"] = re.compile(group["label"])
    for row in data["application_rows"]:
        row["label_re"] = re.compile(row["label"])
    data["layout"]["label_start_re"] = re.compile(data["layout"]["label_start"])
    data["layout"]["page_number_re"] = re.compile(data["layout"]["page_number"])
    data["layout"]["page_marker_re"] = re.compile(data["layout"]["page_marker"])
    data["layout"]["generic_header_re"] = re.compile(data["layout"]["generic_header"])
    legacy = data["legacy"]
    legacy["header_re"] = re.compile(legacy["header"])
    legacy["columns_re"] = re.compile(legacy["columns"])
    legacy["header_word_re"] = re.compile(f"(?:{legacy['header']}|{legacy['columns']}|统计指标|指标名称|计量单位|单位)+")
    units = sorted(legacy["units"], key=len, reverse=True)
    legacy["unit_end_re"] = re.compile("^(?P<indicator>.+?)(?P<unit>" + "|".join(map(re.escape, units)) + ")$")
    return data


def identities() -> dict:
    return spec()["identities"]


def application_rows(fmt: str) -> list[dict]:
    return [r for r in spec()["application_rows"] if fmt in r.get("formats", [fmt])]


def application_columns() -> list[str]:
    return [c["key"] for c in spec()["application_columns"]]


def review_blocks() -> list[str]:
    return [b["key"] for b in spec()["review_blocks"]]


def review_outcomes() -> list[str]:
    return [o["key"] for o in spec()["review_outcomes"]]


def heading(text: str) -> str | None:
    """The table section ('active', 'applications', 'review_litigation', or 'end' for
    section 五) whose heading this line or cell is, else None."""
    from .values import fold

    folded = fold(text)
    if len(folded) >= 40:
        return None
    for name in ("active", "applications", "review_litigation", "end"):
        if spec()["sections"][name]["heading_re"].search(folded):
            # a row label such as 四、结转下年度继续办理 is not the section-四 heading
            if name == "review_litigation" and "结转" in folded:
                continue
            return name
    return None


def legacy() -> dict:
    return spec()["legacy"]


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
