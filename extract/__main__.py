"""python -m extract PATH... — one JSON object per file (JSON Lines) on standard output.

Each file is read in a bounded worker process (extract/bounded.py; limits in
extract/limits.py, changed with EXTRACT_* environment variables), one per core at a time.
A file that cannot be read, or is over a limit, gives an object with `errors`; the command
goes on with the next. Exit status: 0, or 1 when any file had errors (so scripts can tell).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .bounded import Pool, refused
from .limits import Limits
from .report import failed

PUBLIC_KEYS = ("source", "format", "report_year", "year_source", "agency", "published", "layout", "active",
               "applications", "review_litigation", "checks", "errors")


def jobs(paths: list[str], limits: Limits):
    """(bytes, name, content type) of each file; a missing or oversized one as its error."""
    for path in paths:
        try:
            size = Path(path).stat().st_size
            if size > limits.input_mb * 2**20:
                yield refused(path, f"a file of {size / 2**20:.1f} MB: over the limit of "
                                    f"{limits.input_mb} MB (EXTRACT_INPUT_MB); not read")
                continue
            yield Path(path).read_bytes(), path, ""
        except OSError as exc:
            yield failed(path, f"cannot read file: {exc.strerror or exc}").as_dict()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--full", action="store_true",
                        help="also print title, index number, raw cell texts, provenance and the cleaned body")
    args = parser.parse_args(argv)
    status = 0
    limits = Limits.from_env()
    with Pool(limits=limits) as pool:
        for result in pool.map(jobs(args.paths, limits)):
            if not args.full:
                result = {k: result[k] for k in PUBLIC_KEYS + ("headline", "legacy_indicators") if k in result}
                result["checks"] = [{k: c[k] for k in ("rule", "scope", "status", "detail", "cells") if k in c}
                                    for c in result["checks"]]
            status = status or (1 if result["errors"] else 0)
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    return status


if __name__ == "__main__":
    sys.exit(main())
