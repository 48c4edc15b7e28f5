"""Word's "single file web page" (MHTML, `.mht`, often saved under a `.doc` name): a MIME
message whose HTML part is quoted-printable or base64 in its own charset. The HTML part is
taken out, decoded, and read as any HTML report (its images are not needed)."""
from __future__ import annotations

import email
import email.policy
import re

# a label's superset: Word writes gb2312 for text with characters only GB18030 has
_WIDER = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030"}
_MHT_HEAD = re.compile(rb"^\s*(?:[\w-]+:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)*?content-type:\s*multipart/related", re.I)


def is_mht(data: bytes) -> bool:
    """A MIME multipart/related message (its headers first, as Word and browsers save MHT)."""
    return bool(_MHT_HEAD.match(data[:4096]))


def html_part(data: bytes) -> tuple[bytes, str] | None:
    """(the HTML part's bytes, its content type with charset), or None without one."""
    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            body = part.get_payload(decode=True)
            if body:
                charset = (part.get_content_charset() or "").lower()
                charset = _WIDER.get(charset, charset)
                return body, "text/html" + (f"; charset={charset}" if charset else "")
    return None
