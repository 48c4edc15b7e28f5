"""A MIME web archive (MHT/MHTML: Word's and browsers' "single file web page", often published
under a `.doc` name): its HTML part, decoded (quoted-printable or base64) with its charset,
parsed by Python's email package. Pure: bytes in, (HTML bytes, Content-Type) out."""
from __future__ import annotations

import email
from email import policy

from .source import UnreadableDocument

# a label's superset: Word writes gb2312 for text with characters only GB18030 has
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}


def html_part(data: bytes) -> tuple[bytes, str]:
    """The archive's first text/html part as bytes and the Content-Type to read them with."""
    message = email.message_from_bytes(data, policy=policy.compat32)
    for part in message.walk():
        if part.get_content_type() != "text/html":
            continue
        body = part.get_payload(decode=True)  # undoes quoted-printable / base64
        if not body:
            continue
        charset = (part.get_content_charset() or "").lower()
        charset = _WIDER.get(charset, charset)
        return body, f"text/html; charset={charset}" if charset else "text/html"
    raise UnreadableDocument("a MIME web archive (MHT) with no HTML part")
