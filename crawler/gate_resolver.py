"""The gate after DNS, for Scrapy (setting DNS_RESOLVER): every name Scrapy connects to is
resolved here, and an internal address (crawler/gate.py `is_internal`) is refused unless a
seed names that very host. The address checked is the address connected to: nothing can
change between the check and the connection (no DNS rebinding).

Scrapy builds its resolver before any spider exists, so the hosts the seeds name reach it
through `trust` (the scope middleware registers each request's portal before the request is
sent), and a refusal leaves as a quiet DNS failure that the scope middleware turns into a
recorded refusal (`refusal_of`), never retried."""
from __future__ import annotations

from urllib.parse import urlsplit

from scrapy.resolver import CachingThreadedResolver
from twisted.internet.error import DNSLookupError

from .gate import address_refusal, canonical_host, is_internal, registered_domain

_trusted: set[str] = set()  # hosts some seed of this crawl names: may resolve inward
_inward: dict[str, set[str]] = {}  # registered domain -> internal addresses its trusted hosts resolved to
_refused: dict[str, str] = {}  # name -> why it was refused after DNS


class InwardName(DNSLookupError):
    """A name resolving to an internal address that no seed names: not connected to."""


def trust(hosts) -> None:
    _trusted.update(hosts)


def refusal_of(url: str) -> str | None:
    """Why the host of a failed request was refused after DNS, if it was."""
    try:
        return _refused.get(canonical_host(urlsplit(url).hostname or ""))
    except ValueError:
        return None


class GateResolver(CachingThreadedResolver):
    def getHostByName(self, name, timeout=()):
        deferred = super().getHostByName(name, timeout)
        deferred.addCallback(self._checked, name)
        return deferred

    def _checked(self, address: str, name: str) -> str:
        if canonical_host(name) in _trusted and is_internal(address):
            _inward.setdefault(registered_domain(name), set()).add(address)
        reason = address_refusal(name, address, _trusted, _inward)
        if reason is not None:
            _refused[canonical_host(name)] = reason
            raise InwardName(f"{name} resolves to {address}: {reason}; not connected to")
        return address
