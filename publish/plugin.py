"""The archive's Datasette plugin (registered as an entry point in pyproject.toml).

- Chinese search: `escape_fts` — the function Datasette's search box and ?_search= pass the
  query through — is replaced by the bigram phrase query of archive/search.py.
- Provenance: /-/archived/{capture id} shows what a page said when it was archived, read
  from the WARC files; the captured page runs in a sandbox, never on the archive's origin.
- The report page: rows of `reports` use templates/row-archive-reports.html with the data of
  report_page.py (the three tables as printed, failing checks in words, history).
- Search snippets: SQL function `search_snippet(text, q)` (the text around the first match,
  in the original characters, the match in 【】) for the `search` query, which ranks by
  FTS5's bm25 (title, organ and text weighted) and builds snippets for its 100 best only.
- Table pages: the column glossary is folded into a <details> below the rows; a canned query's
  `year` box lists the years held; organ_history and totals_by_year embed their dashboard chart.
- Charts come from datasette-dashboards (metadata.yml, /-/dashboards/overview).
- Feeds: datasette-atom renders the canned queries new_reports, recent_changes, new_failures;
  their entry links are made absolute here.
- Ranked search: the reports table's search box (HTML, no explicit sort) leads to the `search`
  query, which orders matches by relevance (BM25); Datasette's table view cannot rank.
"""
from __future__ import annotations

import functools
import html
import json
import re
from urllib.parse import parse_qs, urlencode
from pathlib import Path

from datasette import Response, hookimpl
from markupsafe import Markup

from archive.search import match_query

from . import limits, report_page

DATABASE = "archive"
WARC_FOLDER = "warcs"  # beside the database: the only folder /-/archived/ reads from
# Captured pages may not run scripts, load anything, or reach the archive's origin.
SANDBOX_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
               "font-src data:; frame-ancestors 'self'")
SNIPPET_WIDTH = 40  # characters shown on each side of a match


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so ours wins
def prepare_connection(conn):
    limits.set_limits(conn)  # every connection: no query allocates more than limits.MAX_LENGTH
    conn.create_function("escape_fts", 1, limits.query_function(match_query))
    conn.create_function("bigram_query", 1, limits.query_function(match_query))
    conn.create_function("search_snippet", 2, limits.snippet_function(search_snippet), deterministic=True)


def _term_pattern(term: str) -> re.Pattern:
    """A term found across white space and line breaks (PDF text breaks lines inside words)."""
    return re.compile(r"\s*".join(re.escape(ch) for ch in term if not ch.isspace()), re.IGNORECASE)


def search_snippet(text, query) -> str | None:
    """The text around the first match of the query's first term found, match in 【】."""
    text = text or ""
    for term in (query or "").split():
        m = _term_pattern(term).search(text)
        if m:
            before = text[max(0, m.start() - SNIPPET_WIDTH):m.start()]
            after = text[m.end():m.end() + SNIPPET_WIDTH]
            out = ("…" if m.start() > SNIPPET_WIDTH else "") + before + "【" + m.group(0) + "】" + after \
                + ("…" if m.end() + SNIPPET_WIDTH < len(text) else "")
            return re.sub(r"\s+", " ", out)
    return None


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def ranked_search(scope, receive, send):
            if scope.get("type") == "http" and scope.get("path") == f"/{DATABASE}/reports":
                args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
                query = (args.get("_search") or [""])[0].strip()
                # the table's form sends _sort=id (its default order) with the search box: not a chosen sort
                chosen = [v for k in ("_sort", "_sort_desc") for v in args.get(k, []) if v != "id"]
                if query and not chosen and "_sort_desc" not in args:
                    location = f"/{DATABASE}/search?" + urlencode({"q": query})
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [[b"location", location.encode("ascii")], [b"content-length", b"0"]]})
                    await send({"type": "http.response.body", "body": b""})
                    return
            if scope.get("type") == "http" and scope.get("path", "").endswith(".atom"):
                await app(scope, receive, _absolute_links(scope, send))
                return
            await app(scope, receive, send)
        return limits.only_reads(ranked_search)
    return wrap


def _absolute_links(scope, send):
    """Feed entries link to report pages by path (the SQL cannot know the host): make them
    absolute URLs, as feed readers expect."""
    headers = dict(scope.get("headers") or [])
    host = headers.get(b"host", b"localhost").decode("latin-1")
    base = f"{scope.get('scheme', 'http')}://{host}".encode("latin-1")
    start, chunks = {}, []

    async def wrapped(message):
        if message["type"] == "http.response.start":
            start.update(message)
            return
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = b"".join(chunks)
            if start.get("status") == 200:
                body = body.replace(b'<link href="/', b'<link href="' + base + b"/")
            response_headers = [[k, v] for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            response_headers.append([b"content-length", str(len(body)).encode()])
            await send(dict(start, headers=response_headers))
            await send({"type": "http.response.body", "body": body})
            return
        await send(message)
    return wrapped


@hookimpl
def register_routes():
    return [
        (r"^/-/archived/(?P<capture_id>\d+)$", archived_page),
        (r"^/-/archived/(?P<capture_id>\d+)/raw$", archived_raw),
    ]


async def _capture(datasette, capture_id: int):
    """A capture's row and bytes, read only from the WARC folder beside the database (the
    URL carries an id, never a path; a row naming another file is refused)."""
    db = datasette.get_database(DATABASE)
    rows = (await db.execute("select * from captures where id = ?", [capture_id])).rows
    if not rows:
        return None, None
    row = dict(rows[0])
    from archive.warc import read_record

    base = Path(db.path).parent
    from warcio.exceptions import ArchiveLoadFailed

    try:
        body = read_record(row, base, confine_to=base / WARC_FOLDER)
    except (OSError, ValueError, ArchiveLoadFailed):  # missing or damaged WARC: a 404, never a 500
        return None, None
    return row, body


async def archived_page(datasette, request):
    capture_id = limits.sqlite_id(request.url_vars["capture_id"])
    row, _ = await _capture(datasette, capture_id) if capture_id is not None else (None, None)
    if row is None:
        return Response.html("<h1>No such capture</h1>", status=404)  # or its bytes are not in the WARC folder
    db = datasette.get_database(DATABASE)
    reports = [dict(r) for r in (await db.execute(
        "select id, organ, report_year, title from reports where capture_id = ?", [capture_id])).rows]
    e = html.escape
    if not (row["content_type"] or "").startswith(("text/html", "application/xhtml")):
        reports += [dict(r) for r in (await db.execute(
            """select r.id, r.organ, r.report_year, r.title, a.text from attachments a join reports r on r.id = a.report_id
               where a.capture_id = ?""", [capture_id])).rows]
    links = "".join(f'<li><a href="/{DATABASE}/reports/{r["id"]}">{e(r["title"] or "")}</a></li>' for r in reports)
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>存档副本 · Archived copy {capture_id}</title>
<style>body{{font-family:sans-serif;margin:0}} .prov{{background:#fff8e1;border-bottom:2px solid #f0c36d;padding:10px 16px;font-size:14px}}
.prov dt{{font-weight:bold;float:left;width:9em}} .file{{padding:10px 16px}} pre.extracted{{white-space:pre-wrap;font-size:14px}} .prov dd{{margin:0 0 2px 9.5em;word-break:break-all}}
iframe{{border:0;width:100%;height:calc(100vh - 190px)}}</style></head><body>
<div class="prov"><strong>存档副本 · Archived copy</strong> — 这是本档案抓取时保存的页面，不是原网站的当前内容。
This is the page as the archive captured it, not the portal's current page. Its scripts do not run.
<dl><dt>原始地址 URL</dt><dd><a href="{e(row["url"])}" rel="noopener noreferrer">{e(row["url"])}</a></dd>
<dt>抓取时间 Fetched</dt><dd>{e(row["fetched_at"] or "")} (UTC)</dd>
<dt>HTTP</dt><dd>{row["status"]} · {e(row["content_type"] or "")} · {row["length"]} bytes</dd>
<dt>SHA-1</dt><dd>{e(row["digest"])}</dd>
<dt>WARC</dt><dd>{e(row["warc_file"])} @ {row["warc_offset"]} ({e(row["warc_record_id"] or "")})</dd></dl>
{f"<ul>{links}</ul>" if links else ""}
<a href="/-/archived/{capture_id}/raw">原始字节 raw bytes</a></div>
{_shown(capture_id, row, reports)}
</body></html>"""
    return Response.html(page)


def _shown(capture_id: int, row: dict, reports: list[dict]) -> str:
    """An archived HTML page runs in a sandboxed frame; a PDF or office file cannot (Chromium
    blocks its viewer in a sandbox), so its extracted text is shown with a download link."""
    content_type = row["content_type"] or ""
    if content_type.startswith(("text/html", "application/xhtml")) or not content_type:
        return f'<iframe sandbox="" src="/-/archived/{capture_id}/raw" title="archived copy"></iframe>'
    text = next((r.get("text") for r in reports if r.get("text")), None)
    body = (f'<h2>提取的文字 · Extracted text</h2><pre class="extracted">{html.escape(text)}</pre>' if text
            else "<p>此文件没有可提取的文字 · No text could be extracted from this file.</p>")
    return (f'<div class="file"><p><a class="download" href="/-/archived/{capture_id}/raw?download=1">'
            f'下载存档文件 · Download the archived file</a> ({html.escape(content_type)}, {row["length"]} bytes)</p>'
            f'{body}</div>')


async def archived_raw(datasette, request):
    capture_id = limits.sqlite_id(request.url_vars["capture_id"])
    row, body = await _capture(datasette, capture_id) if capture_id is not None else (None, None)
    if row is None:
        return Response.text("no such capture", status=404)
    content_type = row["content_type"] or "application/octet-stream"
    headers = {"Content-Security-Policy": SANDBOX_CSP, "X-Content-Type-Options": "nosniff",
               "Referrer-Policy": "no-referrer", "Cache-Control": "public, max-age=86400"}
    if request.args.get("download"):
        name = (row["url"].rstrip("/").rsplit("/", 1)[-1] or f"capture-{capture_id}")
        headers["Content-Disposition"] = "attachment; filename*=UTF-8''" + name
    return Response(body, content_type=content_type, headers=headers)


@hookimpl
def render_cell(value, column, table, database):
    if type(value) is not str:  # numbers and nulls: Datasette's own rendering (most cells)
        return None
    if value.startswith("/-/archived/") and value[12:].isdigit():
        return Markup(f'<a href="{html.escape(value)}">存档副本 archived</a>')
    label = _key_labels().get((table, column), {}).get(value)
    if label:  # a key of the national format: its printed label first
        return Markup(f'{html.escape(label)} <small class="key">{html.escape(value)}</small>')
    return None


@functools.lru_cache(maxsize=1)
def _key_labels() -> dict:
    """(table, column) -> {key: Chinese label as printed} for the figure tables."""
    from extract import formats

    spec = formats.spec()
    rows = {r["key"]: r["zh"] for r in spec["application_rows"]}
    cols = {c["key"]: c["zh"] for c in spec["application_columns"]}
    active = {}
    for fmt_rows in spec["active"].values():
        for row in fmt_rows:
            for key in row["keys"]:
                active[key] = f"{report_page._label(row['label'])} · {report_page._active_head(key)}"
    return {("applications", "row_key"): rows, ("applications", "column_key"): cols,
            ("review_litigation", "block"): {b["key"]: b["zh"] for b in spec["review_blocks"]},
            ("review_litigation", "outcome"): {o["key"]: o["zh"] for o in spec["review_outcomes"]},
            ("active_disclosure", "key"): active}




@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name != "row" or table != "reports" or database != DATABASE or request is None:
        return {}

    async def report_vars():
        pk = request.url_vars.get("pks", "")
        if not pk.isdigit():
            return {"report_page": None}
        db = datasette.get_database(DATABASE)
        page = await db.execute_fn(lambda conn: report_page.load(conn, int(pk)))
        if page:
            page["archived_url"] = f"{request.scheme}://{request.host}/-/archived/{page['report']['capture_id']}"
        return {"report_page": page}
    return report_vars


@hookimpl
def extra_css_urls(view_name):
    return [{"url": "/-/static-plugins/gov-report-archive/report.css"}]


# canned query -> (dashboard chart drawn above its rows, the query's parameter passed on)
QUERY_CHARTS = {
    "organ_history": ("organ/organ-requests", "organ"),
    "totals_by_year": ("overview/requests-per-year", "region"),
}


@hookimpl
def extra_body_script(request, database):
    """Table and canned query pages (Datasette renders both with view_name 'table'): each
    script does nothing on a page without its elements."""
    if request is None or database != DATABASE:
        return None
    name = request.path.rstrip("/").rsplit("/", 1)[-1]
    chart = QUERY_CHARTS.get(name)
    config = {"chart": f"/-/dashboards/{chart[0]}/embed" if chart else None,
              "param": chart[1] if chart else None}
    return {"script": GLOSSARY_JS + QUERY_JS.replace("__CONFIG__", json.dumps(config))}


# On a canned query's page: the years the archive holds, as links beside a `year` box (a blank
# year means the latest); and the query's chart from the dashboards, embedded above the rows.
QUERY_JS = r"""
(function () {
  var cfg = __CONFIG__;
  var params = new URLSearchParams(location.search);
  var box = document.querySelector("form input[name=year]");
  if (box) {
    var sql = "select distinct report_year from reports where report_year is not null order by report_year";
    fetch(location.pathname.replace(/\/[^\/]+$/, "") + ".json?_shape=array&sql=" + encodeURIComponent(sql))
      .then(function (r) { return r.json(); }).then(function (rows) {
        var hint = document.createElement("span");
        hint.className = "year-hint";
        hint.appendChild(document.createTextNode(" 档案中的年度 years: "));
        rows.forEach(function (row) {
          var p = new URLSearchParams(location.search); p.set("year", row.report_year);
          var a = document.createElement("a"); a.href = "?" + p.toString(); a.textContent = row.report_year;
          hint.appendChild(a); hint.appendChild(document.createTextNode(" "));
        });
        box.parentNode.insertBefore(hint, box.nextSibling);
      });
  }
  if (cfg.chart) {
    var value = params.get(cfg.param) || "";
    var frame = document.createElement("iframe");
    frame.className = "query-chart";
    frame.title = "chart";
    frame.src = cfg.chart + (value ? "?" + cfg.param + "=" + encodeURIComponent(value) : "");
    frame.style.cssText = "width:100%;max-width:900px;height:420px;border:0";
    var table = document.querySelector("table.rows-and-columns");
    if (table) table.parentNode.insertBefore(frame, table);
  }
})();
"""


# The column glossary is long: fold it into <details> and put it below the rows.
GLOSSARY_JS = r"""
(function () {
  var dl = document.querySelector("dl.column-descriptions");
  if (!dl) return;
  var details = document.createElement("details");
  details.className = "column-glossary";
  var summary = document.createElement("summary");
  summary.textContent = "列说明 · Column glossary (" + dl.querySelectorAll("dt").length + ")";
  details.appendChild(summary);
  var anchor = document.querySelector(".table-wrapper") || document.querySelector("table.rows-and-columns");
  dl.parentNode.removeChild(dl);
  details.appendChild(dl);
  if (anchor && anchor.parentNode) anchor.parentNode.insertBefore(details, anchor.nextSibling);
  else document.querySelector(".content, main, body").appendChild(details);
})();
"""
