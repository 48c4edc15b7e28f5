"""Queue a crawl: `python -m crawler.distributed.push_seeds SEEDS.yml --redis redis://host:port/db`.

The seeds are checked here and queued as a plan; the loader, which owns the archive, turns
the plan into the run's first requests (known reports revalidated, remembered columns or a
full discovery per portal) when no other run is being crawled.
"""
from __future__ import annotations

import argparse
import json
import sys

import redis

from archive.clock import now

from ..seeds import SeedsError, load_seeds
from .keys import Keys


def push(server, keys: Keys, seeds_path: str) -> dict:
    plan = {"seeds_path": str(seeds_path), "portals": load_seeds(seeds_path), "pushed_at": now()}
    server.lpush(keys.plans, json.dumps(plan, ensure_ascii=False))
    return plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("seeds")
    parser.add_argument("--redis", required=True)
    parser.add_argument("--prefix", default="reports")
    args = parser.parse_args(argv)
    try:
        plan = push(redis.Redis.from_url(args.redis), Keys(args.prefix), args.seeds)
    except SeedsError as exc:
        print(f"push-seeds: {exc}", file=sys.stderr)
        return 2
    except redis.RedisError as exc:
        print(f"push-seeds: Redis at {args.redis}: {exc}", file=sys.stderr)
        return 2
    print(f"queued {len(plan['portals'])} portals from {args.seeds}; the loader plans the run")
    return 0


if __name__ == "__main__":
    sys.exit(main())
