"""First crawl vs. re-crawl of the unchanged replica: wall time, pages and bytes per run,
with a polite delay between requests as on real portals (default 0.25 s; real crawls use 2 s).

    .venv/bin/python bench/recrawl.py [DELAY_SECONDS]
"""
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlite_utils  # noqa: E402

from tests.servers import SITES, crawl, free_port, replica, seeds_file  # noqa: E402


def main(delay: float = 0.25) -> None:
    with tempfile.TemporaryDirectory() as tmp, replica({s: free_port() for s in SITES}) as sites:
        db_path = Path(tmp) / "archive.db"
        seeds = seeds_file(Path(tmp) / "seeds.yml", sites)
        for name in ("first crawl", "re-crawl"):
            start = time.perf_counter()
            result = crawl(seeds, db_path, "-s", f"DOWNLOAD_DELAY={delay}")
            elapsed = time.perf_counter() - start
            run = sqlite_utils.Database(db_path).execute(
                "select sum(pages), sum(bytes), sum(reports_found), sum(captures_new) from crawl_runs "
                "where run = (select max(run) from crawl_runs)").fetchone()
            print(f"{name:12s} {elapsed:6.1f} s  exit {result.returncode}  pages {run[0]}  bytes {run[1]}  "
                  f"reports {run[2]}  new captures {run[3]}")


if __name__ == "__main__":
    main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.25)
