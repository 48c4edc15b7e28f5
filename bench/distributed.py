"""Crawl rate of the replica, politeness off: single machine, then 1, 2 and 3 distributed
workers with one loader on a local Redis. Each line: wall time from the start of the
processes to the run's last crawl_runs row, pages fetched, pages per second.

    .venv/bin/python bench/distributed.py [WORKER_COUNTS, default 1,2,3]
"""
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402
import sqlite_utils  # noqa: E402

from crawler.distributed.keys import Keys  # noqa: E402
from tests.redis_servers import push_seeds, redis_server, start_loader, start_worker  # noqa: E402
from tests.servers import SITES, crawl, free_port, replica, seeds_file  # noqa: E402


def pages(db_path: Path) -> int:
    return sqlite_utils.Database(db_path).execute("select sum(pages) from crawl_runs").fetchone()[0] or 0


def line(name: str, elapsed: float, n: int) -> None:
    print(f"{name:16s} {elapsed:6.1f} s  pages {n:4d}  {n / elapsed:6.1f} pages/s", flush=True)


def distributed(seeds: Path, folder: Path, workers: int) -> tuple[float, int]:
    with redis_server() as url:
        server, keys = redis.Redis.from_url(url), Keys()
        push_seeds(seeds, url)
        start = time.perf_counter()
        procs = [start_worker(url, folder / "warcs", folder / f"w{i}.log", idle_exit=2)
                 for i in range(workers)]
        loader = start_loader(url, folder / "x.db", folder / "loader.log", idle_exit=8)
        while server.hget(keys.run, "state") != b"finished":
            if loader.poll() is not None:
                raise RuntimeError((folder / "loader.log").read_text()[-2000:])
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        for proc in procs + [loader]:
            proc.wait(timeout=120)
    return elapsed, pages(folder / "x.db")


def main(counts: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp, replica({s: free_port() for s in SITES}) as sites:
        tmp = Path(tmp)
        seeds = seeds_file(tmp / "seeds.yml", sites)
        start = time.perf_counter()
        result = crawl(seeds, tmp / "single" / "archive.db")
        elapsed = time.perf_counter() - start
        if result.returncode:
            raise RuntimeError(result.stderr[-2000:])
        line("single machine", elapsed, pages(tmp / "single" / "archive.db"))
        for n in counts:
            folder = tmp / f"workers-{n}"
            folder.mkdir()
            elapsed, fetched = distributed(seeds, folder, n)
            line(f"{n} worker{'s' if n > 1 else ''}", elapsed, fetched)


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1].split(",")] if len(sys.argv) > 1 else [1, 2, 3])
