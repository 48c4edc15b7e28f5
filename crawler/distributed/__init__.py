"""Distributed mode: many crawl workers share one frontier in Redis (scrapy-redis), one
loader writes the archive.

    push-seeds ─▶ Redis plans ─▶ loader plans the run from its archive ─▶ Redis request queue
    workers (scrapy-redis scheduler + dupefilter) ─▶ own WARC files + Redis messages
    loader ─▶ archive.ingest ─▶ archive.db      (the one writer)

- `keys`: the Redis key layout; `messages`: what workers send the loader (JSON).
- `scheduler`: the scrapy-redis scheduler with a reliable queue (in-flight requests of a
  dead worker go back to the queue).
- `session`: the worker's stand-in for CrawlSession (counters in Redis, WARC per worker).
- `worker`, `loader`, `push_seeds`: the three commands (`python -m crawler.distributed.X`).
Single-machine mode (`scrapy crawl reports`) does not import any of this.
"""
