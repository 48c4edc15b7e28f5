"""Part 1, extraction: reports per second per core of the whole pipeline (decode, scope,
clean, tables, checks) on the real samples and on copies of the 沭阳 HTML page, against
trafilatura alone and lxml's parser alone on the same bytes; and OCR seconds per page."""
from __future__ import annotations

import tempfile
from pathlib import Path

from .measure import cpu_seconds, profile_top
from .results import Figure

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "files" / "samples"
PAGE = SAMPLES / "shuyang-fgj-2023.html"
COPIES = {"default": 200, "medium": 50, "small": 20}


def html_rates(copies: int) -> dict:
    """CPU seconds per report for the pipeline, trafilatura alone and lxml alone over the
    same files; measured in interleaved blocks so a noisy neighbour hits all three alike."""
    import lxml.html
    import trafilatura

    from extract import extract_file

    with tempfile.TemporaryDirectory() as tmp:
        files = []
        for i in range(copies):
            path = Path(tmp) / f"copy-{i:03d}.html"
            path.write_bytes(PAGE.read_bytes())
            files.append(path)
        runs = {
            "pipeline": lambda batch: [extract_file(p) for p in batch],
            "trafilatura": lambda batch: [trafilatura.extract(p.read_bytes(), include_tables=True) for p in batch],
            "lxml": lambda batch: [lxml.html.fromstring(p.read_bytes()) for p in batch],
        }
        for run in runs.values():  # warm: imports, caches
            run(files[:2])
        totals = dict.fromkeys(runs, 0.0)
        block = max(1, copies // 5)
        for start in range(0, copies, block):
            batch = files[start:start + block]
            for name, run in runs.items():
                totals[name] += cpu_seconds(lambda: run(batch))
        profile = profile_top(lambda: runs["pipeline"](files[:min(10, copies)]))
    return {name: total / copies for name, total in totals.items()} | {"profile": profile}


def sample_rates(rounds: int) -> dict[str, float]:
    """CPU seconds per report of the pipeline on each real sample, by kind."""
    from extract import extract_file

    per_kind: dict[str, list[float]] = {}
    for path in sorted(SAMPLES.iterdir()):
        extract_file(path)
        seconds = min(cpu_seconds(lambda: extract_file(path)) for _ in range(rounds))
        kind = {".txt": "text", ".pdf": "PDF"}.get(path.suffix, "HTML")
        per_kind.setdefault(kind, []).append(seconds)
    return {kind: sum(v) / len(v) for kind, v in per_kind.items()} | {
        "all": sum(sum(v) for v in per_kind.values()) / sum(len(v) for v in per_kind.values())}


def ocr_seconds_per_page() -> tuple[float, float]:
    """(CPU seconds, wall seconds) of reading one page image by OCR: the 南湖
    report printed as a page image (tests/layouts.py), the OCR engine loaded beforehand."""
    import json
    import time

    from extract import extract_bytes
    from extract.ocr import engine
    from tests.layouts import to_page_image

    label = json.loads((ROOT / "tests" / "files" / "labels" / "nanhu-2023.json").read_text(encoding="utf-8"))
    image = to_page_image(label)
    engine()
    started = time.monotonic()
    cpu = cpu_seconds(lambda: extract_bytes(image, "page.png"))
    return cpu, time.monotonic() - started


def run(size: str, context: dict) -> list[Figure]:
    copies = COPIES.get(size, COPIES["default"])
    html = html_rates(copies)
    context["extract_seconds_per_report"] = html["pipeline"]
    ratio = html["pipeline"] / html["trafilatura"]
    figures = [
        Figure(f"extraction, whole pipeline, {copies} copies of the 沭阳 HTML page", 1 / html["pipeline"],
               "reports/s/core", "trafilatura.extract(include_tables=True) alone", 1 / html["trafilatura"],
               ratio=ratio, target="time ratio ≤ 1.0", met=ratio <= 1.0,
               limits=[] if ratio <= 1.0 else html["profile"]),
        Figure("extraction, whole pipeline vs the floor (lxml.html.fromstring alone)", 1 / html["pipeline"],
               "reports/s/core", "lxml.html.fromstring", 1 / html["lxml"],
               ratio=html["pipeline"] / html["lxml"], target="(time ratio; informative)"),
    ]
    samples = sample_rates(1 if size == "small" else 3)
    for kind in ("HTML", "PDF", "text", "all"):
        if kind in samples:
            figures.append(Figure(f"extraction, real samples ({kind})", 1 / samples[kind], "reports/s/core",
                                  "trafilatura alone on the HTML page", 1 / html["trafilatura"],
                                  ratio=samples[kind] / html["trafilatura"], target="(time ratio; informative)"))
    cpu, wall = ocr_seconds_per_page()
    figures.append(Figure("OCR, one page image (南湖 2023 printed by PIL), wall seconds per page", wall, "s/page",
                          "CPU seconds of the same page", cpu, target="(informative)"))
    return figures
