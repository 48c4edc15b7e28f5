"""The served archive, whatever its file is called, and the site's public address.

- metadata.yml describes the archive under the database key `*` ("the database served");
  at startup that description (tables, canned queries) is given to the database Datasette
  serves — named after its file (`archive.db` -> `archive`, `x.db` -> `x`) — and every
  dashboard chart without a `db:` reads it. So nothing names the database but its file.
- The base URL of the public site (feeds, citations, tag: ids) is configured, never read from
  the Host header a client sends: plugin setting `base_url` of `gov-report-archive` in
  metadata.yml, from the environment variable ARCHIVE_BASE_URL; default http://127.0.0.1:8001.
"""
from __future__ import annotations

import copy
import os
from urllib.parse import urlsplit

from datasette import hookimpl

PLUGIN = "gov-report-archive"
SERVED = "*"  # the key of metadata.yml's databases: the database served, whatever its name
DEFAULT_BASE_URL = "http://127.0.0.1:8001"
TAG_DATE = "2026"  # the date part of tag: ids (RFC 4151): when the archive first published


def archive_name(datasette) -> str | None:
    """The name of the archive database: the first one served from a file."""
    for name, db in datasette.databases.items():
        if not db.is_memory and not name.startswith("_"):
            return name
    return None


def is_archive(datasette, database: str | None) -> bool:
    return database is not None and database == archive_name(datasette)


def base_url(datasette) -> str:
    config = (datasette.plugin_config(PLUGIN) if datasette is not None else None) or {}
    url = config.get("base_url") or os.environ.get("ARCHIVE_BASE_URL") or DEFAULT_BASE_URL
    return str(url).rstrip("/")


def tag_authority(datasette) -> str:
    """The host name of the base URL (a tag: authority has no port)."""
    return urlsplit(base_url(datasette)).hostname or "localhost"


@hookimpl
def startup(datasette):
    metadata = datasette._metadata_local  # read by Datasette at every request
    databases = metadata.setdefault("databases", {})
    served = databases.pop(SERVED, None)
    name = archive_name(datasette)
    if served is not None and name is not None:
        databases[name] = _merge(copy.deepcopy(served), databases.get(name) or {})
    dashboards = (metadata.get("plugins") or {}).get("datasette-dashboards") or {}
    for dashboard in dashboards.values():
        for chart in (dashboard.get("charts") or {}).values():
            if name is not None and chart.get("db") in (None, SERVED):
                chart["db"] = name


def _merge(base: dict, more: dict) -> dict:
    for key, value in more.items():
        base[key] = _merge(base.get(key) or {}, value) if isinstance(value, dict) else value
    return base
