"""The archive's pages beyond Datasette's own: the front page (templates/index.html, data from
front.py), the report page (templates/report.html via row.html — Datasette names row templates
by database, so the plugin points `reports` rows of the archive, whatever its name, at it; data
from report_page.py), the site's CSS, and the scripts of table and query pages (the column
glossary folded, a canned query's SQL folded, the years held beside a `year` box, a query's
chart embedded — or an empty state that says why there is none)."""
from __future__ import annotations

import json

from datasette import hookimpl

from . import front, report_page, site


@hookimpl
def extra_template_vars(template, database, table, view_name, request, datasette):
    if view_name == "index" and request is not None:
        async def front_vars():
            return {"front": await front.load(datasette)}
        return front_vars
    if view_name != "row" or table != "reports" or not site.is_archive(datasette, database) or request is None:
        return {}

    async def report_vars():
        pk = request.url_vars.get("pks", "")
        if not pk.isdigit():
            return {"report_page": None}
        db = datasette.get_database(database)
        page = await db.execute_fn(lambda conn: report_page.load(conn, int(pk)))
        if page:
            base = site.base_url(datasette)
            page["archived_url"] = f"{base}/-/archived/{page['report']['capture_id']}"
            page["canonical_url"] = f"{base}/{database}/reports/{int(pk)}"
            page["base_url"] = base
            page["json_ld"] = report_page.json_ld(page)
        return {"report_page": page}
    return report_vars


@hookimpl
def extra_css_urls(view_name):
    return [{"url": "/-/static-plugins/gov-report-archive/report.css"}]


# canned query -> (dashboard chart drawn above its rows, the query's parameter passed on,
#                  whether the chart needs that parameter: one organ's chart needs an organ)
QUERY_CHARTS = {
    "organ_history": ("organ/organ-requests", "organ", True),
    "totals_by_year": ("overview/requests-per-year", "region", False),
}


@hookimpl
def extra_body_script(request, database, datasette):
    """Table and canned query pages (Datasette renders both with view_name 'table'): each
    script does nothing on a page without its elements."""
    if request is None or not site.is_archive(datasette, database):
        return None
    name = request.path.rstrip("/").rsplit("/", 1)[-1]
    chart = QUERY_CHARTS.get(name)
    config = {"chart": f"/-/dashboards/{chart[0]}/embed" if chart else None,
              "param": chart[1] if chart else None, "needs_param": bool(chart and chart[2])}
    return {"script": GLOSSARY_JS + SQL_JS + QUERY_JS.replace("__CONFIG__", json.dumps(config))}


# A canned query's SQL is folded into <details> (on a phone it was 2-4 screens wide and pushed
# the results down), and on a phone its long description too.
SQL_JS = r"""
(function () {
  var sql = document.querySelector("form.sql pre#sql-query, form.sql textarea#sql-editor");
  if (!sql || !document.body.className.match(/\bquery-/)) return;
  var details = document.createElement("details");
  details.className = "query-sql";
  var summary = document.createElement("summary");
  summary.textContent = "查询语句 · SQL";
  details.appendChild(summary);
  sql.parentNode.insertBefore(details, sql);
  details.appendChild(sql);
  var format = document.querySelector("form.sql #sql-format");
  if (format) details.appendChild(format);
  // on a phone a long description is folded too, so the results start on the first screen
  var about = document.querySelector(".metadata-description");
  if (about && window.innerWidth <= 576 && about.textContent.length > 160) {
    var more = document.createElement("details");
    more.className = "query-about";
    var label = document.createElement("summary");
    label.textContent = "说明 · About this query";
    more.appendChild(label);
    about.parentNode.insertBefore(more, about);
    more.appendChild(about);
  }
  var h3 = document.querySelector("form.sql h3");
  if (h3) h3.style.display = "none";
})();
"""


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
  var table = document.querySelector("table.rows-and-columns");
  if (cfg.chart) {
    var value = (params.get(cfg.param) || "").trim();
    var anchor = table || document.querySelector(".zero-results");
    if (cfg.needs_param && (!value || !table)) {
      var empty = document.createElement("p");
      empty.className = "chart-empty";
      empty.textContent = !value ? "请输入机关名称（如 平潭）· Type part of an organ's name (e.g. 平潭): the chart shows one organ."
                                 : "没有这个机关 · No such organ: no organ's name contains “" + value + "”.";
      if (anchor) anchor.parentNode.insertBefore(empty, anchor);
      else document.querySelector("form.sql").appendChild(empty);
      return;
    }
    var frame = document.createElement("iframe");
    frame.className = "query-chart";
    frame.title = "chart";
    frame.src = cfg.chart + (value ? "?" + cfg.param + "=" + encodeURIComponent(value) : "");
    frame.style.cssText = "width:100%;max-width:900px;height:420px;border:0";
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
