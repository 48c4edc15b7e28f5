"""When a worker waits, with a real Redis and real worker processes; the other parties are
the Redis state they leave (a loader's lease and run state, another worker's heartbeat and
in-flight requests):
- a worker waiting for a run its loader was planning waits while the loader's lease (its
  lock key) is kept alive; once the loader is gone (a SIGKILL leaves the run in `planning`
  and the lease runs out) it exits with one clear line and status 3, and says so in
  <prefix>:progress — it never waits forever;
- a worker with an empty queue never exits idle while another live worker has requests in
  flight (what they find, or the requests themselves if it dies, may come to it); once they
  are done it exits after its idle time."""
from __future__ import annotations

import time

import redis

from crawler.distributed.keys import Keys

from .redis_servers import redis_server, start_worker

GRACE = 2.0


def test_a_worker_exits_when_the_loader_died_while_planning(tmp_path):
    keys = Keys()
    with redis_server() as url:
        server = redis.Redis.from_url(url)
        # what a loader leaves when it is killed mid-planning: the run in `planning`, its lease
        server.hset(keys.run, mapping={"id": "20261202T000000Z-d1", "state": "planning", "portals": 3})
        server.set(keys.loader, "loader-being-killed", px=1000)
        log = tmp_path / "worker.log"
        worker = start_worker(url, tmp_path / "warcs", log, idle_exit=0, worker_id="w-orphan",
                              extra=("-s", f"WORKER_LOADER_GRACE={GRACE}", "-s", "WORKER_HEARTBEAT=3"))
        try:
            # a live loader that plans for a while: its lease refreshed, the worker waits
            joined = time.monotonic() + 60
            while b"w-orphan" not in server.smembers(keys.workers) and time.monotonic() < joined:
                server.pexpire(keys.loader, 1000)
                assert worker.poll() is None, log.read_text()[-3000:]
                time.sleep(0.2)
            planning_until = time.monotonic() + 3 * GRACE
            while time.monotonic() < planning_until:
                server.pexpire(keys.loader, 1000)
                time.sleep(0.2)
            assert worker.poll() is None, "the worker left while the loader was alive:\n" + log.read_text()[-3000:]
            # the loader dies: its lease is no longer refreshed
            died = time.monotonic()
            code = worker.wait(timeout=120)
            waited = time.monotonic() - died
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        text = log.read_text()
        assert code == 3, text[-3000:]
        lines = [line for line in text.splitlines() if "no loader, the worker exits" in line]
        assert len(lines) == 1, text[-3000:]
        assert "w-orphan" in lines[0] and "(planning)" in lines[0] and keys.loader in lines[0]
        assert "Traceback" not in text
        assert waited >= GRACE  # not before the lease expired and the grace passed
        recorded = server.hget(keys.progress, "w-orphan").decode()
        assert "no loader, the worker exits" in recorded
        assert not server.exists(keys.alive("w-orphan"))  # it left the crawl as a worker does


def test_a_worker_does_not_exit_idle_while_another_has_requests_in_flight(tmp_path):
    keys, idle = Keys(), 2.0
    with redis_server() as url:
        server = redis.Redis.from_url(url)
        server.hset(keys.run, mapping={"id": "20261202T000000Z-d1", "state": "crawling", "portals": 1})
        server.set(keys.loader, "a-live-loader", px=600_000)
        # another worker, alive, with one request taken and not finished
        server.sadd(keys.workers, "w-busy")
        server.set(keys.alive("w-busy"), "1", px=600_000)
        server.zadd(keys.inflight("w-busy"), {b"a request being downloaded": -30})
        log = tmp_path / "idle.log"
        worker = start_worker(url, tmp_path / "warcs", log, idle_exit=idle, worker_id="w-idle")
        try:
            joined = time.monotonic() + 60
            while b"w-idle" not in server.smembers(keys.workers) and time.monotonic() < joined:
                assert worker.poll() is None, log.read_text()[-3000:]
                time.sleep(0.2)
            time.sleep(4 * idle)
            assert worker.poll() is None, "left while another worker had requests in flight:\n" + log.read_text()[-3000:]
            server.delete(keys.inflight("w-busy"))  # the other worker finished its request
            done = time.monotonic()
            code = worker.wait(timeout=120)
            waited = time.monotonic() - done
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        text = log.read_text()
        assert code == 0, text[-3000:]
        assert waited >= idle and "queue empty for 2 s: worker w-idle exits" in text
