"""One clock for every timestamp the archive writes (UTC, seconds, ISO 8601)."""
from __future__ import annotations

from datetime import datetime, timezone


def now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()
