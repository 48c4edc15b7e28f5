"""Direction controls never reach a rendered page: an organ or title carrying U+202E (RIGHT-TO-
LEFT OVERRIDE) or another embedding/override/isolate control (U+202A–U+202E, U+2066–U+2069)
would reverse the text after it on the page. New rows are stored without them
(archive/bounded_text.py); this ASGI wrapper strips them from every HTML answer, so rows
archived before that show clean too. JSON and CSV keep the stored value."""
from __future__ import annotations

import re

# their UTF-8 bytes: E2 80 AA–AE, E2 81 A6–A9
_BYTES = re.compile(rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")


def strip_controls(body: bytes) -> bytes:
    return _BYTES.sub(b"", body) if b"\xe2" in body else body


def without_direction_controls(app):
    async def wrapped(scope, receive, send):
        if scope.get("type") != "http":
            return await app(scope, receive, send)
        state = {"html": False, "carry": b""}

        async def send_clean(message):
            if message.get("type") == "http.response.start":
                headers = message.get("headers", [])
                ctype = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                state["html"] = b"html" in ctype.lower()
                if state["html"]:  # the length changes: let the server frame the body
                    message = {**message, "headers": [h for h in headers if h[0].lower() != b"content-length"]}
            elif message.get("type") == "http.response.body" and state["html"]:
                body = state["carry"] + message.get("body", b"")
                more = message.get("more_body", False)
                cut = len(body)
                if more:  # the start of a control at the chunk's end waits for the rest of it
                    cut -= 2 if body.endswith((b"\xe2\x80", b"\xe2\x81")) else 1 if body.endswith(b"\xe2") else 0
                state["carry"] = body[cut:]
                message = {**message, "body": strip_controls(body[:cut])}
            await send(message)
        await app(scope, receive, send_clean)
    return wrapped
