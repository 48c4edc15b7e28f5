"""Seeds for every government in China, generated from the portal registry:

    python seeds/generate_china.py [--registry seeds/registry/registry.csv] [--out seeds/china]

One YAML file per province (全国.yml for the State Council's departments), one entry per
organ of seeds/registry/registry.csv that has a homepage or a 年报 column: id, name, url,
region, level, division_code, allowed_hosts (the www and bare host of the homepage, of its
other listed address and of its 年报 column), the column as a `columns:` start URL where
known, `verified: false` and the registry's source. No URL in it was ever requested by this
project (seeds/registry/README.md says how far to trust each); the files are rewritten whole
each time, so edit the registry, not them.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import yaml

HERE = Path(__file__).resolve().parent
REGISTRY = HERE / "registry" / "registry.csv"
OUT = HERE / "china"
NATIONAL = "全国"
# An office takes the level of its government; a zone's 管委会 (or its office) is a zone.
OFFICE = re.compile(r"人民政府办公(室|厅)$")
ZONE = re.compile(r"(开发区|工业园区|产业园区|高新区|新区管理委员会办公室)(管理委员会|管委会)?(办公室)?$")
LEVELS = {"other": "province"}  # 新疆生产建设兵团: a province-level organ


def level_of(row: dict) -> str:
    if row["province"] == NATIONAL:
        return "national" if row["level"] == "province" else "department"
    if OFFICE.search(row["organ"]):
        return "county" if row["county"] else "prefecture" if row["prefecture"] else "province"
    if row["level"] in ("county", "department") and ZONE.search(row["organ"]):
        return "zone"
    return LEVELS.get(row["level"], row["level"])


def region_of(row: dict) -> str:
    if row["province"] == NATIONAL:
        return NATIONAL
    parts = [row["province"], row["prefecture"], row["county"]]
    out = []
    for part in parts:  # the 兵团 is its own province-level region
        if part and part not in out:
            out.append(part)
    return "".join(out)


def hosts_of(*urls: str) -> list[str]:
    """The www and bare spelling of every URL's host (with its port, if any)."""
    hosts: list[str] = []
    for url in urls:
        url = (url or "").strip().rstrip(";,，；、")  # a list's separator copied with the address
        netloc = urlsplit(url).netloc.lower() if url else ""
        if not netloc:
            continue
        bare = netloc[4:] if netloc.startswith("www.") else netloc
        for host in (netloc, bare if netloc != bare else "www." + bare):
            if host not in hosts:
                hosts.append(host)
    return hosts


def slug_of(url: str) -> str:
    parts = urlsplit(url)
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.strip("/").rsplit(".", 1)[0] if parts.path.strip("/") else ""
    return re.sub(r"[^a-z0-9]+", "-", f"{host}-{path}".lower()).strip("-")


def entry_of(row: dict) -> dict | None:
    """The seeds entry of one registry row (None: no address to start from)."""
    column = row["annual_report_column"].strip()
    url = row["homepage"].strip() or column
    if not url:
        return None
    entry = {"id": slug_of(url), "name": row["organ"], "url": url, "region": region_of(row),
             "level": level_of(row)}
    if row["division_code"]:
        entry["division_code"] = row["division_code"]
    entry["allowed_hosts"] = hosts_of(url, row["homepage_alt"].strip(), column)
    if column:
        entry["columns"] = [column]
        # the column may live outside the homepage's folder: the portal is then the whole host
        home = urlsplit(url).path or "/"
        folder = home if home.endswith("/") else home.rsplit("/", 1)[0] + "/"
        if not (urlsplit(column).path or "/").startswith(folder):
            entry["path_prefix"] = "/"
    entry["verified"] = False
    entry["source"] = row["source"]
    notes = [n for n in (row["note"].strip(), f"also listed at {row['homepage_alt']}" if row["homepage_alt"] else "",
                         f"column: {row['column_basis']}" if row["column_basis"] else "") if n]
    if notes:
        entry["note"] = "; ".join(notes)
    return entry


def generate(registry: Path = REGISTRY, out: Path = OUT) -> dict:
    """Write out/<province>.yml; returns {"files", "entries", "skipped": [organ, …]}."""
    with open(registry, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    by_province: dict[str, list[dict]] = defaultdict(list)
    skipped, seen = [], set()
    for row in rows:
        entry = entry_of(row)
        if entry is None:
            skipped.append(row["organ"])
            continue
        base = entry["id"]
        if base in seen:  # two organs on one address: told apart by code, else by name
            entry["id"] = f"{base}-{row['division_code']}" if row["division_code"] else base
            if entry["id"] in seen:
                entry["id"] = f"{base}-{hashlib.sha1(row['organ'].encode()).hexdigest()[:6]}"
        seen.add(entry["id"])
        by_province[row["province"]].append(entry)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.yml"):
        old.unlink()
    order = {"national": 0, "province": 1, "prefecture": 2, "county": 3, "zone": 4, "department": 5, "township": 6}
    for province, entries in by_province.items():
        entries.sort(key=lambda e: (order.get(e["level"], 9), e.get("division_code") or "9", e["region"], e["id"]))
        header = (f"# {province}: {len(entries)} portals, generated by seeds/generate_china.py from "
                  f"seeds/registry/registry.csv — do not edit by hand.\n"
                  f"# NOT VERIFIED: no URL here was requested by this project (seeds/registry/README.md).\n")
        text = yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, width=200)
        (out / f"{province}.yml").write_text(header + text, encoding="utf-8")
    return {"files": len(by_province), "entries": sum(map(len, by_province.values())), "skipped": skipped}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--registry", type=Path, default=REGISTRY)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    done = generate(args.registry, args.out)
    print(f"{done['entries']} portals in {done['files']} files under {args.out}; "
          f"{len(done['skipped'])} registry rows without homepage or column left out", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
