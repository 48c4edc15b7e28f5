"""Seeds files: the portals to crawl, as a YAML list (see seeds/demo.yml and the README).

Every problem in a seeds file is one `SeedsError` whose message names the file, the entry
and the problem (with the nearest known field for a misspelt one); `scrapy crawl` prints
it as one line and exits 2.
"""
from __future__ import annotations

import difflib
import re
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from .gate import scope_of

FIELDS = {"id", "name", "url", "region", "level", "allowed_hosts", "path_prefix", "family", "verified", "note",
          "columns", "division_code", "source", "organ_subdomains"}
# zone: a development zone's 管委会 (开发区, 高新区, 新区 …); an office has its government's level.
LEVELS = {"national", "province", "prefecture", "county", "zone", "township", "department"}


class SeedsError(ValueError):
    pass


class _StrictLoader(yaml.SafeLoader):
    """YAML that refuses a key given twice in one mapping: the standard keeps the last one
    silently, so a repeated `url:` or a lost `- ` (two entries merged) would crawl the wrong
    thing without a word."""


def _mapping_without_duplicates(loader, node, deep=False):
    seen = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"field {key!r} appears twice in one entry (first at line {seen[key] + 1}; "
                            f"a lost '- ' merges two entries)", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)
# A host as the gate matches it: a name or an address, a port, or *.domain — nothing else.
_HOST = re.compile(r"(\*\.)?[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?(:\d{1,5})?|\[[0-9a-f:.]+\](:\d{1,5})?")
# Pasted from a document: a space, or CJK punctuation after the address.
_URL_JUNK = re.compile(r"\s|[，。；、：）（《》“”‘’！？]")


def _entry_name(i: int, entry) -> str:
    if isinstance(entry, dict) and (entry.get("id") or entry.get("name")):
        return f"entry {i} ({entry.get('id') or entry.get('name')})"
    return f"entry {i}"


def _hint(key: str, known) -> str:
    close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.5)
    return f" (did you mean {close[0]!r}?)" if close else f" (known fields: {', '.join(sorted(known))})"


def load_seeds(path: str | Path) -> list[dict]:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SeedsError(f"{path}: seeds file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedsError(f"{path}: cannot read seeds file ({exc})") from None
    try:
        data = yaml.load(text, Loader=_StrictLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SeedsError(f"{path}: not valid YAML{where}: {problem}") from None
    if isinstance(data, dict):
        data = data.get("portals")
    if not isinstance(data, list) or not data:
        raise SeedsError(f"{path}: expected a non-empty list of portals")
    portals, seen = [], set()
    for i, entry in enumerate(data, 1):
        where = f"{path}: {_entry_name(i, entry)}"
        if not isinstance(entry, dict):
            raise SeedsError(f"{where}: is not a mapping of fields (id, name, url, …)")
        for key in sorted(set(entry) - FIELDS, key=str):
            raise SeedsError(f"{where}: unknown field {key!r}{_hint(key, FIELDS)}")
        for required in ("name", "url"):
            if not entry.get(required):
                raise SeedsError(f"{where}: missing {required!r}")
        if _URL_JUNK.search(str(entry["url"])):
            raise SeedsError(f"{where}: url {entry['url']!r} contains a space or Chinese punctuation "
                             f"(pasted with the address?)")
        parts = urlsplit(str(entry["url"]))
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise SeedsError(f"{where}: url {entry['url']!r} is not an http(s) URL")
        if entry.get("level") and entry["level"] not in LEVELS:
            raise SeedsError(f"{where}: level {entry['level']!r} is not one of {', '.join(sorted(LEVELS))}"
                             f"{_hint(entry['level'], LEVELS) if difflib.get_close_matches(str(entry['level']), LEVELS, 1, 0.5) else ''}")
        hosts = entry.get("allowed_hosts")
        if hosts is not None and (not isinstance(hosts, list) or not all(isinstance(h, str) for h in hosts)):
            raise SeedsError(f"{where}: allowed_hosts must be a list of host names")
        for host in hosts or []:
            if not _HOST.fullmatch(host.lower()):
                raise SeedsError(f"{where}: allowed host {host!r} is not a host name (write it as 'www.example.gov.cn' "
                                 f"or 'host:port', without scheme or path)")
        if entry.get("id") is not None and (not isinstance(entry["id"], str) or entry["id"] != entry["id"].strip()
                                            or not entry["id"]):
            raise SeedsError(f"{where}: id {entry['id']!r} must be text without leading or trailing spaces")
        columns = entry.get("columns")
        if columns is not None and (not isinstance(columns, list) or not all(
                isinstance(c, str) and urlsplit(c).scheme in ("http", "https") and urlsplit(c).netloc for c in columns)):
            raise SeedsError(f"{where}: columns must be a list of http(s) URLs (the portal's 年报 columns)")
        if entry.get("division_code") is not None and not re.fullmatch(r"\d{6}", str(entry["division_code"])):
            raise SeedsError(f"{where}: division_code {entry['division_code']!r} is not a 6-digit code")
        if entry.get("organ_subdomains") is not None and not isinstance(entry["organ_subdomains"], bool):
            raise SeedsError(f"{where}: organ_subdomains must be true or false")
        portal = dict(entry)
        portal.setdefault("id", re.sub(r"[^a-z0-9]+", "-", (parts.netloc + parts.path).lower()).strip("-"))
        portal["allowed_hosts"] = [h.lower() for h in hosts or _both_spellings(parts.netloc.lower())]
        # A portal seeded at http://host/xx/ is the part of the host below /xx/ (override: path_prefix).
        portal["path_prefix"] = _path_prefix(str(entry.get("path_prefix") or parts.path))
        for column in columns or []:
            if not in_scope(portal, column, any_path=True):
                raise SeedsError(f"{where}: column {column!r} is not on one of the portal's allowed_hosts")
        if portal["id"].casefold() in seen:  # ids differing only by case name one portal twice
            raise SeedsError(f"{where}: portal id {portal['id']!r} appears twice")
        seen.add(portal["id"].casefold())
        portals.append(portal)
    return portals


def select(portals: list[dict], region: str | None = None, level: str | None = None) -> list[dict]:
    """The portals of a region (its name, or the start of it: 浙江省 takes 浙江省嘉兴市 too) and/or of
    levels (comma-separated, e.g. `prefecture,county`)."""
    levels = {x.strip() for x in level.split(",")} if level else None
    return [p for p in portals if (not region or str(p.get("region") or "").startswith(region))
            and (not levels or p.get("level") in levels)]


def _both_spellings(netloc: str) -> list[str]:
    """A portal answers on www.host and on the bare host alike."""
    if netloc.startswith("www."):
        return [netloc, netloc[4:]]
    if re.match(r"^[\d.:]+$", netloc) or "." not in netloc.split(":")[0]:
        return [netloc]  # an address or a single-label host has no www. twin
    return [netloc, "www." + netloc]


def _path_prefix(path: str) -> str:
    """The folder a portal's seed URL lives in ('/' for a portal at the host's root):
    on a shared host only links below it belong to the portal."""
    folder = path if path.endswith("/") else path.rsplit("/", 1)[0] + "/"
    return folder if folder.startswith("/") else "/" + folder


def in_scope(portal: dict, url: str, any_path: bool = False) -> bool:
    """Whether a URL belongs to the portal: on one of its hosts with the seeded port
    ('host', 'host:port', '*.domain') and, for a portal living under a path of its host,
    below that path. `any_path`: the host alone decides (a list API the sites of one host
    share). The policy itself is the gate's (crawler/gate.py)."""
    return scope_of(portal).admits(url, any_path=any_path)
