"""One organ across years: reports.organ (the name a report gives) → organs.id.

The rules are data (archive/organs.yml): names are folded, abbreviations written out
(政府办 → 人民政府办公室) and a zone's 管委会 / 党工委管委会 suffix dropped, so the name
variants of one organ get one canonical name. A maintainer pins or splits a mapping in the
same file. The organ id is derived from the province and the canonical name, so it is the same
in every rebuild of the archive.

`python -m archive.regroup ARCHIVE_DB` applies the rules to every report again (a crawl and
`make reextract` do it too, before the cross-year check R5). This module imports nothing
of the archive: schema and store use it, never the other way round.

An organ's level is the level of the government it belongs to, read from its name against
the portal's region (`level_of`): 南湖区人民政府办公室 on the 嘉兴市 (prefecture) portal names
a district below the region, so it is `county`.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

import yaml

from extract.visible import organ_name

RULES_FILE = Path(__file__).with_name("organs.yml")
_PROVINCE = re.compile(r"^(.+?(?:省|自治区|特别行政区)|北京市|天津市|上海市|重庆市)")


@lru_cache(maxsize=1)
def rules() -> dict:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    data["expand_re"] = [(re.compile(e["pattern"]), e["to"]) for e in data.get("expand") or []]
    data["zone_re"] = re.compile(data["zone_words"])
    data["government_re"] = [re.compile(p) for p in data.get("government") or []]
    data["split"] = set(data.get("split") or [])
    data["division_below_re"] = re.compile(data["division_below"])
    return data


def fold(name: str) -> str:
    """White space out, brackets in one (full-width) form."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", organ_name(name)))
    return text.replace("(", "（").replace(")", "）")


def canonical(name: str, region: str | None = None) -> str:
    """The canonical name of the organ a report calls `name`."""
    data = rules()
    folded = fold(name)
    for key in (f"{region or ''}|{folded}", folded):
        if key in (data.get("pin") or {}):
            return fold(data["pin"][key])
    if folded in data["split"]:
        return folded
    for pattern, to in data["expand_re"]:
        folded = pattern.sub(to, folded)
    for suffix in data["zone_body_suffixes"]:
        base = folded[:-len(suffix)] if folded.endswith(suffix) else None
        if base and data["zone_re"].search(base):
            return base
    return folded


def kind_of(name: str) -> str:
    data = rules()
    if name in (data.get("kind") or {}):
        return data["kind"][name]
    return "government" if any(p.search(name) for p in data["government_re"]) else "department"


def province(region: str | None) -> str:
    match = _PROVINCE.match(region or "")
    return match.group(1) if match else (region or "")


def level_of(name: str, region: str | None, portal_level: str | None) -> str | None:
    """The organ's level: the portal's when the name starts with the region's own division
    (or names none), one level down when it starts with a division below the region
    (organs.yml `division_below`), the level of an earlier part of the region when it
    starts with that part."""
    data = rules()
    order = data["levels"]
    folded = fold(name)
    parts = _REGION_PARTS.findall(region or "")
    if not portal_level or portal_level not in order or not parts:
        return portal_level
    if folded.startswith(parts[-1]):
        return portal_level
    at = order.index(portal_level)
    for back, part in enumerate(reversed(parts[:-1]), start=1):
        if folded.startswith(part):
            return order[max(0, at - back)]
    if data["division_below_re"].match(folded) and at + 1 < len(order):
        return order[at + 1]
    return portal_level


_REGION_PARTS = re.compile(r".+?(?:特别行政区|自治区|自治州|自治县|省|市|州|盟|地区|区|县|旗|镇|乡|街道)")


def organ_id(name: str, region: str | None) -> str:
    """Stable id: the same province and canonical name give the same id in any archive."""
    return hashlib.sha1(f"{province(region)}|{name}".encode("utf-8")).hexdigest()[:10]


def assign(db, organ: str | None, region: str | None, level: str | None) -> str | None:
    """The organ id for a report's organ name, adding the organ and the name if new."""
    if not organ:
        return None
    name = canonical(organ, region)
    oid = organ_id(name, region)
    # plain SQL: this runs once per report saved
    db.execute("insert or ignore into organs (id, name, region, level, kind) values (?, ?, ?, ?, ?)",
               [oid, name, region, level_of(name, region, level), kind_of(name)])
    db.execute("insert or replace into organ_names (name, region, organ_id, rule) values (?, ?, ?, ?)",
               [organ, region or "", oid, _how(organ, name, region)])
    return oid


def _how(organ: str, name: str, region: str | None) -> str:
    pins = rules().get("pin") or {}
    if f"{region or ''}|{fold(organ)}" in pins or fold(organ) in pins:
        return "pin"
    if fold(organ) in rules()["split"]:
        return "split"
    return "same" if fold(organ) == name else "rules"


def assign_all(db) -> int:
    """Apply the rules (and the maintainer's pins) to every report again. Returns the
    number of organs. Runs after every crawl: only what changed is written. A report's level
    is its organ's (`level_of`, from the level of its portal)."""
    with db.atomic():
        db.execute("delete from organ_names")
        names, organs_now = {}, {}
        ids, levels = [], []
        for report_id, organ, region, level in db.execute(
                "select r.id, r.organ, r.region, coalesce(p.level, r.level) from reports r "
                "left join portals p on p.id = r.portal").fetchall():
            if not organ:
                ids.append((None, report_id))
                continue
            name = canonical(organ, region)
            oid = organ_id(name, region)
            organ_level = level_of(name, region, level)
            organs_now.setdefault(oid, {"name": name, "region": region, "level": organ_level, "names": set()})
            organs_now[oid]["names"].add(organ)
            names[(organ, region or "")] = (oid, _how(organ, name, region))
            ids.append((oid, report_id))
            levels.append((organ_level, report_id))
        db.conn.executemany("insert or ignore into organs (id, name, region, level, kind) values (?, ?, ?, ?, ?)",
                            [(oid, o["name"], o["region"], o["level"], kind_of(o["name"])) for oid, o in organs_now.items()])
        db.conn.executemany("insert into organ_names (name, region, organ_id, rule) values (?, ?, ?, ?)",
                            [(name, region, oid, rule) for (name, region), (oid, rule) in names.items()])
        db.conn.executemany("update reports set organ_id = ? where id = ? and organ_id is not ?1", ids)
        db.conn.executemany("update reports set level = ? where id = ? and level is not ?1", levels)
        db.conn.executemany("update organs set level = ?2 where id = ?1 and level is not ?2",
                            [(oid, o["level"]) for oid, o in organs_now.items()])
        stale = [(oid,) for (oid,) in db.execute("select id from organs").fetchall() if oid not in organs_now]
        db.conn.executemany("delete from organs where id = ?", stale)
        # the kind follows the rules file as it is now
        db.conn.executemany("update organs set kind = ?2 where id = ?1 and kind is not ?2",
                            [(oid, kind_of(o["name"])) for oid, o in organs_now.items()])
        db.conn.executemany("update organs set names = ?2 where id = ?1 and names is not ?2",
                            [(oid, json.dumps(sorted(o["names"]), ensure_ascii=False)) for oid, o in organs_now.items()])
    return len(organs_now)


def deadline_sql(year: str = "r.report_year", kind: str = "o.kind") -> str:
    """SQL for the date a report was due (ISO text), from the organ's kind and the year."""
    d = rules()["deadlines"]
    return (f"case when {year} is null then null "
            f"when {year} < {int(d['revision_year'])} then ({year} + 1) || '-{d['before_revision']}' "
            f"when {kind} = 'government' then ({year} + 1) || '-{d['government']}' "
            f"else ({year} + 1) || '-{d['department']}' end")
