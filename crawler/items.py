"""The item the spider hands to the pipeline: one fetched report, with where it came from."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReportPage:
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
