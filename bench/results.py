"""The results table: one Figure per measured thing, rendered as Markdown, and
bench/RESULTS.md, where a part run alone replaces only its own section."""
from __future__ import annotations

import os
import platform
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


@dataclass
class Figure:
    name: str
    value: float | None
    unit: str
    baseline: str = ""  # what the value is compared with
    baseline_value: float | None = None
    ratio: float | None = None  # value / baseline_value unless given
    target: str = ""  # e.g. "ratio ≤ 1.0"; empty: informative only
    met: bool | None = None  # None: no target
    limits: list[str] = field(default_factory=list)  # what limits a missed target

    def __post_init__(self):
        if self.ratio is None and self.value is not None and self.baseline_value:
            self.ratio = self.value / self.baseline_value

    @property
    def verdict(self) -> str:
        return {True: "met", False: "**MISSED**", None: "—"}[self.met]


def fmt(x, unit: str = "") -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float):
        x = f"{x:.3g}" if abs(x) < 100 else f"{x:,.0f}"
    elif isinstance(x, int):
        x = f"{x:,}"
    return f"{x} {unit}".strip()


def table(figures: list[Figure]) -> str:
    lines = ["| figure | value | baseline | ratio | target | verdict |", "|---|---|---|---|---|---|"]
    for f in figures:
        baseline = f"{f.baseline}: {fmt(f.baseline_value, f.unit)}" if f.baseline else ""
        ratio = "" if f.ratio is None else f"{f.ratio:.2f}"
        lines.append(f"| {f.name} | {fmt(f.value, f.unit)} | {baseline} | {ratio} | {f.target} | {f.verdict} |")
    for f in (f for f in figures if f.limits):
        lines += ["", f"*{f.name}* — {'missed; what limits it' if f.met is False else 'notes'}:", "", "```"]
        lines += f.limits
        lines.append("```")
    return "\n".join(lines) + "\n"


def machine() -> str:
    mem = cpu = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f"{kb / 1024 / 1024:.1f} GB memory, "
        cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text()).group(1).strip()
    except (OSError, AttributeError):
        pass
    return (f"{os.cpu_count()} cores ({cpu or platform.machine()}), {mem}"
            f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, {platform.platform()}")


def write(sections: dict[str, str], header: str) -> None:
    """Replace the sections given; keep the others from the previous file."""
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    kept = dict(re.findall(r"<!-- part:(\w+) -->\n(.*?)<!-- /part -->", old, re.S))
    kept.update(sections)
    order = ["extract", "crawl", "recrawl", "queries", "distributed", "hostile", "polite"]
    body = "".join(f"<!-- part:{name} -->\n{kept[name]}<!-- /part -->\n\n"
                   for name in sorted(kept, key=lambda n: order.index(n) if n in order else 99))
    RESULTS.write_text(header + "\n\n" + body, encoding="utf-8")
