"""A portal's own search (站内搜索, a 信息公开 检索 form): the route to a 年报 no column links.

A search form is what a person would type into: a `<form>` whose action, names, buttons or
placeholder say 搜索/检索/查询 (`search.form` in crawler/rules.yml), with a text input named as
search boxes are (q, keyword, searchWord…: `search.inputs`). It is filled with the report's
title words (`search.query`), its hidden fields kept and its other inputs left as a browser
sends them, and sent as the form says (GET or POST). Only a form whose action is on the
portal's own hosts is asked, and only where the other routes leave a gap a person would fill
with the search (`gap`): no report found at all, or a year missing between the earliest and
the latest found. The spider keeps the first such form met at a full discovery, decides when
every other route is done (the crawl is idle), asks it at most once per portal and full
discovery, and reads the results as a list, its pager included, for at most `search.pages`
pages. Either way the decision and its reason are noted in the portal's route."""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin

from . import discover


@dataclass(frozen=True)
class SearchForm:
    method: str  # GET or POST
    url: str  # the action (for a GET, with the filled query)
    body: str  # a POST's form body ('' for a GET)

    def describe(self) -> str:
        return f"{self.method} {self.url}" + (f" ({self.body})" if self.body else "")


def _rules() -> dict:
    return discover.rules()["search"]


def query_words() -> str:
    return _rules()["query"].pattern  # (rules() compiles every string of a section)


def pages_at_most() -> int:
    return int(_rules().get("pages", 5))


GAP_YEARS_NAMED = 5  # missing years named in the note (the rest counted)


def gap(years) -> str | None:
    """Why the search is worth asking, given the years of the reports the other routes found
    (None: they found a report of every year from the earliest to the latest)."""
    years = sorted({int(y) for y in years if y is not None})
    if not years:
        return "the other routes found no report"
    missing = [y for y in range(years[0], years[-1] + 1) if y not in years]
    if not missing:
        return None
    named = ", ".join(map(str, missing[:GAP_YEARS_NAMED])) + (
        f" and {len(missing) - GAP_YEARS_NAMED} more" if len(missing) > GAP_YEARS_NAMED else "")
    return f"the other routes found no report of {named} (between {years[0]} and {years[-1]})"


def search_form(html: str, base_url: str) -> SearchForm | None:
    """The page's first search form, filled with the report's title words; None if it has none."""
    if "<form" not in html.lower():
        return None
    rules = _rules()
    marker, inputs = re.compile(rules["form"].pattern, re.I), re.compile(rules["inputs"].pattern, re.I)
    selector = discover.page_selector(html)
    base_url = discover.document_base(selector, base_url)
    for form in selector.css("form"):
        action = (form.attrib.get("action") or "").strip()
        if action.startswith(("javascript:", "mailto:")):
            continue
        texts = [action, form.attrib.get("id", ""), form.attrib.get("class", ""), form.attrib.get("name", "")]
        texts += form.css("button::text, input[type=submit]::attr(value), input::attr(placeholder)").getall()
        texts += form.css("input[type=submit]::attr(class), input[type=image]::attr(alt)").getall()
        if not marker.search(" ".join(texts)):
            continue
        box = next((i for i in form.css("input[name]")
                    if (i.attrib.get("type") or "text").lower() in ("text", "search") and inputs.match(i.attrib["name"])),
                   None)
        if box is None:
            continue
        fields = []
        for i in form.css("input[name], select[name], textarea[name]"):
            kind = (i.attrib.get("type") or "text").lower()
            name = i.attrib["name"]
            if i is box or name == box.attrib["name"]:
                fields.append((name, query_words()))
            elif kind in ("submit", "button", "image", "reset", "file") or \
                    (kind in ("checkbox", "radio") and "checked" not in i.attrib):
                continue
            elif i.root.tag == "select":
                chosen = i.css("option[selected]::attr(value)").get() or i.css("option::attr(value)").get() or ""
                fields.append((name, chosen))
            else:
                fields.append((name, i.attrib.get("value", "")))
        method = (form.attrib.get("method") or "get").strip().upper()
        url = urljoin(base_url, action or base_url).split("#")[0]
        if method == "POST":
            return SearchForm("POST", url, urlencode(fields))
        return SearchForm("GET", url.split("?")[0] + "?" + urlencode(fields), "")
    return None
