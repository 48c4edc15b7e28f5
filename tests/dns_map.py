"""A resolver for crawls in tests: the crawl's own (crawler/gate_resolver.py GateResolver,
address check included) with some names answered from DNS_MAP (JSON {name: address} in the
environment) — names the system resolver does not know, so only a request that resolves
through the crawl's resolver reaches them. Set with -s TWISTED_DNS_RESOLVER=tests.dns_map.MappedResolver."""
from __future__ import annotations

import json
import os

from twisted.internet import defer

from crawler.gate_resolver import GateResolver


class MappedResolver(GateResolver):
    def getHostByName(self, name, timeout=()):
        mapped = json.loads(os.environ.get("DNS_MAP", "{}")).get(name)
        if mapped is None:
            return super().getHostByName(name, timeout)
        deferred = defer.succeed(mapped)
        deferred.addCallback(self._checked, name)
        return deferred
