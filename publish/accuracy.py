"""The extractor's measured accuracy, as the front page shows it: publish/accuracy.json.

Never typed by hand: tests/test_corpus.py (real reports against their hand-verified labels)
and tests/test_layouts.py (every labelled report rendered into every layout portals use) write
their accuracy tables here with `record(part, rows)` whenever the figures differ from the file's,
with the date and the commit measured. A row: {"name", "cells", "exact", "undetermined", "wrong"}.
"""
from __future__ import annotations

import datetime
import json
import subprocess
from pathlib import Path

PATH = Path(__file__).resolve().parent / "accuracy.json"
PARTS = {"layouts": "按版式（版式矩阵：每份标注报告按各门户的版式重排后读回）· By layout (layout matrix)",
         "corpus": "真实报告（人工核对的标注）· Real reports against hand-verified labels"}


def _commit(root: Path) -> str | None:
    """The commit measured; "+" when the extractor had uncommitted changes."""
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                             text=True, timeout=10)
        dirty = subprocess.run(["git", "diff", "--quiet", "HEAD", "--", "extract"], cwd=root.parent,
                               capture_output=True, timeout=10).returncode != 0
    except (OSError, subprocess.SubprocessError):
        return None
    return (out.stdout.strip() + ("+" if dirty else "")) or None


def record(part: str, rows: list[dict], path: Path = PATH) -> dict:
    """Replace one part of the accuracy file with rows measured now."""
    assert part in PARTS, part
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    total = {k: sum(r[k] for r in rows) for k in ("cells", "exact", "undetermined", "wrong")}
    if data.get(part, {}).get("rows") == rows:
        return data[part]  # the same figures: the file (and a clean checkout) stays as it is
    data[part] = {"measured_at": datetime.date.today().isoformat(), "commit": _commit(path.parent),
                  "rows": rows, "all": total}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return data[part]


def load(path: Path = PATH) -> list[dict]:
    """The parts for the front page, each with its rows' accuracy as a percentage."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    out = []
    for part, title in PARTS.items():
        if part not in data:
            continue
        measured = data[part]
        rows = [dict(r, percent=_percent(r)) for r in measured["rows"]]
        out.append({"part": part, "title": title, "measured_at": measured.get("measured_at"),
                    "commit": measured.get("commit"), "rows": rows,
                    "all": dict(measured["all"], percent=_percent(measured["all"]))})
    return out


def _percent(row: dict) -> str:
    return f"{100 * row['exact'] / row['cells']:.1f}" if row.get("cells") else "—"
