"""python -m bench [--part extract|crawl|recrawl|queries|distributed|hostile|polite ...] [--size small|medium]

Runs the parts (extract, crawl, recrawl and queries by default), prints one table — figure, value, baseline, ratio, target,
verdict — and writes it to bench/RESULTS.md with the machine it ran on."""
from __future__ import annotations

import argparse
import datetime
import subprocess
import sys
import time
from pathlib import Path

from . import results

ROOT = Path(__file__).resolve().parent.parent
PARTS = ["extract", "crawl", "recrawl", "queries", "distributed", "hostile", "polite", "browser"]
DEFAULT_PARTS = PARTS[:4]  # the figures of issue 13, within 20 minutes; the others on demand
SCRIPTS = {"distributed": "distributed.py", "hostile": "hostile_extract.py"}  # other sessions' benchmarks
TITLES = {"extract": "1. Extraction", "crawl": "2. Crawl", "recrawl": "3. Re-crawl",
          "queries": "4. Queries at scale", "distributed": "5. Distributed crawl (scrapy-redis)",
          "hostile": "6. Hostile inputs (bench/hostile_extract.py)",
          "polite": "7. Many slow polite hosts (bench/polite.py)",
          "browser": "8. The browser: rendered lists and the reference of a full discovery"}


def run_part(name: str, size: str, context: dict) -> list[results.Figure] | str:
    if name == "extract":
        from . import extraction
        return extraction.run(size, context)
    if name == "browser":
        from . import crawl
        return crawl.browser_part(size, context)
    if name in ("crawl", "recrawl"):
        from . import crawl
        return crawl.run(name, size, context)
    if name == "queries":
        from . import queries
        return queries.run(size, context)
    if name == "polite":
        from . import polite
        return polite.run(size, context)
    if name in SCRIPTS:
        script = Path(__file__).with_name(SCRIPTS[name])
        if not script.exists():
            return f"bench/{script.name} is not there yet: nothing measured.\n"
        args = [sys.executable, str(script)]
        proc = subprocess.run(args, cwd=ROOT, capture_output=True, text=True)
        return proc.stdout + (f"\nexit status {proc.returncode}\n```\n{proc.stderr[-2000:]}\n```\n"
                              if proc.returncode else "")
    raise SystemExit(f"unknown part {name!r}: one of {', '.join(PARTS)}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--part", action="append", choices=PARTS,
                        help=f"default: {', '.join(DEFAULT_PARTS)}; also: {', '.join(PARTS[4:])}")
    parser.add_argument("--size", default="default", choices=["default", "medium", "small"])
    args = parser.parse_args(argv)
    parts = args.part or DEFAULT_PARTS
    context: dict = {}
    sections = {}
    began = time.perf_counter()
    if "queries" in parts and "extract" in parts:
        # the synthetic archive is built while extraction is measured (CPU time per process);
        # queries runs next, so the build never overlaps the crawl's wall-clock figures
        from . import queries
        queries.start_build(args.size, context)
        parts = [p for p in parts if p != "queries"]
        parts.insert(parts.index("extract") + 1, "queries")
    for name in parts:
        start = time.perf_counter()
        print(f"== {TITLES[name]} ({args.size}) …", flush=True)
        try:
            outcome = run_part(name, args.size, context)
        except Exception as exc:  # one part failing must not lose the others' figures
            import traceback
            outcome = f"failed: {type(exc).__name__}: {exc}\n```\n{traceback.format_exc()[-3000:]}```\n"
        text = outcome if isinstance(outcome, str) else results.table(outcome)
        took = time.perf_counter() - start
        section = f"## {TITLES[name]}\n\nSize {args.size}; took {took:.0f} s.\n\n{text}"
        print(section, flush=True)
        sections[name] = section
    for cleanup in context.get("cleanup", []):  # servers and temporary folders of the parts
        cleanup()
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    minutes = (time.perf_counter() - began) / 60
    whole = args.part is None and args.size == "default"
    budget = (f" The whole default run took {minutes:.1f} min (target: within 20 min on 2 cores: "
              f"{'met' if minutes <= 20 else '**MISSED**'})." if whole else
              f" That run ({', '.join(parts)}, size {args.size}) took {minutes:.1f} min.")
    header = ("# Benchmark results\n\n`make bench` (parts: `make bench PART=extract|crawl|recrawl|queries|distributed|hostile|polite`, "
              "quick look: `SIZE=small`). Every figure is compared with a baseline measured in the same run.\n\n"
              f"Last run {stamp} on {results.machine()}.{budget}")
    results.write(sections, header)
    print(f"written {results.RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
