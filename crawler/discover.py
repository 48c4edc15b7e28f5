"""Discovery rules (rules.yml) applied to a page: which links are reports, which lead
towards the report column, how the column paginates, and whether its list needs a browser."""
from __future__ import annotations

import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

import yaml
from parsel import Selector

from extract.markup import parsable
from extract.visible import visible

from .pager_script import trs_pages

RULES_FILE = Path(__file__).with_name("rules.yml")


@lru_cache(maxsize=1)
def rules() -> dict:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    compiled = {}
    for section, entries in data.items():
        if isinstance(entries, dict):
            compiled[section] = {k: re.compile(v) if isinstance(v, str) else v for k, v in entries.items()}
        else:
            compiled[section] = entries
    return compiled


def _squash(text: str) -> str:
    """A label as matched: what a person sees (no invisible characters), no white space."""
    return re.sub(r"\s+", "", visible(text))


def page_selector(html: str) -> Selector:
    """The page parsed as a browser reads it (an XML declaration does not empty it)."""
    return Selector(text=parsable(html))


def links(html: str, base_url: str, keep_fragment: bool = False) -> list[tuple[str, str]]:
    """(absolute URL, label) for each link a person can click, resolved as a browser does
    (against `<base href>` when the page has one). The title attribute is preferred to the
    text, since lists cut long titles short; a link whose own words do not name what it opens
    (【详情】, 查看, an image) is labelled by what stands beside it (label_of). Fragments are
    dropped unless asked for (a gkmlpt catalogue names its category only in the fragment:
    …/gkmlpt/index#2513). Links that are not an `<a href>` count too: image-map `<area>`s,
    a GET `<form>`'s button, `onclick="window.open('…')"`, `location.href=…`,
    `data-href`/`data-url`, and a `<select>` whose options are page addresses (a year picker)."""
    out = []
    selector = page_selector(html)
    base_url = document_base(selector, base_url)
    for a in selector.css("a[href], area[href]"):
        href = a.attrib["href"].strip()
        if href.startswith("javascript:") or not href or href == "#":
            href = _script_target(a.attrib.get("onclick", "") + " " + href) or ""
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        out.append(_link(a, href, base_url, keep_fragment))
    if "<form" in html.lower():
        for form in selector.css("form[action]"):
            if (form.attrib.get("method") or "get").strip().lower() != "get":
                continue  # a POST is the browser's to make
            button = form.css("button, input[type=submit], input[type=image]")
            if not button:
                continue
            hidden = [(i.attrib["name"], i.attrib.get("value", "")) for i in form.css("input[type=hidden][name]")]
            href = form.attrib["action"].strip() + (("&" if "?" in form.attrib["action"] else "?") + urlencode(hidden)
                                                    if hidden else "")
            if href and not href.startswith(("#", "javascript:")):
                out.append(_link(button[0], href, base_url, keep_fragment))
    if _SCRIPTED_LINK.search(html):
        for element in selector.css("[onclick]:not(a), [data-href], [data-url]"):
            href = (element.attrib.get("data-href") or element.attrib.get("data-url")
                    or _script_target(element.attrib.get("onclick", "")))
            if href:
                out.append(_link(element, href.strip(), base_url, keep_fragment))
    if "<noframes" in html.lower():
        # A frameset's <noframes> holds markup the parser keeps as text: what a frameless
        # reader (and a search engine) reads, so its links are the page's too.
        for inner in selector.css("noframes::text").getall():
            out.extend(links(inner, base_url, keep_fragment))
    if "<option" in html:
        for option in selector.css("select option[value]"):
            value = option.attrib["value"].strip()
            if _URLISH.search(value) and not re.search(r"\s", value):
                out.append(_link(option, value, base_url, keep_fragment))
    return out


def document_base(selector, url: str) -> str:
    """The URL relative links resolve against: the first `<base href>`, else the page's."""
    base = selector.css("base[href]::attr(href)").get()
    return urljoin(url, base.strip()) if base and base.strip() else url


def next_page_links(html: str, url: str) -> list[str]:
    """The page's declared next page: `<link rel=next href>` (a pager only the head shows)."""
    if "next" not in html.lower():
        return []
    selector = page_selector(html)
    base = document_base(selector, url)
    return [urljoin(base, href.strip()) for href in selector.css("link[href]")
            .xpath("self::*[contains(concat(' ', translate(@rel, 'NEXT', 'next'), ' '), ' next ')]/@href").getall()]


def _link(element, href: str, base_url: str, keep_fragment: bool) -> tuple[str, str]:
    absolute = urljoin(base_url, href)
    return (absolute if keep_fragment else absolute.split("#")[0], label_of(element))


_ROW = ("li", "tr", "dd", "dt", "p")


def label_of(element) -> str:
    """What a person reads as the link's name: its title attribute, or its text; when those
    do not name a report (【详情】, 查看, an icon), the image's alt text, the title of its
    list item, or the words of its row (the list's title cell, its date) — the row only
    when it holds this one link, so a whole list is never one link's label."""
    own = _squash(element.attrib.get("title") or " ".join(element.css("::text").getall()))
    if is_report_title(own):
        return own
    year = _YEAR_ONLY.match(own)
    if year:  # 2023年 under a heading that names the series: that year's report
        heading = _squash(" ".join(element.xpath(_HEADING_ABOVE).css("::text").getall()))
        if is_report_title(heading, needs_year=False) and not _YEAR.search(heading):
            return f"{heading}（{year.group(1)}年）"
    candidates = [element.css("img::attr(alt)").get() or "", element.attrib.get("alt") or ""]
    for row in element.xpath("ancestor::*[self::li or self::tr or self::dd or self::dt or self::p][1]"):
        candidates.append(row.attrib.get("title") or "")
        if len(row.css("a[href], area[href], button")) <= 1:
            candidates.append(" ".join(row.css("::text").getall()))
    for text in candidates:
        text = _squash(text)
        if is_report_title(text):
            return text
    if len(own) <= 8:  # 查看 / 2023 in a table of organs × years: its row's and column's names
        composed = _cell_label(element)
        if composed and is_report_title(composed):
            return composed
    return own


def _cell_label(element) -> str | None:
    """A link in a table cell, read as a person reads a summary table: the row's first cell
    (the organ), the column's header (the year), and the heading over the table when those
    two do not name the series themselves."""
    cell = element.xpath("ancestor::*[self::td or self::th][1]")
    if not cell:
        return None
    cell = cell[0]
    position = len(cell.xpath("preceding-sibling::*[self::td or self::th]"))
    if position == 0:
        return None
    row_head = _squash(" ".join(cell.xpath("../*[self::td or self::th][1]").css("::text").getall()))
    header = cell.xpath("ancestor::table[1]//tr[1]/*[self::td or self::th]")
    col_head = _squash(" ".join(header[position].css("::text").getall())) if position < len(header) else ""
    if not row_head or not col_head or not _YEAR.search(row_head + col_head):
        return None
    label = row_head + col_head
    if not is_report_title(label):
        table = cell.xpath("ancestor::table[1]")[0]
        label += _squash(" ".join(table.xpath(_HEADING_ABOVE).css("::text").getall()))
    return label


_YEAR_ONLY = re.compile(r"^((?:19|20)\d{2})(年度?)?$")
_YEAR = re.compile(r"(19|20)\d{2}")
# The nearest heading or caption before a link, as a person reads the list under it.
_HEADING_ABOVE = ("(preceding::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
                  " or self::caption or self::th or self::legend])[last()]")

_SCRIPTED_LINK = re.compile(r"onclick=|data-href=|data-url=", re.I)
_QUOTED = re.compile(r"""['"]([^'"\s]+)['"]""")


def _script_target(code: str) -> str | None:
    """The address a click handler opens: the first quoted URL-like argument
    (window.open('…'), location.href='…', openArticle('/art/…'))."""
    for value in _QUOTED.findall(code or ""):
        if _URLISH.search(value) and not value.startswith(("javascript:", "#")):
            return value
    return None


_LIST_PAGE = re.compile(r"/(index|list|default)[\w-]*\.(s?html?|jsp|aspx?|php)$|/$", re.I)


def is_subcolumn(label: str, url: str, column_url: str) -> bool:
    """A list below a report column (a year's, a department's): a folder-like page under the
    column's folder, or a navigation label (2023年) in it; not the column itself."""
    here, there = urlsplit(column_url), urlsplit(url)
    if here.netloc != there.netloc or there.query or rules()["navigation"]["avoid"].search(label):
        return False
    folder = here.path.rsplit("/", 1)[0] + "/"
    if not there.path.startswith(folder) or there.path == here.path:
        return False
    below = "/" in there.path[len(folder):].rstrip("/")
    return bool((below and _LIST_PAGE.search(there.path)) or rules()["navigation"]["text"].search(label))


def frame_urls(html: str, base_url: str) -> list[str]:
    """The documents of the page's `<iframe>`s and `<frame>`s (a `<frameset>` too)."""
    if "frame" not in html.lower():
        return []
    out = []
    for src in page_selector(html).css("iframe::attr(src), frame::attr(src)").getall():
        src = src.strip()
        if src and not src.startswith(("javascript:", "about:", "data:", "#")):
            url = urljoin(base_url, src).split("#")[0]
            if url not in out:
                out.append(url)
    return out


_URLISH = re.compile(r"^(https?://|/|\./|\.\./)|\.(s?html?|jsp|php|aspx?|pdf|docx?|wps)(\?|#|$)", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_JSONP = re.compile(r"^[\w$.]+\s*\(\s*([\[{].*[\]}])\s*\)\s*;?\s*$", re.S)


def answer_links(body: bytes | str, content_type: str, base_url: str) -> list[tuple[str, str]]:
    """Report links in an XHR/fetch answer the browser received, whatever its shape: JSON
    records (a URL-like value and a title-like value in one object), HTML fragments
    (also inside JSON strings or XML CDATA)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    stripped = text.lstrip()
    jsonp = _JSONP.match(stripped)
    if jsonp:  # callback({...}): the JSON inside
        stripped = jsonp.group(1)
    if "json" in content_type.lower() or stripped[:1] in ("{", "["):
        try:
            data = json.loads(stripped)
        except ValueError:
            data = None
        if data is not None:
            return _json_links(data, base_url)
    return links(re.sub(r"<!\[CDATA\[|\]\]>", "", text), base_url)


def _json_links(data, base_url: str) -> list[tuple[str, str]]:
    out: list = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(reversed(node))
        elif isinstance(node, dict):
            strings = [v.strip() for v in node.values() if isinstance(v, str)]
            urls = [v for v in strings if _URLISH.search(v) and not re.search(r"\s", v)]
            titles = sorted((v for v in strings if _CJK.search(v) and "<" not in v), key=len, reverse=True)
            if urls and titles:
                out.append((urljoin(base_url, urls[0]).split("#")[0], _squash(titles[0])))
            for v in strings:
                if "<a " in v:
                    out.extend(links(v, base_url))
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
    return out


def is_report_title(label: str, needs_year: bool | None = None) -> bool:
    """The label names an annual report (rules.yml report_title), read as a person reads it:
    full-width letters and digits as their plain forms, white space ignored."""
    r = rules()["report_title"]
    label = _squash(unicodedata.normalize("NFKC", label or ""))
    if not r["include"].search(label) or r["exclude"].search(label):
        return False
    needs_year = r["needs_year"] if needs_year is None else needs_year
    return not needs_year or r["year"].search(label) is not None


def is_report_notice(label: str) -> bool:
    """A notice that announces reports (关于公开…年度报告的通知): a page to read for its
    attachments, not a report and not an announcement to drop."""
    r = rules()["report_notice"]
    label = _squash(label)
    return bool(r["include"].search(label)) and not r["exclude"].search(label)


def is_report_link(label: str, in_list: bool = False) -> bool:
    """A link to a report: its label names one with its year; in a report column's list,
    a label that names a report without a year (the year is in its URL, the list's date, or
    only in the report) — unless it is a column's name (政府信息公开年度报告)."""
    if is_report_title(label):
        return True
    return in_list and is_report_title(label, needs_year=False) and not rules()["navigation"]["text"].search(label)


def is_navigation(label: str, url: str) -> bool:
    r = rules()["navigation"]
    if r["avoid"].search(label) or r["avoid"].search(url):
        return False
    if r["department_label"].search(label) and r["department_slug"].search(url) and not _ARTICLE.search(url):
        return True
    return bool(r["text"].search(label) or (r["slug"].search(url) and not url.endswith((".htm", ".shtml"))
                                            and not re.search(r"/t\d{8}_", url) and not _ARTICLE.search(url)))


# An article's file name (c8001.html, art_1229_4087000.html, post_123456.html): never a column.
_ARTICLE = re.compile(r"/(?!index|list|default)[^/?#]*\d{4,}[^/?#]*\.(s?html?|jsp|aspx?|php)(\?|#|$)", re.I)


def is_pager(label: str, url: str, page_url: str) -> bool:
    """A pager link of the list on `page_url`: pager text, and a page of the same folder
    (a 首页 link to the site's homepage is navigation, not the list's first page)."""
    if not rules()["pagination"]["pager_text"].search(label):
        return False
    here, there = urlsplit(page_url), urlsplit(url)
    return here.netloc == there.netloc and here.path.rsplit("/", 1)[0] == there.path.rsplit("/", 1)[0]


def is_report_column(label: str, url: str) -> bool:
    r = rules()["report_column"]
    return bool(r["text"].search(label) or r["slug"].search(url))


def pagination(html: str, url: str, limit: int = 300) -> list[str]:
    """Further list pages: 下一页 links, and TRS createPageHTML/countPage page files — at
    most `limit` of these (the portal's page budget: a page may declare any count)."""
    r = rules()["pagination"]
    pages = [href for href, label in links(html, url) if r["next_text"].search(label)] + next_page_links(html, url)
    return pages + trs_pages(html, url, r["trs_call"], r["trs_count"], limit)


_TOKEN = re.compile(r"<[^<>]*>|[^<\s]+|<")  # a tag (never past the next '<'), a run of text, a stray '<'
_RAW_TEXT = re.compile(r"<(script|style)\b", re.I)


def _text_length(html: str, enough: int) -> int:
    """The length of the page's visible text (tags, scripts, styles and spaces left out),
    counted up to `enough`: one pass, never backtracking (an unclosed <script> hides the
    rest of the page, as in a browser)."""
    length, at = 0, 0
    lower = None
    for token in _TOKEN.finditer(html):
        if token.start() < at:
            continue
        text = token.group()
        if text.startswith("<") and len(text) > 1:
            raw = _RAW_TEXT.match(text)
            if raw:
                lower = html.lower() if lower is None else lower
                close = lower.find(f"</{raw.group(1).lower()}", token.end())
                if close < 0:
                    break
                at = close
            continue
        length += len(text)
        if length >= enough:
            break
    return length


_SHORT_PAGES = ("not_found", "challenge")


@lru_cache(maxsize=1)
def _any_short_page_pattern() -> re.Pattern:
    # the alternatives side by side, not each wrapped in a group: re then scans for their
    # first characters (wrapped, a search was six times slower)
    return re.compile("|".join(rules()[s]["pattern"].pattern for s in _SHORT_PAGES))


def short_page_kind(html: str) -> str | None:
    """'not_found' (a 'page not found' answered with 200), 'challenge' (a firewall or bot
    check instead of the content), or None. One search over the page for both: a report
    page of 100 KB costs ~0.3 ms a search, and measuring its text far more."""
    if not _any_short_page_pattern().search(html):
        return None
    length = None
    for section in _SHORT_PAGES:
        r = rules()[section]
        if r["pattern"].search(html):
            length = _text_length(html, max(rules()[k]["max_text"] for k in _SHORT_PAGES)) if length is None else length
            if length < r["max_text"]:
                return section
    return None


def is_not_found_page(html: str) -> bool:
    """A 'page not found' answered with 200."""
    return short_page_kind(html) == "not_found"


def is_challenge_page(html: str) -> bool:
    """A firewall or bot-check page answered with 200 instead of the content."""
    return short_page_kind(html) == "challenge"


def is_homepage(url: str) -> bool:
    return bool(re.match(rules()["homepage_paths"], urlsplit(url).path))


def is_trap(url: str) -> bool:
    return bool(re.search(rules()["traps"], url, re.I))


_HREF = re.compile(rb"""href\s*=\s*["']?\s*([^"'\s>]+)""")  # on lower-cased HTML: a fast literal scan


@lru_cache(maxsize=1)
def _attachment_patterns() -> tuple[re.Pattern, re.Pattern]:
    pattern = rules()["attachment"]
    return re.compile(pattern, re.I), re.compile(pattern.encode("utf-8"), re.I)


def attachment_links(html: str, url: str) -> list[tuple[str, str]]:
    attachment, attachment_bytes = _attachment_patterns()
    # Most report pages link no file: a scan of the raw hrefs spares parsing the whole page.
    # Scanned as UTF-8 bytes: lower-casing and matching a Chinese page is several times
    # faster on its bytes than on its str, and the pattern is ASCII.
    raw = html.encode("utf-8", "surrogatepass").lower()
    if not any(attachment_bytes.search(href) for href in _HREF.findall(raw)):
        return []
    return [(href, label) for href, label in links(html, url) if attachment.search(href)]


def builds_list_with_script(html: str) -> bool:
    return any(marker in html for marker in rules()["script_list_markers"])


def is_shell(html: str) -> bool:
    """A report page that does not hold a report: no table, and none of the words every
    annual report's text has (its content arrives by script, or sits in a frame)."""
    if "<table" in html.lower():
        return False
    r = rules()["report_page"]
    text = re.sub(r"<[^>]+>|\s+", "", re.sub(r"(?is)<(script|style)\b.*?</\1>", "", html))
    return not r["markers"].search(text)


def holds_report(html: str) -> bool:
    """A page whose text is a report itself (not a list of them): a table, and at least three
    of the words the national format's tables have (rules.yml report_page markers)."""
    if "<table" not in html.lower():
        return False
    text = re.sub(r"<[^>]+>|\s+", "", re.sub(r"(?is)<(script|style)\b.*?</\1>", "", html))
    return len(set(rules()["report_page"]["markers"].findall(text))) >= 3


_REFRESH = re.compile(r"""<meta[^>]+http-equiv=["']?refresh["']?[^>]*content=["']?\s*\d*\s*;?\s*(?:url=)?([^"'>]*)""", re.I)


def challenge_kind(body: bytes, url: str) -> str | None:
    """Why a response is a firewall's challenge rather than the page, or None: a short HTML
    whose script sets a cookie and reloads or goes to itself, a meta refresh to itself, or
    a known challenge text (rules.yml `challenge`). Any status (加速乐 answers 521)."""
    if len(body) > 20000:
        return None
    html = body.decode("utf-8", "replace")
    if _text_length(html, rules()["challenge"]["max_text"]) >= rules()["challenge"]["max_text"]:
        return None
    lowered = html.lower()
    if "document.cookie" in lowered and re.search(r"location\.(reload|href|replace|assign)|location\s*=|window\.location",
                                                  lowered):
        return "script sets a cookie and reloads"
    refresh = _REFRESH.search(html)
    if refresh and urljoin(url, refresh.group(1).strip() or url).split("#")[0] == url.split("#")[0]:
        return "meta refresh to itself"
    if rules()["challenge"]["pattern"].search(html):
        return "challenge text"
    return None
