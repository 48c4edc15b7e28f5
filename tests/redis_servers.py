"""A real Redis for the distributed-mode tests and bench: Debian's redis-server on a free
127.0.0.1 port, in a temporary folder, stopped afterwards; and the three commands of
distributed mode as subprocesses."""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .servers import ROOT, free_port

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@contextmanager
def redis_server():
    """Yields the server's URL (redis://127.0.0.1:PORT/0)."""
    import redis

    port = free_port()
    with tempfile.TemporaryDirectory() as folder:
        log = open(Path(folder) / "redis.log", "w+")
        proc = subprocess.Popen(
            [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder,
             "--save", "", "--appendonly", "no", "--protected-mode", "yes"],
            stdout=log, stderr=log)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            client = redis.Redis.from_url(url)
            for _ in range(100):
                try:
                    client.ping()
                    break
                except redis.ConnectionError:
                    if proc.poll() is not None:
                        log.seek(0)
                        raise RuntimeError(f"redis-server exited: {log.read()[-2000:]}")
                    time.sleep(0.05)
            yield url
        finally:
            proc.terminate()
            proc.wait(timeout=10)
            log.close()


def push_seeds(seeds: Path, url: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crawler.distributed.push_seeds", str(seeds), "--redis", url],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)


def start_worker(url: str, warc_dir: Path, log: Path, *, idle_exit: float = 10, worker_id: str | None = None,
                 extra: tuple = ()) -> subprocess.Popen:
    """A worker with the replica's settings (no politeness delay), its log in a file."""
    args = [sys.executable, "-m", "crawler.distributed.worker", "--redis", url, "--idle-exit", str(idle_exit),
            "--warc-dir", str(warc_dir), "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False",
            "-s", "LOG_LEVEL=INFO", *extra]
    if worker_id:
        args += ["--worker-id", worker_id]
    return subprocess.Popen(args, cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT)


def start_loader(url: str, db: Path, log: Path, *, idle_exit: float = 15) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "crawler.distributed.loader", "--redis", url,
                             "--archive", str(db), "--idle-exit", str(idle_exit)],
                            cwd=ROOT, stdout=open(log, "w"), stderr=subprocess.STDOUT)
