"""What a worker sends the loader through Redis: one JSON message per fact, each with a
unique id. Bytes (bodies) travel base64-encoded. A capture travels as its record (where the
bytes are in the worker's WARC file); the loader turns it into a `captures` row.

Kinds: capture, report (ReportPage), attachment (AttachmentFile), gone (ReportGone),
error, column_seen, column_forgotten.
"""
from __future__ import annotations

import base64
import dataclasses
import json
import uuid

from archive.records import AttachmentFile, ReportGone, ReportPage

ITEM_KINDS = {"report": ReportPage, "attachment": AttachmentFile, "gone": ReportGone}
KIND_OF = {cls: kind for kind, cls in ITEM_KINDS.items()}


def encode(kind: str, run: str, data: dict, worker: str = "") -> str:
    return json.dumps({"id": uuid.uuid4().hex, "kind": kind, "run": run, "worker": worker,
                       "data": {k: _plain(v) for k, v in data.items()}}, ensure_ascii=False)


def encode_item(item, run: str, worker: str = "") -> str:
    return encode(KIND_OF[type(item)], run, dataclasses.asdict(item), worker)


def decode(raw: bytes | str) -> dict:
    message = json.loads(raw)
    data = message["data"]
    if "body" in data and isinstance(data["body"], dict):
        data["body"] = base64.b64decode(data["body"]["b64"])
    return message


def item_of(message: dict):
    """The archive record a report/attachment/gone message carries (capture_id: the record)."""
    return ITEM_KINDS[message["kind"]](**message["data"])


def _plain(value):
    if isinstance(value, bytes):
        return {"b64": base64.b64encode(value).decode("ascii")}
    return value
