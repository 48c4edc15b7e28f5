"""Datasette as the archive is published: `python -m publish.serve archive.db [--host H] [--port P]`.

The one place for the serving settings, used by `make serve`, the tests and the benchmarks:
- the database is opened `--immutable` (read-only; Datasette counts its tables once at start);
- SQL time limit 3 s: a query that runs longer gets an error page, never a hung server
  (arbitrary SQL: 1 s, two at a time — publish/limits.py);
- 6 SQL threads, so a reader's own SQL (at most two at a time) never holds all of them;
- `suggest_facets off`: Datasette would otherwise try every column of a table page as a
  facet (up to 50 ms each) on every request; the facets worth having are set in metadata.yml;
- cells cut to 160 characters in HTML tables (the report page and the JSON give the full text).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = {"sql_time_limit_ms": 3000, "num_sql_threads": 6, "suggest_facets": "off", "truncate_cells_html": 160}


def command(db: Path | str, host: str = "127.0.0.1", port: int = 8001) -> list[str]:
    """The datasette command line that serves `db`."""
    datasette = Path(sys.executable).parent / "datasette"
    args = [str(datasette), "serve", "--immutable", str(db), "--metadata", str(ROOT / "metadata.yml"),
            "--host", host, "--port", str(port)]
    for name, value in SETTINGS.items():
        args += ["--setting", name, str(value)]
    return args


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m publish.serve", description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    if not args.db.is_file():
        print(f"error: no archive at {args.db} (make archive builds one)", file=sys.stderr)
        return 2
    from archive.health import archive_problem

    problem = archive_problem(args.db)
    if problem:  # a truncated or foreign file: one line, not Datasette's traceback
        print(f"error: {args.db}: {problem}; not served", file=sys.stderr)
        return 2
    cmd = command(args.db, args.host, args.port)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    sys.exit(main())
