"""A TRS WCM list's pager, written only by script: `createPageHTML(count, current, "index",
"shtml")`, whose arguments are numbers or names of variables the page sets
(`var countPage = 9`). The page files are read from the call itself (stem and extension), never
assumed: a site whose lists are .shtml has no index_5.html."""
from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

_EXTENSION = re.compile(r"/[^/]*\.(\w+)$")


def _value(arg: str, html: str) -> int | None:
    """A call's argument: a number, or the number last assigned to the variable it names."""
    if arg.isdigit():
        return int(arg[:9])
    found = re.findall(rf"(?<![\w$.]){re.escape(arg)}\s*=\s*(\d{{1,9}})\b", html)
    return int(found[-1]) if found else None


def trs_pages(html: str, url: str, call: re.Pattern, count_only: re.Pattern, limit: int) -> list[str]:
    """The list's further page files (index_1 … index_{count-1}), at most `limit`."""
    count, stem, ext = None, "index", None
    for m in call.finditer(html):
        count = _value(m.group(1), html)
        if count is not None:
            stem, ext = m.group(3), m.group(4)
            break
    if count is None:
        m = count_only.search(html)
        if not m:
            return []
        count = int(m.group(1)[:9])
    if ext is None:  # no call read: the page files are spelt as this list page
        here = _EXTENSION.search(urlsplit(url).path)
        ext = here.group(1) if here else "html"
    count = min(count, limit + 1)
    return [urljoin(url, f"{stem}_{n}.{ext}") for n in range(1, count)]
