"""The typed result of extracting one report: every cell with its value, raw text, unit,
note and provenance, walked once by `cells()` — the checks, validation and the archive's
loader all read cells through it.

`as_dict()` gives the JSON object of `python -m extract` (and `report["applications"]`
works on the report itself, for code that reads it as a mapping).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from .values import Cell

SECTIONS = ("active", "applications", "review_litigation")


def provenance(cell: Cell) -> dict:
    """Where a stored value came from: its text, the layout, the place in the capture, how
    its row label was matched, and which reading gave it (readings.py)."""
    where = cell.where
    return {"raw": cell.raw, "layout": getattr(where, "layout", None),
            "location": where.describe() if where is not None else None, "label_match": cell.match,
            "reading": cell.reading}


@dataclass
class Report:
    source: str
    format: str = "unknown"
    report_year: int | None = None
    year_source: str | None = None  # title, meta, metadata block, statistics period, body
    agency: str | None = None
    agency_source: str | None = None
    published: str | None = None
    title: str | None = None
    index_number: str | None = None
    publisher: str | None = None
    layout: str | None = None  # the layout the tables were read from
    active: dict = field(default_factory=dict)  # key -> Cell
    applications: dict = field(default_factory=dict)  # row -> column -> Cell
    review_litigation: dict = field(default_factory=dict)  # block -> outcome -> Cell
    headline: dict | None = None
    legacy_indicators: list | None = None
    checks: list = field(default_factory=list)
    check_status: str | None = None
    errors: list = field(default_factory=list)
    body_text: str | None = None
    unread: bool = False  # the document could not be read at all (extract.report.failed)

    def cells(self) -> Iterator[tuple[str, Cell]]:
        """('section.row[.column]', Cell) for every cell of tables 2, 3 and 4."""
        for key, cell in self.active.items():
            yield f"active.{key}", cell
        for section in ("applications", "review_litigation"):
            for row, cols in getattr(self, section).items():
                for col, cell in cols.items():
                    yield f"{section}.{row}.{col}", cell

    def as_dict(self) -> dict:
        if self.unread:  # the short object of a document not read (no title, no cells)
            return {"source": self.source, "format": self.format, "report_year": None, "agency": None,
                    "published": None, "active": {}, "applications": {}, "review_litigation": {},
                    "checks": [], "errors": self.errors}
        out = {k: getattr(self, k) for k in (
            "source", "format", "report_year", "year_source", "agency", "agency_source", "published",
            "title", "index_number", "publisher", "layout")}
        values = {s: {} for s in SECTIONS}
        raw = {s: {} for s in SECTIONS}
        notes, prov = {}, {}
        for path, cell in self.cells():
            section, *rest = path.split(".")
            target_v, target_r = values[section], raw[section]
            for part in rest[:-1]:
                target_v, target_r = target_v.setdefault(part, {}), target_r.setdefault(part, {})
            target_v[rest[-1]], target_r[rest[-1]] = cell.value, cell.raw
            if cell.note:
                notes[path] = cell.note
            if cell.where is not None or cell.match:
                prov[path] = provenance(cell)
        unit = self.active.get("procurement_amount")
        if unit is not None and unit.unit:
            values["active"]["procurement_amount_unit"] = unit.unit
        out.update(values)
        out.update(raw=raw, notes=notes, provenance=prov, checks=self.checks, check_status=self.check_status,
                   errors=self.errors, body_text=self.body_text)
        if self.headline is not None:
            out["headline"] = self.headline
        if self.legacy_indicators is not None:
            out["legacy_indicators"] = self.legacy_indicators
        return out

    # Read as a mapping: the JSON object's keys.
    def __getitem__(self, key):
        return self.as_dict()[key]

    def get(self, key, default=None):
        return self.as_dict().get(key, default)

    def __contains__(self, key) -> bool:
        return key in self.as_dict()

    def keys(self):
        return self.as_dict().keys()
