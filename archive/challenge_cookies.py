"""The cookies a portal's firewall challenge earned, kept between runs so that a re-crawl
does not pay the browser pass again (crawler/challenge.py saves them, crawler/cookies.py
puts them in the portal's jar at its first request).

Kept in a state file beside the archive (`<archive>.challenge-cookies.json`, mode 0600),
not in the database: the database is published (Datasette serves every table), and a
firewall's clearance cookies are the crawler's credentials for a portal, not data about
it. The file is written atomically (a temporary file, then a rename); one that cannot be
read is one recorded error and an empty state (the next pass writes it again).

A cookie with an expiry is kept until it; a session cookie (the usual `document.cookie`
of a challenge script) for `keep_seconds` after it was earned (CHALLENGE_COOKIES_KEEP_HOURS).
A portal whose cookies are refused (the challenge shown again) earns new ones, which replace them.

The saved form of a pass (`entry`) and the expiry rule (`fresh`) are this module's, whoever
keeps them: the file here, or Redis for the workers of a distributed crawl
(crawler/distributed/cookies.py).
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

SUFFIX = ".challenge-cookies.json"


def state_path(db_path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + SUFFIX)


def load(db_path, keep_seconds: float, at: float | None = None) -> tuple[dict, str | None]:
    """({portal: {"cookies": [...], "earned_at": epoch, "run": run}} of cookies not expired,
    the problem reading the file or None)."""
    path = state_path(db_path)
    if not path.exists():
        return {}, None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(saved, dict):
            raise ValueError("not a JSON object")
        return fresh(saved, keep_seconds, at), None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        return {}, f"challenge cookies in {path} unreadable ({type(exc).__name__}: {exc}); passed again when met"


def fresh(saved: dict, keep_seconds: float, at: float | None = None) -> dict:
    """The entries of `saved` ({portal: entry}) with the cookies still alive at `at` (now):
    a cookie with an expiry until it, a session cookie `keep_seconds` after it was earned;
    a portal left with none is left out. Raises KeyError/ValueError/TypeError on a bad entry."""
    at = time.time() if at is None else at
    out = {}
    for portal, entry in saved.items():
        alive = [c for c in entry["cookies"] if _alive(c, float(entry["earned_at"]), keep_seconds, at)]
        if alive:
            out[portal] = dict(entry, cookies=alive)
    return out


def _alive(cookie: dict, earned_at: float, keep_seconds: float, at: float) -> bool:
    expires = float(cookie.get("expires") or -1)
    return at < (expires if expires > 0 else earned_at + keep_seconds)


def entry(cookies: list[dict], run: str, at: float | None = None) -> dict:
    """What is kept of the cookies a pass earned (`at`: when, now by default)."""
    return {"cookies": [{k: c.get(k) for k in ("name", "value", "domain", "path", "expires", "secure")}
                        for c in cookies], "earned_at": time.time() if at is None else at, "run": run}


def save(db_path, portal: str, cookies: list[dict], run: str) -> None:
    """The cookies a pass just earned for `portal`, replacing what it had."""
    _update(db_path, lambda state: state.__setitem__(portal, entry(cookies, run)))


def drop(db_path, portal: str) -> None:
    """A portal whose challenge could not be passed keeps no cookies."""
    _update(db_path, lambda state: state.pop(portal, None))


def _update(db_path, change) -> None:
    path = state_path(db_path)
    try:
        state = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        state = state if isinstance(state, dict) else {}
    except (OSError, ValueError):
        state = {}
    change(state)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(state, out, ensure_ascii=False)
    os.replace(tmp, path)
