"""Reading a list page's own configuration: endpoint URLs, ids and categories as the page
declares them (in any letter case), resolved against the page's URL. A family's default
applies only when the page names nothing, and even then relative to where the site lives
(a site under http://host/xx/ has its modules under /xx/, not at the host's root)."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_QUOTED = re.compile(r"""["']([^"'\s<>]{1,300})["']""")


def declared_url(html: str, url: str, contains: str) -> str | None:
    """The first quoted URL in the page (script config, attribute) containing `contains`,
    resolved against the page's URL; the query string is left out."""
    for m in _QUOTED.finditer(html.replace("&amp;", "&")):
        value = m.group(1)
        if contains in value and not value.startswith(("javascript:", "data:")):
            return urljoin(url, value).split("?")[0].split("#")[0]
    return None


def value(html: str, *names: str, pattern: str = r"[\w./-]+") -> str | None:
    """The value of the first of `names` (any letter case, `name: v`, `name = v`,
    `"name": "v"`, `name=v` in a query) declared in the page."""
    for name in names:
        m = re.search(rf"""(?<![\w]){name}["']?\s*[:=]\s*["']?({pattern})""", html, re.I)
        if m and m.group(1):
            return m.group(1)
    return None


def site_root(url: str, marker: str) -> str:
    """The folder a site lives in, from a page URL: the path before `marker` (e.g. '/col/',
    '/gkmlpt/'), or the host's root when the URL does not show it."""
    parts = urlsplit(url)
    at = parts.path.find(marker)
    folder = parts.path[:at + 1] if at >= 0 else "/"
    return f"{parts.scheme}://{parts.netloc}{folder}"
