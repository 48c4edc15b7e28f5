"""Real servers for the tests: the portal replica and Datasette, on 127.0.0.1."""
from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from publish.serve import command as serve_command

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


_given: set[int] = set()


def free_port() -> int:
    """A port free now and not handed out before in this test run."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port not in _given:
            _given.add(port)
            return port


SITES = ("jcms", "trs", "ucap", "spa", "gkmlpt", "oldsite", "jpaas")


@contextmanager
def replica(ports: dict | None = None, edition: int = 1, root: Path | None = None,
            request_log: Path | None = None):
    """`python -m replica` (all sites, free ports unless given); yields {site: base URL}."""
    ports = ports or {name: 0 for name in SITES}
    args = [a for name, port in ports.items() for a in ("--site", f"{name}={port}")]
    if root is not None:
        args += ["--root", str(root)]
    if request_log is not None:
        args += ["--request-log", str(request_log)]
    errors = tempfile.TemporaryFile(mode="w+")  # a file, not a pipe: it never fills up
    proc = subprocess.Popen([sys.executable, "-m", "replica", "--edition", str(edition), *args],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=errors, text=True)
    sites = {}
    try:
        while not set(ports) <= set(sites):  # helpers the sites bring (the canary) come too
            line = proc.stdout.readline()
            if not line:
                proc.wait(timeout=10)
                errors.seek(0)
                raise RuntimeError(f"replica server exited before serving: {errors.read()[-2000:]}")
            if line.startswith("serving "):
                _, name, url = line.split()
                sites[name] = url
        yield sites
    finally:
        proc.terminate()
        proc.wait(timeout=10)


PORTALS = {  # site -> (portal id, name, region, level)
    "jcms": ("replica-jiaxing", "嘉兴市人民政府（复刻）", "浙江省嘉兴市", "prefecture"),
    "trs": ("replica-pingtan", "平潭综合实验区（复刻）", "福建省平潭综合实验区", "prefecture"),
    "ucap": ("replica-shuyang", "沭阳县人民政府（复刻）", "江苏省宿迁市沭阳县", "county"),
    "spa": ("replica-zhapu", "嘉兴港区（复刻）", "浙江省嘉兴市", "county"),
    "gkmlpt": ("replica-huaian", "淮安市人民政府（复刻）", "江苏省淮安市", "prefecture"),
    "oldsite": ("replica-pingtan-old", "平潭综合实验区旧版网站（复刻）", "福建省平潭综合实验区", "prefecture"),
    "jpaas": ("replica-pingtan-new", "平潭综合实验区新版网站（复刻）", "福建省平潭综合实验区", "prefecture"),
    "hostile": ("replica-hostile", "恶意测试门户（复刻）", "浙江省嘉兴市", "county"),
}


def seeds_file(path: Path, sites: dict) -> Path:
    import urllib.parse

    import yaml

    entries = []
    for site, url in sites.items():
        if site not in PORTALS:  # a helper the replica runs beside its sites (the canary)
            continue
        portal_id, name, region, level = PORTALS[site]
        entries.append({"id": portal_id, "name": name, "url": url, "region": region, "level": level,
                        "allowed_hosts": [urllib.parse.urlsplit(url).netloc]})
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")
    return path


def crawl(seeds: Path, db: Path, *extra: str) -> subprocess.CompletedProcess:
    """One whole crawl in a subprocess (a Twisted reactor cannot restart in this process)."""
    return subprocess.run(
        [str(BIN / "scrapy"), "crawl", "reports", "-a", f"seeds={seeds}", "-s", f"ARCHIVE_DB={db}",
         "-s", "DOWNLOAD_DELAY=0", "-s", "AUTOTHROTTLE_ENABLED=False", "-s", "LOG_LEVEL=INFO", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600)


@contextmanager
def datasette(db: Path, startup_seconds: float = 20, base_url: str | None = None):
    """Datasette as `make serve` runs it; a large immutable database takes longer to open
    (its tables are counted), hence startup_seconds. `base_url`: the public address feeds and
    citations use (ARCHIVE_BASE_URL), else the default."""
    import os

    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")  # access log: a file, so a long test never blocks
    env = dict(os.environ)
    env.pop("ARCHIVE_BASE_URL", None)
    if base_url:
        env["ARCHIVE_BASE_URL"] = base_url
    proc = subprocess.Popen(serve_command(db, port=port), cwd=ROOT, stdout=log, stderr=log, text=True, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + startup_seconds
        while True:
            try:
                urllib.request.urlopen(base + "/-/versions.json", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    log.seek(0)
                    raise RuntimeError(f"datasette exited: {log.read()[-2000:]}")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"datasette not answering after {startup_seconds:.0f} s")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def get_json(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read().decode("utf-8"))


def demo_build(db: Path, seeds: Path, ports: dict, *extra: str) -> subprocess.CompletedProcess:
    """`make archive` as a subprocess (python -m replica.demo), the replica on `ports`."""
    sites = [a for name, port in ports.items() for a in ("--site", f"{name}={port}")]
    return subprocess.run([sys.executable, "-m", "replica.demo", str(db), "--seeds", str(seeds), *sites, *extra],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
