"""The shared base of the discovery families."""
from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass
class Listing:
    """What a family read from a list page or list API answer."""

    links: list = field(default_factory=list)  # (absolute URL, label)
    requests: list = field(default_factory=list)  # scrapy.Request for more of the list


class ListingFailed(ValueError):
    """A list API answered something that is not its list: the next route is tried."""


class Family:
    name = "base"
    what = "list API"  # how the operator reads the route: "jcms dataproxy answered 405"
    markers: tuple = ()  # regular expressions that identify the system in a page

    def recognises(self, html: str, url: str = "") -> bool:
        """By markers in the page or in its address (a gkmlpt catalogue at …/gkmlpt/index)."""
        return any(re.search(m, html) or re.search(m, url) for m in self.markers)

    def list_requests(self, html: str, url: str, meta: dict) -> list:
        """Requests for the rest of a list whose first page is `html` (pagination, APIs)."""
        return []

    def read_answer(self, response) -> Listing:
        raise ListingFailed("this family has no list API")
