"""Seeds files: the portals to crawl, as a YAML list (see seeds/demo.yml and the README)."""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

FIELDS = {"id", "name", "url", "region", "level", "allowed_hosts", "family", "verified", "note"}
LEVELS = {"national", "province", "prefecture", "county", "township", "department"}


class SeedsError(ValueError):
    pass


def load_seeds(path: str | Path) -> list[dict]:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SeedsError(f"cannot read seeds file {path}: {exc}") from exc
    if isinstance(data, dict):
        data = data.get("portals")
    if not isinstance(data, list) or not data:
        raise SeedsError(f"{path}: expected a non-empty list of portals")
    portals, seen = [], set()
    for i, entry in enumerate(data, 1):
        if not isinstance(entry, dict):
            raise SeedsError(f"{path}: portal {i} is not a mapping")
        unknown = set(entry) - FIELDS
        if unknown:
            raise SeedsError(f"{path}: portal {i} has unknown fields {sorted(unknown)}")
        for required in ("name", "url"):
            if not entry.get(required):
                raise SeedsError(f"{path}: portal {i} has no {required}")
        parts = urlsplit(entry["url"])
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SeedsError(f"{path}: portal {i} url {entry['url']!r} is not an http(s) URL")
        if entry.get("level") and entry["level"] not in LEVELS:
            raise SeedsError(f"{path}: portal {i} level {entry['level']!r} not in {sorted(LEVELS)}")
        portal = dict(entry)
        portal.setdefault("id", re.sub(r"[^a-z0-9]+", "-", parts.netloc.lower()).strip("-"))
        portal["allowed_hosts"] = [h.lower() for h in entry.get("allowed_hosts") or [parts.netloc]]
        if portal["id"] in seen:
            raise SeedsError(f"{path}: portal id {portal['id']!r} appears twice")
        seen.add(portal["id"])
        portals.append(portal)
    return portals


def in_scope(portal: dict, url: str) -> bool:
    """Whether a URL is on one of the portal's own hosts ('host', 'host:port', '*.domain')."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return False
    netloc, host = parts.netloc.lower(), (parts.hostname or "").lower()
    for allowed in portal["allowed_hosts"]:
        if allowed.startswith("*."):
            if host == allowed[2:] or host.endswith(allowed[1:]):
                return True
        elif allowed in (netloc, host):
            return True
    return False
