"""Discovery per publishing-system family (../shared/domain/PORTALS.md).

Each family recognises its pages by markers and turns a list page into report links and
further list requests (pagination, list APIs). The generic family always applies. A new
portal on a known system needs only a seeds entry; a new system is one small module here.
"""
from __future__ import annotations

from .base import Family, Listing, ListingFailed
from .generic import Generic
from .gkmlpt import Gkmlpt
from .jcms import Jcms
from .jpaas import Jpaas
from .trs import Trs
from .ucap import Ucap

FAMILIES: list[Family] = [Jcms(), Jpaas(), Trs(), Gkmlpt(), Ucap(), Generic()]


def families_for(html: str, url: str = "") -> list[Family]:
    return [f for f in FAMILIES if f.recognises(html, url)]


def by_name(name: str) -> Family:
    return next(f for f in FAMILIES if f.name == name)


__all__ = ["FAMILIES", "Family", "Listing", "ListingFailed", "by_name", "families_for"]
