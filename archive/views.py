"""Views and label tables for SQL users (sqlite3, Python, R), so plain SQL needs no inside
knowledge: which rows are the archive's current reports, a report's whole text, the labels
of table 2's keys, money in one unit. Created (or replaced when their SQL changes) on every
open (schema.ensure_schema); documented in metadata.yml and docs/sql.md.
"""
from __future__ import annotations

from extract import formats

# Key totals two reports of one organ and year must share to be one report twice.
_SAME_TOTALS = ("new_received", "carried_over", "total_handled", "carried_forward", "granted", "denied")

VIEWS = {
    # A report found twice — the same organ and year archived again (another portal, a copy
    # at another URL) with the same bytes or the same key totals — counts once: the later
    # one is a duplicate of the first archived.
    "report_duplicates": f"""
select d.id as report_id, min(o.id) as duplicate_of, d.organ_id, d.report_year
from reports d
join reports o on o.organ_id = d.organ_id and o.report_year = d.report_year and o.id < d.id
  and o.status != 'removed'
left join report_totals td on td.report_id = d.id
left join report_totals t_o on t_o.report_id = o.id
where d.status != 'removed' and d.organ_id is not null
  and (o.content_digest = d.content_digest
       or (td.new_received is not null and {' and '.join(f'td.{c} is t_o.{c}' for c in _SAME_TOTALS)}))
group by d.id""",
    # The reports to count: not removed from their portal, not a duplicate.
    "current_reports": """
select r.* from reports r
where r.status != 'removed' and r.id not in (select report_id from report_duplicates)""",
    "current_summary": """
select s.* from report_summary s
where s.status != 'removed' and s.report_id not in (select report_id from report_duplicates)""",
    # A report's whole text: its page and the text of its files (a PDF report's text is only
    # in attachments), for `full_text like '%行政复议%'` in sqlite3.
    "report_text": """
select r.id as report_id, r.organ, r.organ_id, r.report_year, r.status, r.title, r.final_url as source_url,
  t.full_text
from reports r left join report_full_text t on t.report_id = r.id""",
    # Table 2 with its labels: one row per cell, the value in its stored unit (money in 万元).
    "active_disclosure_labelled": """
select d.report_id, r.format, d.key, k.label_zh, k.label_en, d.value, d.unit, d.raw
from active_disclosure d
join reports r on r.id = d.report_id
left join active_disclosure_keys k on k.key = d.key""",
}


def ensure_views(db) -> None:
    """Every view of VIEWS, created or re-created when its SQL changed (in dependency order)."""
    have = {r[0]: r[1] for r in db.execute("select name, sql from sqlite_master where type = 'view'")}
    wanted = {name: f"create view [{name}] as {sql.strip()}" for name, sql in VIEWS.items()}
    if all(have.get(name) == sql for name, sql in wanted.items()):
        return
    for name in reversed(list(VIEWS)):
        if name in have:
            db.execute(f"drop view [{name}]")
    for sql in wanted.values():
        db.execute(sql)


def active_key_rows() -> list[dict]:
    """The rows of active_disclosure_keys: every key of table 2 in both formats."""
    spec = formats.spec()
    labels = spec.get("active_labels") or {}
    rows = []
    for fmt, table in spec["active"].items():
        for row in table:
            for key in row["keys"]:
                label = labels.get(key) or {}
                rows.append({"key": key, "format": fmt, "position": len(rows), "label_zh": label.get("zh"),
                             "label_en": label.get("en"), "unit": label.get("unit")})
    return rows


# Money in table 2 is stored in 万元; a value printed in 元 (2019's 采购总金额) is divided.
TO_10K_YUAN = {"万元": 1, "元": 10000}


def normalised_active(result: dict) -> dict:
    """{key: (value, unit)} of an extraction's table 2, money in 万元."""
    active = result.get("active") or {}
    units = {row_key: label.get("unit") for row_key, label in (formats.spec().get("active_labels") or {}).items()}
    out = {}
    for key, value in active.items():
        if key.endswith("_unit"):
            continue
        unit = units.get(key)
        if f"{key}_unit" in active:  # printed with its own unit (万元 or 元)
            printed = active[f"{key}_unit"]
            unit = "万元" if printed in TO_10K_YUAN else printed
            if value is not None and printed in TO_10K_YUAN:
                value = round(value / TO_10K_YUAN[printed], 8)
        out[key] = (value, unit)
    return out
