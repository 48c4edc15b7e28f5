"""Items the spider yields: the archive's records of fetched bytes (archive/records.py)."""
from archive.records import AttachmentFile, ReportGone, ReportPage

__all__ = ["AttachmentFile", "ReportGone", "ReportPage"]
