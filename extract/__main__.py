"""python -m extract PATH... — one JSON object per file (JSON Lines) on standard output.

A file that cannot be read gives an object with `errors`; the command goes on with the next.
Exit status: 0, or 1 when any file had errors (so scripts can tell).
"""
from __future__ import annotations

import argparse
import json
import sys

from .report import extract_file, failed

PUBLIC_KEYS = ("source", "format", "report_year", "year_source", "agency", "published", "layout", "active",
               "applications", "review_litigation", "checks", "errors")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m extract", description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", metavar="PATH")
    parser.add_argument("--full", action="store_true",
                        help="also print title, index number, raw cell texts, provenance and the cleaned body")
    args = parser.parse_args(argv)
    status = 0
    for path in args.paths:
        try:
            result = extract_file(path).as_dict()
        except Exception as exc:  # a bad file must not stop the run
            result = failed(path, f"extractor failed: {type(exc).__name__}: {exc}").as_dict()
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
