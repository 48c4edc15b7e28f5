"""Extraction: saved report (HTML, text) → canonical tables, cross-checks, archive rows.

    from extract import extract_file
    extract_file("report.html")["applications"]["new_received"]["total"]
"""
from .report import extract_bytes, extract_document, extract_file

__all__ = ["extract_bytes", "extract_document", "extract_file"]
