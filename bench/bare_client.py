"""The network limit: a bare asyncio client (aiohttp) fetching a list of URLs at a given
concurrency, reading every body and doing nothing else. Prints one JSON line.

    python bench/bare_client.py URLS_FILE CONCURRENCY [INTERVAL]

With INTERVAL (seconds), the bare *polite* client: each host's URLs one at a time, in the
file's order, each no sooner than INTERVAL after the previous one to that host started,
all hosts at once — the politeness floor of a crawl that fetches those URLs.
"""
import asyncio
import json
import sys
import time
from collections import defaultdict
from urllib.parse import urlsplit

import aiohttp


async def main(urls: list[str], concurrency: int, interval: float = 0.0) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    done = {"pages": 0, "bytes": 0, "errors": 0}

    async def fetch(session, url):
        try:
            async with session.get(url) as response:
                done["bytes"] += len(await response.read())
                done["pages"] += 1
        except aiohttp.ClientError:
            done["errors"] += 1

    async def worker(session):
        while not queue.empty():
            await fetch(session, queue.get_nowait())

    async def polite_host(session, host_urls):
        for i, url in enumerate(host_urls):
            started = time.monotonic()
            await fetch(session, url)
            if i + 1 < len(host_urls):
                await asyncio.sleep(max(0.0, interval - (time.monotonic() - started)))

    limit = concurrency if not interval else 0
    connector = aiohttp.TCPConnector(limit=limit, limit_per_host=concurrency if not interval else 1)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        if interval:
            by_host = defaultdict(list)
            for url in urls:
                by_host[urlsplit(url).netloc].append(url)
            await asyncio.gather(*(polite_host(session, u) for u in by_host.values()))
        else:
            await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        done["seconds"] = time.perf_counter() - start
    return done


if __name__ == "__main__":
    urls = [line.strip() for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    print(json.dumps(asyncio.run(main(urls, int(sys.argv[2]), interval))))
