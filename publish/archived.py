"""Archived copies: /-/archived/{capture id} shows what a page said when it was archived, read
from the WARC files beside the database; the captured page runs in a sandbox, never on the
archive's origin (a PDF or office file is shown as its extracted text with a download link)."""
from __future__ import annotations

import html
from pathlib import Path

from datasette import Response, hookimpl

from . import limits, site
from .render import report_path

WARC_FOLDER = "warcs"  # beside the database: the only folder /-/archived/ reads from
# Captured pages may not run scripts, load anything, or reach the archive's origin.
SANDBOX_CSP = ("sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
               "font-src data:; frame-ancestors 'self'")


@hookimpl
def register_routes():
    return [
        (r"^/-/archived/(?P<capture_id>\d+)$", archived_page),
        (r"^/-/archived/(?P<capture_id>\d+)/raw$", archived_raw),
    ]


async def _capture(datasette, capture_id: int):
    """A capture's row and bytes, read only from the WARC folder beside the database (the
    URL carries an id, never a path; a row naming another file is refused)."""
    db = datasette.get_database(site.archive_name(datasette))
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
    db = datasette.get_database(site.archive_name(datasette))
    reports = [dict(r) for r in (await db.execute(
        "select id, organ, report_year, title from reports where capture_id = ?", [capture_id])).rows]
    e = html.escape
    if not (row["content_type"] or "").startswith(("text/html", "application/xhtml")):
        reports += [dict(r) for r in (await db.execute(
            """select r.id, r.organ, r.report_year, r.title, a.text from attachments a join reports r on r.id = a.report_id
               where a.capture_id = ?""", [capture_id])).rows]
    links = "".join(f'<li><a href="{e(report_path(db.name, r["id"]))}">{e(r["title"] or "")}</a></li>' for r in reports)
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
