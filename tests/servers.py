"""Real servers for the tests: the portal replica and Datasette, on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def replica():
    """`python -m replica` on free ports; yields {site name: base URL}."""
    proc = subprocess.Popen([sys.executable, "-m", "replica", "--site", "jcms=0", "--site", "trs=0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    sites = {}
    try:
        while len(sites) < 2:
            line = proc.stdout.readline()
            if not line:
                raise RuntimeError("replica server exited before serving")
            if line.startswith("serving "):
                _, name, url = line.split()
                sites[name] = url
        yield sites
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def crawl(seeds: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    """One whole crawl in a subprocess (a Twisted reactor cannot restart in this process)."""
    return subprocess.run(
        [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600)


@contextmanager
def datasette(db: Path):
    port = free_port()
    proc = subprocess.Popen(
        [str(BIN / "datasette"), "serve", "--immutable", str(db), "--metadata", str(ROOT / "metadata.yml"),
         "--host", "127.0.0.1", "--port", str(port), "--setting", "sql_time_limit_ms", "3000"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"datasette exited: {proc.stderr.read()}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))
