"""What the crawl hands to the archive: fetched bytes and where they came from. The crawler
builds these; archive.ingest stores them; in distributed mode they travel through Redis."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ReportPage:
    """A report page (or attachment) as fetched; status 304 = known and unchanged."""

    portal: str
    url: str  # the link as found on the portal's list
    final_url: str  # after redirects: what the archive records as the source
    list_title: str | None
    fetched_at: str
    capture_id: int | None
    capture_new: bool
    status: int
    content_type: str
    body: bytes
    attachments: list[str] = field(default_factory=list)  # files linked from the page, in scope
    redirected_by: str | None = None  # how `url` sent it on to `final_url` ("HTTP 301", "meta refresh")


@dataclass
class ReportGone:
    """A known report's URL no longer shows it (404/410, redirect home, not-found page)."""

    portal: str
    url: str
    final_url: str
    reason: str
    capture_id: int | None


@dataclass
class AttachmentFile:
    """A file linked from a report page (PDF, DOC, XLS …): kept, and read if the page had no tables."""

    portal: str
    report_url: str
    url: str
    final_url: str
    label: str | None
    fetched_at: str
    capture_id: int | None
    status: int
    content_type: str
    body: bytes
