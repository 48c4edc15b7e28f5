"""Cases that broke on main @ 70b90e4 (tests/world/FINDINGS.md), marked xfail (not strict):
the suite stays green while they are open, and a fix shows as XPASS — then remove the entry.
WORLD_STRICT=1 runs them as plain failures."""
from __future__ import annotations

import os

import pytest

KNOWN = {
    # portals: test_every_report_found_once_and_read / test_no_distractor_kept ids
    "found": set(),
    "distractor": set(),
    "portals-exit": set(),
    # captures: test ids
    "capture": {"page-breaks-1", "page-breaks-2", "column-order-0", "column-order-1", "column-order-2",
                "wrapped-labels-0", "wrapped-labels-1", "wrapped-labels-2", "nested-tables-0", "nested-tables-1",
                "nested-tables-2", "pdf-chromium-word"},
    # attacks
    "canary": {"all", "names_to_loopback", "portless_seed", "browser_subresources", "browser_apis",
               "browser_navigation"},
    "archived": {"internal", "browser_navigation", "list_refreshing_away", "cookie_flood", "exit"},
    "reader": {"docx-external-image"},
    "site": {"bad-id-huge"},
}


def mark(kind: str, case: str):
    """Marks for one case: xfail when it is a known finding (unless WORLD_STRICT=1)."""
    if case in KNOWN.get(kind, ()) and not os.environ.get("WORLD_STRICT"):
        return [pytest.mark.xfail(reason=f"known finding ({kind}: {case}), tests/world/FINDINGS.md", strict=False)]
    return []


def params(kind: str, cases, ids=None):
    ids = ids or [str(c) for c in cases]
    return [pytest.param(c, marks=mark(kind, i), id=i) for c, i in zip(cases, ids)]
