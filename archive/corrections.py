"""A report corrected after publication: the organ republishes it as （更正版） (often beside a
更正说明 saying 原报告同时废止). The corrected report supersedes the organ's earlier report of
that year: at the end of a run, the earlier one — still current, same portal, organ and year,
not itself a correction — is set `removed` with a `superseded` change naming the corrected
report's URL and the cells that differ; nothing is deleted (its row, cells and capture stay
the evidence), and a later run that sees it unchanged keeps it superseded (ingest).
Patterns: archive/corrections.yml."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from . import store

RULES_FILE = Path(__file__).with_name("corrections.yml")
SUPERSEDED = "superseded"


@lru_cache(maxsize=1)
def _rules() -> dict:
    return {k: re.compile(v) for k, v in yaml.safe_load(RULES_FILE.read_text(encoding="utf-8")).items()}


def _squash(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def is_corrected(title: str | None) -> bool:
    """A title naming a corrected report (…年度报告（更正版）)."""
    return bool(_rules()["corrected"].search(_squash(title)))


def is_correction_notice(title: str | None) -> bool:
    """A title naming a notice about a correction (…的更正说明), not a corrected report."""
    text = _squash(title)
    return bool(_rules()["notice"].search(text)) and not is_corrected(text)


def is_superseded(db, report_id: int) -> bool:
    """Whether the report's last change says a corrected report superseded it."""
    row = db.execute("select kind from changes where report_id = ? order by id desc limit 1", [report_id]).fetchone()
    return bool(row) and row[0] == SUPERSEDED


def supersede_corrected(db, report_ids, run: str | None = None) -> list[int]:
    """For each corrected report among `report_ids` (new or read in this run), the earlier
    reports it supersedes set `removed` with a `superseded` change. Returns their ids."""
    done = []
    for new_id in sorted(set(report_ids)):
        new = db.execute("select id, portal, organ, report_year, title, final_url, capture_id, status from reports "
                         "where id = ?", [new_id]).fetchone()
        if new is None or new[7] == "removed" or not new[2] or not new[3] or not is_corrected(new[4]):
            continue
        olds = db.execute("select id, title, final_url, capture_id from reports where portal is ? and organ = ? "
                          "and report_year = ? and id != ? and status in ('current', 'pending')",
                          [new[1], new[2], new[3], new_id]).fetchall()
        for old_id, old_title, old_url, old_capture in olds:
            if is_corrected(old_title):
                continue  # another correction: both stay (which is later is not known here)
            diff = store.diff_cells(store.report_cells(db, old_id), store.report_cells(db, new_id))
            with db.atomic():
                db["reports"].update(old_id, {"status": "removed"})
                store.record_change(db, old_id, SUPERSEDED, run=run, old_url=old_url, new_url=new[5],
                                    old_capture_id=old_capture, new_capture_id=new[6], diff=diff,
                                    note=f"superseded by its corrected report {new_id}: {new[4]}")
            done.append(old_id)
    return done
