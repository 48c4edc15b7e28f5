"""The network limit: a bare asyncio client (aiohttp) fetching a list of URLs at a given
concurrency, reading every body and doing nothing else. Prints one JSON line.

    python bench/bare_client.py URLS_FILE CONCURRENCY
"""
import asyncio
import json
import sys
import time

import aiohttp


async def main(urls: list[str], concurrency: int) -> dict:
    queue: asyncio.Queue = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    done = {"pages": 0, "bytes": 0, "errors": 0}

    async def worker(session):
        while not queue.empty():
            url = queue.get_nowait()
            try:
                async with session.get(url) as response:
                    done["bytes"] += len(await response.read())
                    done["pages"] += 1
            except aiohttp.ClientError:
                done["errors"] += 1

    connector = aiohttp.TCPConnector(limit=concurrency, limit_per_host=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        start = time.perf_counter()
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
        done["seconds"] = time.perf_counter() - start
    return done


if __name__ == "__main__":
    urls = [line.strip() for line in open(sys.argv[1], encoding="utf-8") if line.strip()]
    print(json.dumps(asyncio.run(main(urls, int(sys.argv[2])))))
