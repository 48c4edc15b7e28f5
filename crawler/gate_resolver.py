"""The gate after DNS, for Scrapy (setting DNS_RESOLVER): every name Scrapy connects to is
resolved here, and an internal address (crawler/gate.py `is_internal`) is refused unless a
seed names that very host. The address checked is the address connected to: nothing can
change between the check and the connection (no DNS rebinding)."""
from __future__ import annotations

from scrapy.resolver import CachingThreadedResolver

from .gate import Refused, address_refusal, trusted_hosts


class GateResolver(CachingThreadedResolver):
    @classmethod
    def from_crawler(cls, crawler, reactor):
        resolver = super().from_crawler(crawler, reactor)
        resolver.crawler = crawler
        return resolver

    def _trusted(self) -> set[str]:
        portals = getattr(getattr(self.crawler, "spider", None), "portals", None) or {}
        return trusted_hosts(list(portals.values()))

    def getHostByName(self, name, timeout=()):
        deferred = super().getHostByName(name, timeout)
        deferred.addCallback(self._checked, name)
        return deferred

    def _checked(self, address: str, name: str) -> str:
        reason = address_refusal(name, address, self._trusted())
        if reason is not None:
            raise Refused(f"{name} ({address})", reason)
        return address
