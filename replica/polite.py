"""Slow, strict hosts for politeness tests and the bench: every site folder of ROOT served on
its own loopback address (127.20.x.y), answering after a random latency and enforcing an
interval between requests, recording the time of each one.

    python -m replica.polite ROOT [--interval 2] [--latency 0.3 2.0] [--crawl-delay-every K]

A request that comes sooner than the interval after the previous one to the same host, or
beyond the host's concurrency, is a violation: it is counted and answered 429. On a busy
machine this server's own event loop may take a request late, which shortens the gap it
measures to the next one: a watchdog notes how long the loop was away before each request
was taken, and a gap that is short only by less than that is counted apart, as `uncertain`. Every K-th
host's robots.txt says `Crawl-delay: 3` and that host enforces 3 s. Prints one line
`serving SITE URL` per host, then `control URL`: GET it for the counts as JSON
({"hosts": {url: {"requests", "violations", "min_gap", "max_concurrent"}}, "violations": n}).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import mimetypes
import random
import signal
import time
from pathlib import Path

from aiohttp import web

CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".htm": "text/html; charset=utf-8",
                 ".xml": "text/xml; charset=utf-8"}


def address(k: int) -> str:
    return f"127.20.{k // 250}.{k % 250 + 1}"


class Host:
    def __init__(self, k: int, root: Path, interval: float, latency: tuple[float, float], crawl_delay: float | None,
                 concurrency: int):
        self.root, self.latency, self.concurrency = root, latency, concurrency
        self.interval = max(interval, crawl_delay or 0)
        self.crawl_delay = crawl_delay
        self.random = random.Random(k)
        self.arrivals: list[float] = []
        self.paths: list[tuple] = []  # (time, path, early, stall): the host's request log
        self.stalls: list[float] = []
        self.violations = 0
        self.uncertain = 0  # early only by less than the server's own stall before the previous one
        self.active = self.max_active = 0
        self.min_gap = None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        now = time.monotonic()
        stall = max(0.0, now - WATCHDOG[0])  # at most this late: the loop was away so long
        early = bool(self.arrivals) and now - self.arrivals[-1] < self.interval
        if self.arrivals:
            gap = now - self.arrivals[-1]
            self.min_gap = gap if self.min_gap is None else min(self.min_gap, gap)
            if early and gap + self.stalls[-1] >= self.interval:
                self.uncertain += 1
                early = "uncertain"
        self.arrivals.append(now)
        self.stalls.append(stall)
        self.paths.append((round(now, 3), request.path, early, round(stall, 3)))
        self.active += 1
        self.max_active = max(self.max_active, self.active)
        try:
            if early is True or self.active > self.concurrency:
                self.violations += 1
            if early or self.active > self.concurrency:
                return web.Response(status=429, text="too many requests", headers={"Retry-After": "2"})
            await asyncio.sleep(self.random.uniform(*self.latency))
            return self.answer(request.path)
        finally:
            self.active -= 1

    def answer(self, path: str) -> web.Response:
        if path == "/robots.txt":
            text = "User-agent: *\nAllow: /\n" + (f"Crawl-delay: {self.crawl_delay:g}\n" if self.crawl_delay else "")
            return web.Response(text=text, content_type="text/plain")
        file = (self.root / path.lstrip("/")).resolve()
        if path.endswith("/"):
            file = file / "index.html"
        if not file.is_relative_to(self.root) or not file.is_file():
            return web.Response(status=404, text="not found")
        kind = CONTENT_TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return web.Response(body=file.read_bytes(), headers={"Content-Type": kind})

    def counts(self) -> dict:
        return {"requests": len(self.arrivals), "violations": self.violations, "uncertain": self.uncertain,
                "min_gap": self.min_gap,
                "max_concurrent": self.max_active, "interval": self.interval, "log": self.paths}


WATCHDOG = [time.monotonic()]  # when the event loop last ran the watchdog


async def _watchdog() -> None:
    while True:
        WATCHDOG[0] = time.monotonic()
        await asyncio.sleep(0.01)


async def serve(root: Path, interval: float, latency: tuple[float, float], crawl_delay_every: int,
                concurrency: int) -> None:
    watchdog = asyncio.create_task(_watchdog())
    sites = sorted(p for p in root.iterdir() if p.is_dir())
    hosts: dict[str, Host] = {}
    runners = []
    for k, site in enumerate(sites):
        delay = 3.0 if crawl_delay_every and k % crawl_delay_every == crawl_delay_every - 1 else None
        host = Host(k, site.resolve(), interval, latency, delay, concurrency)
        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", host.handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        tcp = web.TCPSite(runner, address(k), 0)
        await tcp.start()
        port = tcp._server.sockets[0].getsockname()[1]
        url = f"http://{address(k)}:{port}/"
        hosts[url] = host
        runners.append(runner)
        print(f"serving {site.name} {url}", flush=True)

    async def control(request):
        counts = {url: h.counts() for url, h in hosts.items()}
        return web.json_response({"hosts": counts, "violations": sum(c["violations"] for c in counts.values()),
                                  "uncertain": sum(c["uncertain"] for c in counts.values())})

    app = web.Application()
    app.router.add_get("/", control)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    tcp = web.TCPSite(runner, "127.0.0.1", 0)
    await tcp.start()
    print(f"control http://127.0.0.1:{tcp._server.sockets[0].getsockname()[1]}/", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    watchdog.cancel()
    for r in runners + [runner]:
        await r.cleanup()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m replica.polite", description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--interval", type=float, default=2.0)
    parser.add_argument("--latency", type=float, nargs=2, default=(0.3, 2.0))
    parser.add_argument("--crawl-delay-every", type=int, default=0)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.root, args.interval, tuple(args.latency), args.crawl_delay_every, args.concurrency))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
