"""What the report page (/archive/reports/ID) shows, read from the archive in one go.

The three tables are laid out as in the national format (rows and labels from
extract/report_format.yml); a cell that takes part in a failing check carries the rule in
words ("一+二 ≠ （七）+四: 18+0 ≠ 16+2"); figures of the narrative that disagree with the table
are listed with their sentence. Plain data for the template publish/templates/report.html.
"""
from __future__ import annotations

import json
import re
import sqlite3

from extract import formats, identities

# Column heads of table 2, by value key (the printed heads differ between formats).
ACTIVE_HEADS = {
    "issued": "本年制发件数", "repealed": "本年废止件数", "in_force": "现行有效件数",
    "made": "本年新制作数量", "published": "本年新公开数量", "total": "对外公开总数量",
    "prev": "上一年项目数量", "change": "本年增/减", "decisions": "处理决定数量",
    "licensing": "本年处理决定数量", "penalty": "本年处理决定数量", "enforcement": "本年处理决定数量",
    "fees_10k_yuan": "本年收费金额（万元）", "count": "采购项目数量", "amount": "采购总金额",
}
HEADLINE_LABELS = {"applications_received": "收到政府信息公开申请", "review_cases": "行政复议",
                   "suits": "行政诉讼", "proactive_items": "主动公开政府信息"}
CELL_PATH = re.compile(r"\b(applications|review_litigation|active_disclosure|active)\.([a-z0-9_]+)(?:\.([a-z0-9_]+))?")


def short_labels() -> dict[str, str]:
    """Row key -> its number as printed (一, （七）, （三）2 …), for rules in words."""
    out, group_prefix = {}, {}
    for row in formats.spec()["application_rows"]:
        zh = row["zh"]
        top = re.match(r"^([一二三四五六七八九十]+)、", zh)
        sub = re.match(r"^(（[一二三四五六七八九十]）)", zh)
        item = re.search(r"(\d+)\.", zh)
        if top:
            out[row["key"]] = top.group(1)
        elif sub:
            group_prefix[row.get("group")] = sub.group(1)
            out[row["key"]] = sub.group(1) + (item.group(1) if item and row.get("group") else "")
        elif item and row.get("group") in group_prefix:
            out[row["key"]] = group_prefix[row["group"]] + item.group(1)
        else:
            out[row["key"]] = zh
    return out


def _label(pattern: str) -> str:
    """A display label from a label pattern: '(行政)?规范性文件' -> '行政规范性文件'."""
    return re.sub(r"[()?^$\\|]", "", pattern)


def _fmt(v) -> str:
    if v is None:
        return "空"
    return number(v)


def number(v) -> str:
    """A figure as a reader writes it: 75394400, 1341.5 — never 7.53944e+07."""
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return f"{v:.6f}".rstrip("0").rstrip(".")
    return str(v)


def load(conn: sqlite3.Connection, report_id: int) -> dict | None:
    conn.row_factory = sqlite3.Row
    q = lambda sql, *args: [dict(r) for r in conn.execute(sql, args).fetchall()]  # noqa: E731
    found = q("select * from report_summary where report_id = ?", report_id)
    if not found:
        return None
    summary = found[0]
    report = q("select * from reports where id = ?", report_id)[0]
    fmt = report["format"] or "unknown"
    apps = {(r["row_key"], r["column_key"]): r for r in q("select * from applications where report_id = ?", report_id)}
    active = {r["key"]: r for r in q("select * from active_disclosure where report_id = ?", report_id)}
    review = {(r["block"], r["outcome"]): r for r in q("select * from review_litigation where report_id = ?", report_id)}
    checks = q("select * from checks where report_id = ? order by rule, scope", report_id)
    spec = formats.spec()
    labels = short_labels()
    value = lambda row, col: (apps.get((row, col)) or {}).get("value")  # noqa: E731
    review_value = lambda block, outcome: (review.get((block, outcome)) or {}).get("value")  # noqa: E731
    columns = [c["key"] for c in spec["application_columns"]]

    failures: dict[str, list[str]] = {}  # cell id -> rules in words
    failing, narrative = [], []
    for c in checks:
        if c["status"] != "fail":
            continue
        words, cells = _in_words(c, fmt, value, labels, columns, review_value)
        if c["rule"] == "R7":
            narrative.append(_narrative(c))
        failing.append({**c, "words": words})
        for cell in cells:
            failures.setdefault(cell, []).append(f"{c['rule']} {words}")

    def cell(cell_id: str, row: dict | None) -> dict:
        v = row.get("value") if row else None
        raw = (row or {}).get("raw")
        shown = "" if v is None else _fmt(v)
        return {"value": shown, "raw": raw or "", "raw_differs": bool(raw) and raw.strip() != shown,
                "failing": failures.get(cell_id, []), "id": cell_id}

    app_rows = [{"key": r["key"], "label": r["zh"],
                 "cells": [cell(f"applications.{r['key']}.{col}", apps.get((r["key"], col))) for col in columns]}
                for r in printed_rows(fmt, apps)] if fmt in ("2021", "2019") else []
    active_rows = [{"label": _label(r["label"]),
                    "cells": [dict(cell(f"active.{k}", active.get(k)), head=_active_head(k)) for k in r["keys"]]}
                   for r in spec["active"].get(fmt, [])]
    review_cells = [[cell(f"review_litigation.{b['key']}.{o['key']}", review.get((b["key"], o["key"])))
                     for o in spec["review_outcomes"]] for b in spec["review_blocks"]] if fmt in ("2021", "2019") else []

    captures = q("""select c.id, c.url, c.fetched_at, c.status, c.content_type, c.length, c.digest from captures c
        where c.url in (select ? union select ? union select old_url from changes where report_id = ?
                        union select new_url from changes where report_id = ?)
           or c.id in (select old_capture_id from changes where report_id = ? union
                       select new_capture_id from changes where report_id = ?)
        order by c.fetched_at, c.id""", report["url"], report["final_url"], report_id, report_id, report_id, report_id)
    changes = q("select * from changes where report_id = ? order by detected_at, id", report_id)
    for ch in changes:
        ch["cells"] = [dict(d, label=_cell_label(d["cell"], labels)) for d in json.loads(ch["diff"] or "[]")]
    years = q("""select id, report_year, title, check_status, status from reports
        where organ_id = ? order by report_year, id""", report["organ_id"]) if report["organ_id"] else []
    return {
        "summary": summary, "report": report, "format": fmt,
        "application_columns": spec["application_columns"], "applications": app_rows,
        "active": active_rows, "review_blocks": spec["review_blocks"], "review_outcomes": spec["review_outcomes"],
        "review": review_cells, "failing": failing, "narrative": narrative,
        "checks": {s: sum(1 for c in checks if c["status"] == s) for s in ("pass", "fail", "not_assessable")},
        "legacy": q("select * from legacy_indicators where report_id = ? order by position", report_id),
        "headline": [dict(h, label=HEADLINE_LABELS.get(h["key"], h["key"]))
                     for h in q("select * from headline_figures where report_id = ?", report_id)],
        "attachments": q("select * from attachments where report_id = ? order by id", report_id),
        "captures": captures, "changes": changes, "years": years,
    }


PAIR = re.compile(r"\b([a-z_]+)=(-?\d+(?:\.\d+)?|None)")


def check_words(rule: str, scope: str | None, detail: str | None, fmt: str | None) -> str:
    """A stored check result in words, from its own detail (which names every cell it used
    with its value): "（七）总计 ≠ （一）至（六）之和：16 ≠ 14（总计列）"."""
    pairs = {k: (None if v == "None" else float(v) if "." in v else int(v)) for k, v in PAIR.findall(detail or "")}
    check = {"rule": rule, "scope": scope, "detail": detail}
    labels = short_labels()
    columns = [c["key"] for c in formats.spec()["application_columns"]]
    if rule == "R3":
        value = lambda row, col: pairs.get(col)  # noqa: E731  (one row: its columns)
    else:
        value = lambda row, col: pairs.get(row)  # noqa: E731  (one column: its rows)
    try:
        words, _ = _in_words(check, fmt or "2021", value, labels, columns, lambda block, outcome: pairs.get(outcome))
    except (KeyError, ValueError, TypeError):  # a detail in another shape: shown as stored
        return detail or ""
    return words


def json_ld(page: dict) -> str:
    """schema.org citation data for the report page: the report (by its organ, as published on
    its portal) and the archive's copy of it, with the figures as a Dataset. Safe inside <script>."""
    r = page["report"]
    report = {"@context": "https://schema.org", "@type": "Report", "name": r["title"] or r["organ"],
              "url": page["canonical_url"], "identifier": page["canonical_url"], "inLanguage": "zh-CN",
              "author": {"@type": "GovernmentOrganization", "name": r["organ"]},
              "publisher": {"@type": "GovernmentOrganization", "name": r["publisher"] or r["organ"]},
              "datePublished": r["published"], "temporalCoverage": str(r["report_year"] or ""),
              "spatialCoverage": r["region"], "sameAs": r["final_url"],
              "archivedAt": page["archived_url"],
              "isBasedOn": {"@type": "Dataset", "name": f"{r['title'] or r['organ']} · 表格数据 figures",
                            "url": page["canonical_url"] + ".json", "encodingFormat": "application/json",
                            "dateModified": r["extracted_at"]}}
    text = json.dumps({k: v for k, v in report.items() if v not in (None, "")}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def printed_rows(fmt: str, apps: dict) -> list[dict]:
    """Table 3's rows as this report printed them. A row that `replaces` others (（六）其他处理
    as one row) stands in for them only where the report filled it and left them blank: the
    2021 format prints the three sub-rows, the 2019 format the one row."""
    rows = formats.application_rows(fmt)
    filled = lambda key: any(r.get("value") is not None for (k, _), r in apps.items() if k == key)  # noqa: E731
    hidden = set()
    for row in rows:
        replaced = row.get("replaces") or []
        present = [k for k in replaced if any(r["key"] == k for r in rows)]
        if not present:
            continue
        if filled(row["key"]) and not any(filled(k) for k in present):
            hidden.update(present)
        else:
            hidden.add(row["key"])
    return [r for r in rows if r["key"] not in hidden]


def _active_head(key: str) -> str:
    if key in ACTIVE_HEADS:
        return ACTIVE_HEADS[key]
    return ACTIVE_HEADS.get(key.rsplit("_", 1)[-1], ACTIVE_HEADS.get("_".join(key.split("_")[-2:]), key))


def _cell_label(path: str, labels: dict) -> str:
    parts = path.split(".")
    if parts[0] == "applications" and len(parts) == 3:
        col = next((c["zh"] for c in formats.spec()["application_columns"] if c["key"] == parts[2]), parts[2])
        row = next((r["zh"] for r in formats.spec()["application_rows"] if r["key"] == parts[1]), parts[1])
        return f"表三 {row} · {col}"
    if parts[0] == "review_litigation" and len(parts) == 3:
        spec = formats.spec()
        block = next((b["zh"] for b in spec["review_blocks"] if b["key"] == parts[1]), parts[1])
        out = next((o["zh"] for o in spec["review_outcomes"] if o["key"] == parts[2]), parts[2])
        return f"表四 {block} · {out}"
    return "表二 " + parts[-1] if parts[0].startswith("active") else path


def _in_words(check: dict, fmt: str, value, labels: dict, columns: list[str],
              review_value=lambda block, outcome: None) -> tuple[str, list[str]]:
    """The rule with its numbers ("一+二 ≠ （七）+四: 18+0 ≠ 16+2") and the cells it used."""
    rule, scope = check["rule"], check["scope"] or ""
    parts = scope.split(".")
    col_zh = {c["key"]: c["zh"] for c in formats.spec()["application_columns"]}
    if rule in ("R1", "R2", "R5") and len(parts) == 2 and parts[0] == "applications":
        col = parts[1]
        if rule == "R1":
            lhs, rhs = identities.sides("R1", fmt)
            text = (f"{'+'.join(labels[k] for k in lhs)} ≠ {'+'.join(labels[k] for k in rhs)}："
                    f"{'+'.join(_fmt(value(k, col)) for k in lhs)} ≠ {'+'.join(_fmt(value(k, col)) for k in rhs)}")
            cells = lhs + rhs
        elif rule == "R2":
            printed = {r["key"] for r in formats.application_rows(fmt) if value(r["key"], col) is not None}
            results = identities.sides("R2", fmt, printed)[1]
            total = sum(value(k, col) or 0 for k in results)
            text = f"（七）总计 ≠ （一）至（六）之和：{_fmt(value('total_handled', col))} ≠ {_fmt(total)}"
            cells = ["total_handled"] + results
        else:
            m = re.search(r"carried_forward=(\S+)", check["detail"] or "")
            text = f"二（上年结转）≠ 上年报告的四（结转下年度）：{_fmt(value('carried_over', col))} ≠ {m.group(1) if m else '?'}"
            cells = ["carried_over"]
        return f"{text}（{col_zh.get(col, col)}列）", [f"applications.{k}.{col}" for k in cells]
    if rule == "R3" and len(parts) == 2:
        row = parts[1]
        applicants = columns[:-1]
        text = (f"总计 ≠ 六类申请人之和：{_fmt(value(row, 'total'))} ≠ "
                f"{'+'.join(_fmt(value(row, c)) for c in applicants)}（{labels.get(row, row)}行）")
        return text, [f"applications.{row}.{c}" for c in columns]
    if rule == "R4" and len(parts) == 2:
        block = parts[1]
        block_zh = next((b["zh"] for b in formats.spec()["review_blocks"] if b["key"] == block), block)
        parts_ = ["upheld", "corrected", "other", "pending"]
        text = (f"总计 ≠ 维持+纠正+其他+尚未审结：{_fmt(review_value(block, 'total'))} ≠ "
                f"{'+'.join(_fmt(review_value(block, o)) for o in parts_)}（{block_zh}）")
        return text, [f"review_litigation.{block}.{o}" for o in formats.review_outcomes()]
    if rule == "R7":
        n = _narrative(check)
        return f"正文 {n['stated']} ≠ 表格 {n['table']}", n["cells"]
    cells = [".".join(x for x in m.groups() if x).replace("active_disclosure.", "active.")
             for m in CELL_PATH.finditer(check["detail"] or "")]
    bad = re.match(r"(\d+) of (\d+) cells are not non-negative integers: (.*)", check["detail"] or "")
    if rule == "R6" and bad:
        return f"计数应为非负整数：{bad.group(1)} 格不是（共 {bad.group(2)} 格）：{bad.group(3)}", cells
    return check["detail"] or "", cells


def _narrative(check: dict) -> dict:
    """An R7 result read back: the sentence, the figure it states, the table's figure."""
    detail = check["detail"] or ""
    sentence = re.search(r"«(.*?)»", detail)
    stated = re.search(r"states '(.*?)' = (-?\d+)", detail)
    table = re.search(r"table (.*?) = (-?\d+)(?:$|;|\s)", detail)
    total = re.search(r"\(sum (-?\d+)\)", detail)
    cells = [".".join(x for x in m.groups() if x).replace("active_disclosure.", "active.")
             for m in CELL_PATH.finditer(detail.split("table", 1)[-1])]
    return {"sentence": sentence.group(1) if sentence else detail, "words": stated.group(1) if stated else "",
            "stated": stated.group(2) if stated else "?",
            "table": total.group(1) if total else (table.group(2) if table else "?"),
            "cells": cells, "scope": check["scope"]}
