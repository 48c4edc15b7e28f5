"""The archive's Datasette plugin (registered as an entry point in pyproject.toml).

- Chinese search: `escape_fts` — the function Datasette's search box and ?_search= pass the
  query through — is replaced by the bigram phrase query of archive/search.py.
- Provenance: /-/archived/{capture id} shows what a page said when it was archived, read
  from the WARC files; the captured page runs in a sandbox, never on the archive's origin.
- Charts: canned queries named in CHARTS get an SVG chart drawn above their table.
- Ranked search: the reports table's search box (HTML, no explicit sort) leads to the `search`
  query, which orders matches by relevance (BM25); Datasette's table view cannot rank.
"""
from __future__ import annotations

import html
import json
import re
from urllib.parse import parse_qs, urlencode
from pathlib import Path

from datasette import Response, hookimpl
from markupsafe import Markup

from archive.search import match_query

DATABASE = "archive"
WARC_FOLDER = "warcs"  # beside the database: the only folder /-/archived/ reads from
# Captured pages may not run scripts, load anything, or reach the archive's origin.
SANDBOX_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
               "font-src data:; frame-ancestors 'self'")
# canned query -> (x column, y columns, series column or None)
CHARTS = {
    "totals_by_year": ("report_year", ["new_received", "total_handled"], None),
    "organ_history": ("report_year", ["new_received", "granted", "denied", "total_handled"], None),
}


@hookimpl(trylast=True)  # after Datasette's own prepare_connection, so ours wins
def prepare_connection(conn):
    conn.create_function("escape_fts", 1, match_query)
    conn.create_function("bigram_query", 1, match_query)


@hookimpl
def asgi_wrapper(datasette):
    def wrap(app):
        async def ranked_search(scope, receive, send):
            if scope.get("type") == "http" and scope.get("path") == f"/{DATABASE}/reports":
                args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
                query = (args.get("_search") or [""])[0].strip()
                if query and not {"_sort", "_sort_desc"} & set(args):
                    location = f"/{DATABASE}/search?" + urlencode({"q": query})
                    await send({"type": "http.response.start", "status": 302,
                                "headers": [[b"location", location.encode("ascii")], [b"content-length", b"0"]]})
                    await send({"type": "http.response.body", "body": b""})
                    return
            await app(scope, receive, send)
        return ranked_search
    return wrap


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
    try:
        body = read_record(row, base, confine_to=base / WARC_FOLDER)
    except (OSError, ValueError):
        return None, None
    return row, body


async def archived_page(datasette, request):
    capture_id = int(request.url_vars["capture_id"])
    row, _ = await _capture(datasette, capture_id)
    if row is None:
        return Response.html("<h1>No such capture</h1>", status=404)  # or its bytes are not in the WARC folder
    db = datasette.get_database(DATABASE)
    reports = [dict(r) for r in (await db.execute(
        "select id, organ, report_year, title from reports where capture_id = ?", [capture_id])).rows]
    e = html.escape
    links = "".join(f'<li><a href="/{DATABASE}/reports/{r["id"]}">{e(r["title"] or "")}</a></li>' for r in reports)
    page = f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>存档副本 · Archived copy {capture_id}</title>
<style>body{{font-family:sans-serif;margin:0}} .prov{{background:#fff8e1;border-bottom:2px solid #f0c36d;padding:10px 16px;font-size:14px}}
.prov dt{{font-weight:bold;float:left;width:9em}} .prov dd{{margin:0 0 2px 9.5em;word-break:break-all}}
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
<iframe sandbox="" src="/-/archived/{capture_id}/raw" title="archived copy"></iframe>
</body></html>"""
    return Response.html(page)


async def archived_raw(datasette, request):
    capture_id = int(request.url_vars["capture_id"])
    row, body = await _capture(datasette, capture_id)
    if row is None:
        return Response.text("no such capture", status=404)
    content_type = row["content_type"] or "application/octet-stream"
    return Response(body, content_type=content_type, headers={
        "Content-Security-Policy": SANDBOX_CSP, "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer", "Cache-Control": "public, max-age=86400"})


@hookimpl
def render_cell(value, column, table, database):
    if isinstance(value, str) and re.fullmatch(r"/-/archived/\d+", value):
        return Markup(f'<a href="{html.escape(value)}">存档副本 archived</a>')
    return None


@hookimpl
def extra_body_script(view_name, request, database):
    if request is None:
        return None
    name = request.path.rstrip("/").rsplit("/", 1)[-1]
    if name not in CHARTS:
        return None
    x, ys, _ = CHARTS[name]
    return {"script": CHART_JS.replace("__CONFIG__", json.dumps({"x": x, "ys": ys}))}


# A dependency-free SVG chart: reads the query's own JSON and draws grouped bars by x.
CHART_JS = r"""
(function () {
  var cfg = __CONFIG__;
  var url = location.pathname + ".json" + (location.search ? location.search + "&" : "?") + "_shape=array";
  fetch(url).then(function (r) { return r.json(); }).then(function (rows) {
    if (!rows.length) return;
    var groups = {};
    rows.forEach(function (r) {
      var k = r[cfg.x]; groups[k] = groups[k] || {};
      cfg.ys.forEach(function (y) { groups[k][y] = (groups[k][y] || 0) + (Number(r[y]) || 0); });
    });
    var xs = Object.keys(groups).sort();
    var max = 1; xs.forEach(function (k) { cfg.ys.forEach(function (y) { max = Math.max(max, groups[k][y]); }); });
    var W = 720, H = 260, pad = 40, bw = (W - pad * 2) / xs.length / (cfg.ys.length + 1);
    var colours = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f"];
    var svg = '<svg xmlns="http://www.w3.org/2000/svg" class="archive-chart" width="' + W + '" height="' + (H + 40) + '" role="img">';
    xs.forEach(function (k, i) {
      cfg.ys.forEach(function (y, j) {
        var v = groups[k][y], h = (H - pad) * v / max, x = pad + (i * (cfg.ys.length + 1) + j) * bw;
        svg += '<rect x="' + x + '" y="' + (H - h) + '" width="' + (bw - 2) + '" height="' + h + '" fill="' + colours[j % 5] + '"><title>' + k + " " + y + ": " + v + '</title></rect>';
      });
      svg += '<text x="' + (pad + (i * (cfg.ys.length + 1) + cfg.ys.length / 2) * bw) + '" y="' + (H + 16) + '" font-size="12" text-anchor="middle">' + k + '</text>';
    });
    cfg.ys.forEach(function (y, j) {
      svg += '<rect x="' + (pad + j * 130) + '" y="' + (H + 24) + '" width="10" height="10" fill="' + colours[j % 5] + '"/><text x="' + (pad + j * 130 + 14) + '" y="' + (H + 33) + '" font-size="12">' + y + '</text>';
    });
    svg += '<line x1="' + pad + '" y1="' + H + '" x2="' + (W - pad) + '" y2="' + H + '" stroke="#333"/><text x="4" y="' + (pad / 2) + '" font-size="11">max ' + max + '</text></svg>';
    var holder = document.createElement("div");
    holder.className = "archive-chart-holder";
    holder.innerHTML = svg;
    var table = document.querySelector("table.rows-and-columns");
    (table ? table.parentNode : document.body).insertBefore(holder, table);
  });
})();
"""
