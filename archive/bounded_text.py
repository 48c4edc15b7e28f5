"""The text a report row holds, bounded for the published site: the site's SQLite refuses any
string over publish/limits.py MAX_LENGTH (10 MiB), so one oversized cell would make every page
that reads the row answer 500. A body text or title past its bound is cut here and the cut is
named in the row's errors; the capture (the bytes as fetched) keeps the text whole. Names are
stored as read (extract/visible.py): no invisible or direction-control characters."""
from __future__ import annotations

from extract.visible import organ_name, visible

# characters (a Chinese character is 3 bytes of UTF-8). The reports row's body_text is what the
# site's tables, JSON and CSV show: at most 100,000 characters (a CSV reader's default field
# limit is 131,072; a real report's text is 20,000–80,000). The search text (report_full_text,
# reports_fts) keeps up to 2M characters (≤ 6 MB, under the site's 10 MiB).
BODY_TEXT_MAX_CHARS = 100_000
FULL_TEXT_MAX_CHARS = 2_000_000
TITLE_MAX_CHARS = 1_000


def bounded(row: dict) -> list[str]:
    """Bounds and cleans the row's organ, title and body_text in place; the notes of what was cut."""
    notes = []
    if row.get("organ"):
        row["organ"] = organ_name(row["organ"]) or None
    if row.get("title"):
        title = visible(row["title"])
        if len(title) > TITLE_MAX_CHARS:
            notes.append(f"title cut at {TITLE_MAX_CHARS} of its {len(title)} characters (the capture keeps it whole)")
            title = title[:TITLE_MAX_CHARS] + "…"
        row["title"] = title or None
    body = row.get("body_text")
    if isinstance(body, str) and len(body) > BODY_TEXT_MAX_CHARS:
        notes.append(f"body text shown cut at {BODY_TEXT_MAX_CHARS} of its {len(body)} characters (searched up "
                     f"to {FULL_TEXT_MAX_CHARS}; the capture keeps it whole)")
        row["body_text"] = body[:BODY_TEXT_MAX_CHARS]
    return notes


def bounded_full_text(text: str | None) -> str | None:
    """The search text (body and attachments): the same bound."""
    return text[:FULL_TEXT_MAX_CHARS] if isinstance(text, str) and len(text) > FULL_TEXT_MAX_CHARS else text
