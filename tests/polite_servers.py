"""Slow, strict hosts on 127.20.x.y (replica/polite.py) as a subprocess, for the politeness
tests and the bench: yields ({site: base URL}, a function returning the hosts' counts)."""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from .servers import ROOT


@contextmanager
def polite_hosts(root: Path, *, interval: float = 2.0, latency=(0.3, 2.0), crawl_delay_every: int = 0):
    errors = tempfile.TemporaryFile(mode="w+")
    proc = subprocess.Popen([sys.executable, "-m", "replica.polite", str(root), "--interval", str(interval),
                             "--latency", str(latency[0]), str(latency[1]),
                             "--crawl-delay-every", str(crawl_delay_every)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True)
    sites, control = {}, None
    try:
        while control is None:
            line = proc.stdout.readline()
            if not line:
                proc.wait(timeout=10)
                errors.seek(0)
                raise RuntimeError(f"polite hosts exited: {errors.read()[-2000:]}")
            if line.startswith("serving "):
                _, name, url = line.split()
                sites[name] = url
            elif line.startswith("control "):
                control = line.split()[1]

        def counts() -> dict:
            with urllib.request.urlopen(control, timeout=30) as response:
                return json.loads(response.read())
        yield sites, counts
    finally:
        proc.terminate()
        proc.wait(timeout=10)
