"""The challenge cookies of a distributed crawl: what a worker's pass earned, shared by every
worker and kept between runs, in Redis (`<prefix>:challenge_cookies`, portal -> entry) — the
workers' counterpart of the state file beside a single machine's archive. The saved form
and the expiry rule (a cookie's own expiry, a session cookie CHALLENGE_COOKIES_KEEP_HOURS
after it was earned) are archive/challenge_cookies.py's; the time is Redis's own, so
workers on machines whose clocks differ agree on it.

A worker's jar for a portal starts with these at the portal's first request
(crawler/cookies.py), so a worker that comes after a pass — in the same run or a later
one — meets no challenge. Refused cookies are replaced by the next pass's; a portal whose
challenge cannot be passed keeps none."""
from __future__ import annotations

import json

from archive import challenge_cookies


class SharedChallengeCookies:
    """`get(portal)` as the single machine's `kept_cookies` dict; `keep` and `drop` write."""

    def __init__(self, server, key: str, keep_seconds: float):
        self.server, self.key, self.keep_seconds = server, key, keep_seconds

    def _now(self) -> float:
        seconds, micro = self.server.time()
        return seconds + micro / 1e6

    def get(self, portal: str, default=None):
        raw = self.server.hget(self.key, portal)
        if raw is None:
            return default
        try:
            alive = challenge_cookies.fresh({portal: json.loads(raw)}, self.keep_seconds, self._now())
        except (ValueError, KeyError, TypeError, AttributeError):
            self.server.hdel(self.key, portal)  # unreadable: the challenge is passed again when met
            return default
        return alive.get(portal, default)

    def keep(self, portal: str, cookies: list[dict], run: str) -> None:
        entry = challenge_cookies.entry(cookies, run, at=self._now())
        self.server.hset(self.key, portal, json.dumps(entry, ensure_ascii=False))

    def drop(self, portal: str) -> None:
        self.server.hdel(self.key, portal)
