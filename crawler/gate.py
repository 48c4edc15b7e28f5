"""The gate: one policy for every request the archive sends, whoever sends it (Scrapy,
its robots.txt and sitemap requests and their redirects, the browser, any helper).

A URL passes for a portal when
- its scheme is http or https;
- its host is one of the portal's allowed hosts *with the seeded port*: an allowed host
  written without a port admits that scheme's default port and the port of the seed URL
  (`localhost` seeded as http://localhost:8080/ admits :8080 and :80, never :6379);
  `*.domain` admits the domain and its subdomains the same way; a host name (with a dot, not
  an address) written with the seed URL's own port admits the default port too (a portal
  seeded on :8443 whose pages link the host without the port);
- or it is a subdomain of the government's own gov.cn domain, for a seed on www.X.gov.cn or
  X.gov.cn (xxgk.X.gov.cn, jyj.X.gov.cn: its departments' 公开目录), on the default port —
  never wider (`organ_subdomains: false` in the seed turns it off);
- the address its name resolves to is public: loopback, private, link-local, multicast,
  reserved and unspecified addresses (IPv4, IPv6, IPv4-mapped IPv6, and the decimal, octal
  and hex spellings of IPv4) are refused unless the seed itself names that address or host
  (a replica on 127.0.0.1, a test) — or, for a subdomain of the organ's domain, the address
  is one that a host the seed names resolved to. Literal addresses are checked here; names are checked
  after DNS, at connection time (crawler/gate_resolver.py for Scrapy, the browser's route
  in crawler/gate_browser.py).
Pure policy: no I/O here except `resolve_checked`, which asks the system resolver.
"""
from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}
# Refusal reasons (one `errors` row per portal and reason, with a count: CrawlSession.refuse)
ANOTHER_SCHEME = "another scheme (only http and https are fetched)"
ANOTHER_HOST = "another host (not among the portal's allowed hosts)"
ANOTHER_PORT = "another port of an allowed host (only the seeded port and the default one)"
INTERNAL = "an internal address (loopback, private, link-local, multicast or reserved)"
RESOLVES_INWARD = "a name resolving to an internal address"
OUTSIDE_PATH = "outside the portal's path"
MALFORMED = "a malformed URL"
NO_PORTAL = "no portal's hosts hold it"

# A government's own domain: the seed host www.X.gov.cn or X.gov.cn (a department seeded on
# jyj.X.gov.cn, or any other domain, is not widened)
_ORGAN_SEED_HOST = re.compile(r"(?:www\.)?([a-z0-9-]+\.gov\.cn)")
_NUMERIC_V4 = re.compile(r"(?:0x[0-9a-f]*|\d+)(?:\.(?:0x[0-9a-f]*|\d+)){0,3}\.?", re.I)


class Refused(Exception):
    """A request the gate does not let out: `reason` is one of the constants above."""

    def __init__(self, url: str, reason: str):
        super().__init__(f"{url}: {reason}; not requested")
        self.url, self.reason = url, reason


def address_of(host: str):
    """The IP address a host string spells (any spelling the system resolver accepts:
    dotted, decimal 2130706433, octal 0177.0.0.1, hex 0x7f.1, IPv6, IPv4-mapped), or None
    for a name."""
    host = host.strip("[]").rstrip(".") if host else ""
    if not host:
        return None
    try:
        return ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        pass
    if _NUMERIC_V4.fullmatch(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except (OSError, ValueError):
            return None
    return None


def is_internal(address) -> bool:
    """Loopback, private, link-local, multicast, reserved or unspecified (also through an
    IPv4-mapped or 6to4/Teredo IPv6 address)."""
    if isinstance(address, str):
        address = ipaddress.ip_address(address.split("%")[0])
    if isinstance(address, ipaddress.IPv6Address):
        inner = address.ipv4_mapped or address.sixtofour or (address.teredo or (None, None))[1]
        if inner is not None and is_internal(inner):
            return True
    return (address.is_loopback or address.is_private or address.is_link_local or address.is_multicast
            or address.is_reserved or address.is_unspecified or not address.is_global)


def organ_domain(seed_host: str) -> str | None:
    """X.gov.cn for a seed on www.X.gov.cn or X.gov.cn, else None."""
    m = _ORGAN_SEED_HOST.fullmatch(canonical_host(seed_host))
    return m.group(1) if m else None


def registered_domain(host: str) -> str:
    """The domain a host was registered under: X.gov.cn for a.b.X.gov.cn, example.com for
    www.example.com (enough to tell 'the same organ' from 'another site'; an address is itself)."""
    host = canonical_host(host)
    if address_of(host) is not None:
        return host
    labels = host.split(".")
    return ".".join(labels[-3:] if host.endswith(".gov.cn") else labels[-2:])


def canonical_host(host: str) -> str:
    """A host as compared: lower case, an address in its one standard spelling."""
    host = (host or "").lower().strip("[]").rstrip(".")
    address = address_of(host)
    return str(address) if address is not None else host


def _split_entry(entry: str) -> tuple[str, int | None]:
    entry = entry.strip().lower()
    if entry.startswith("[") and "]" in entry:  # [::1]:8080
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") and rest[1:].isdigit() else None
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        return host, int(port) if port.isdigit() else None
    return entry, None


class Scope:
    """One portal's hosts, ports and path, and the internal hosts its seed names."""

    def __init__(self, portal: dict):
        self.id = portal.get("id")
        self.path_prefix = portal.get("path_prefix") or "/"
        seed = urlsplit(str(portal.get("url") or ""))
        try:
            seed_port = seed.port
        except ValueError:
            seed_port = None
        seed_host = canonical_host(seed.hostname or "")
        self.entries: list[tuple[str, bool, frozenset, bool]] = []  # (host, wildcard, ports, default port too)
        self.trusted: set[str] = {seed_host} if seed_host else set()  # may be or resolve to internal addresses
        for entry in portal.get("allowed_hosts") or [seed.netloc]:
            host, port = _split_entry(entry)
            wildcard = host.startswith("*.")
            host = host[2:] if wildcard else canonical_host(host)
            if port is not None:  # written with its port: that port only (and, for the seed's
                # own port on a host name, the scheme's default: the same site linked without it)
                named = address_of(host) is None and "." in host and not wildcard
                ports, default_too = frozenset({port}), named and port == seed_port
            else:  # without: the scheme's default port, and the seed URL's port on that host
                matches_seed = seed_host == host or (wildcard and seed_host.endswith("." + host))
                ports, default_too = frozenset({seed_port} if matches_seed and seed_port else ()), True
            self.entries.append((host, wildcard, ports, default_too))
            if not wildcard:
                self.trusted.add(host)
        self.organ_domain = organ_domain(seed_host) if portal.get("organ_subdomains", True) else None
        if self.organ_domain:  # not trusted: its names must resolve outward (or as the seed's do)
            self.entries.append((self.organ_domain, True, frozenset(), True))
        self.domains = {registered_domain(h) for h, _, _, _ in self.entries}

    def refusal(self, url: str, any_path: bool = False) -> str | None:
        """None when the URL passes, else the reason it is refused (before DNS)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return MALFORMED
        scheme = parts.scheme.lower()
        if scheme not in DEFAULT_PORTS:
            return ANOTHER_SCHEME
        if not parts.hostname:
            return MALFORMED
        host = canonical_host(parts.hostname)
        port = port or DEFAULT_PORTS[scheme]
        address = address_of(host)
        if address is not None and is_internal(address) and host not in self.trusted:
            return INTERNAL
        reason = ANOTHER_HOST
        for allowed, wildcard, ports, default_too in self.entries:
            if host == allowed or (wildcard and host.endswith("." + allowed)):
                if port in ports or (default_too and port == DEFAULT_PORTS[scheme]):
                    reason = None
                    break
                reason = ANOTHER_PORT
        if reason is None and not any_path and not (parts.path or "/").startswith(self.path_prefix):
            return OUTSIDE_PATH
        return reason

    def own_domain(self, url: str) -> bool:
        """Whether the URL's host is under a domain of the portal's own (a refusal there is a
        lead the operator should see; one to another site is not)."""
        try:
            host = urlsplit(url).hostname
        except ValueError:
            return False
        if not host or address_of(host) is not None or "." not in host.strip("."):
            return False  # an address or a single-label name (a replica, a test): other ports are other sites
        return registered_domain(host) in self.domains

    def admits(self, url: str, any_path: bool = False) -> bool:
        return self.refusal(url, any_path) is None


_scopes: dict[int, tuple[dict, Scope]] = {}


def scope_of(portal: dict) -> Scope:
    """The portal's Scope, built once per seed entry."""
    cached = _scopes.get(id(portal))
    if cached is None or cached[0] is not portal:
        cached = _scopes[id(portal)] = (portal, Scope(portal))
    return cached[1]


def trusted_hosts(portals) -> set[str]:
    """Every host some seed names exactly: only these may resolve to internal addresses."""
    return set().union(*(scope_of(p).trusted for p in portals)) if portals else set()


def portal_for(portals: dict, url: str):
    """The id of the first portal whose hosts hold the URL (a request sent without a portal:
    robots.txt, a sitemap), else None. Portals read lazily (distributed mode's RedisPortals)
    are all read first."""
    if hasattr(portals, "load_all"):
        portals.load_all()
    for portal_id, portal in portals.items():
        if scope_of(portal).admits(url, any_path=True):
            return portal_id
    return None


def portal_of(portals: dict, portal_id):
    """The seed entry of a portal id, or None (a lazy mapping is asked with [], not .get)."""
    if not portal_id:
        return None
    try:
        return portals[portal_id]
    except KeyError:
        return None


def address_refusal(name: str, address: str, trusted: set[str], inward: dict | None = None) -> str | None:
    """After DNS: a name that no seed names must not lead to an internal address — unless it
    is under a gov.cn domain whose named host resolved to that very address (`inward`:
    registered domain -> internal addresses its trusted hosts resolved to): a replica or a
    test serving the organ's subdomains from the seed's own address, never a new address."""
    if canonical_host(name) in trusted:
        return None
    if not is_internal(address):
        return None
    domain = registered_domain(name)
    if inward and domain.endswith(".gov.cn") and address in inward.get(domain, ()):
        return None
    return RESOLVES_INWARD


def resolve_checked(name: str, trusted: set[str]) -> str | None:
    """Resolve a host (blocking: call it off the reactor) and return the refusal, if any.
    Every address it resolves to must pass."""
    if canonical_host(name) in trusted:
        return None
    if address_of(name) is not None:
        return INTERNAL if is_internal(address_of(name)) else None
    try:
        infos = socket.getaddrinfo(name, None, proto=socket.IPPROTO_TCP)
    except OSError:
        return None  # unresolvable: the request fails by itself
    for info in infos:
        if address_refusal(name, info[4][0], trusted):
            return RESOLVES_INWARD
    return None
