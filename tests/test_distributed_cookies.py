"""Distributed mode keeps the cookies a firewall challenge's pass earned, as a single machine
does: in Redis, shared by every worker and kept between runs with the same expiry rule. Real
Redis (redis-server on a free port), the mechanism portals behind a challenge
(replica/mechanisms.py, class `challenge`: 加速乐's HTTP 521 script, a Set-Cookie + meta
refresh), two runs each by a worker of its own: the second worker passes no challenge."""
from __future__ import annotations

import json
import shutil
import time
import urllib.parse

import pytest
import redis
import sqlite_utils
import yaml

from crawler.distributed.cookies import SharedChallengeCookies
from crawler.distributed.keys import Keys
from replica.mechanisms import build, description, origins

from .redis_servers import push_seeds, redis_server
from .servers import replica
from .test_distributed import run_distributed

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="the portals' Word report needs LibreOffice")
SPEC = {**description(), "classes": {"challenge": description()["classes"]["challenge"]}}


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("distributed-cookies")
    portals = build(tmp / "sites", SPEC)
    with replica({origin: f"{host}:0" for origin, host in origins(portals).items()}, root=tmp / "sites") as urls, \
            redis_server() as url:
        netloc = lambda origin: urllib.parse.urlsplit(urls[origin]).netloc  # noqa: E731
        seeds = tmp / "seeds.yml"
        seeds.write_text(yaml.safe_dump([{"id": m.name, "name": m.organ, "url": urls[m.origin], "level": "county",
                                          "allowed_hosts": [netloc(m.origin)]} for m in portals],
                                        allow_unicode=True), encoding="utf-8")
        codes, kept = {}, {}
        for name in ("first", "second"):
            assert push_seeds(seeds, url).returncode == 0
            codes[name], _ = run_distributed(url, tmp, name, workers=1)
            server = redis.Redis.from_url(url)
            kept[name] = {k.decode(): json.loads(v) for k, v in server.hgetall(Keys().challenge_cookies).items()}
    db = sqlite_utils.Database(tmp / "x.db")
    run_ids = [r[0] for r in db.execute("select distinct run from crawl_runs order by run").fetchall()]
    rows = [{r["portal"]: r for r in db["crawl_runs"].rows_where("run = ?", [run])} for run in run_ids]
    return {"portals": portals, "codes": codes, "kept": kept, "db": db, "run_ids": run_ids, "rows": rows}


def test_both_runs_end_and_read_every_report(two_runs):
    assert two_runs["codes"] == {"first": [0, 0], "second": [0, 0]}, two_runs["codes"]
    assert len(two_runs["rows"]) == 2
    for m in two_runs["portals"]:
        first, second = (rows[m.name] for rows in two_runs["rows"])
        assert first["reports_new"] >= 1 and second["reports_found"] == first["reports_found"], (first, second)
        assert second["reports_unchanged"] == second["reports_found"], second


def test_the_first_run_passes_the_challenge_and_keeps_its_cookies_in_redis(two_runs):
    first_run = two_runs["run_ids"][0]
    for m in two_runs["portals"]:
        assert two_runs["rows"][0][m.name]["browser_renders"] >= 1, two_runs["rows"][0][m.name]
        entry = two_runs["kept"]["first"][m.name]
        assert entry["run"] == first_run and entry["cookies"] and all(c["name"] for c in entry["cookies"]), entry


def test_the_second_run_on_another_worker_passes_no_challenge(two_runs):
    db, second_run = two_runs["db"], two_runs["run_ids"][1]
    for m in two_runs["portals"]:
        row = two_runs["rows"][1][m.name]
        assert row["browser_renders"] == 0, row  # no pass: the first run's cookies were sent
        assert not list(db["errors"].rows_where("run = ? and portal = ? and stage in ('challenge', 'fetch')",
                                                [second_run, m.name]))
        assert two_runs["kept"]["second"][m.name] == two_runs["kept"]["first"][m.name]  # not earned again


def test_kept_cookies_expire_as_on_a_single_machine():
    """A session cookie CHALLENGE_COOKIES_KEEP_HOURS after it was earned, one with an expiry at
    it (on Redis's clock); an unreadable entry is dropped (the challenge is passed again)."""
    with redis_server() as url:
        server = redis.Redis.from_url(url)
        store = SharedChallengeCookies(server, "t:challenge_cookies", keep_seconds=3600)
        store.keep("p", [{"name": "__jsl_clearance_s", "value": "1", "domain": "127.0.0.1", "path": "/"},
                         {"name": "wzws_cid", "value": "2", "domain": "127.0.0.1", "path": "/",
                          "expires": time.time() + 7200}], "r1")
        assert [c["name"] for c in store.get("p")["cookies"]] == ["__jsl_clearance_s", "wzws_cid"]
        entry = json.loads(server.hget("t:challenge_cookies", "p"))
        server.hset("t:challenge_cookies", "p", json.dumps(dict(entry, earned_at=entry["earned_at"] - 3601)))
        assert [c["name"] for c in store.get("p")["cookies"]] == ["wzws_cid"]  # the session cookie lapsed
        server.hset("t:challenge_cookies", "p", json.dumps(dict(entry, earned_at=entry["earned_at"] - 3601,
                                                                cookies=entry["cookies"][:1])))
        assert store.get("p") is None
        server.hset("t:challenge_cookies", "q", "{not json")
        assert store.get("q") is None and not server.hexists("t:challenge_cookies", "q")
        store.drop("p")
        assert not server.hexists("t:challenge_cookies", "p")
