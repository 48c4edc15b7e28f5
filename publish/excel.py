"""CSV for Excel: `?_bom=1` on any `.csv` URL starts the file with a UTF-8 byte-order mark, so
Excel opens Chinese text as UTF-8 instead of the system's code page (GBK garbles it).

An ASGI wrapper around Datasette's own CSV export: the rows, streaming and `_stream=on` stay
Datasette's; only the first body bytes gain the mark.
"""
from __future__ import annotations

from urllib.parse import parse_qs

BOM = b"\xef\xbb\xbf"


def wants_bom(scope) -> bool:
    if scope.get("type") != "http" or not scope.get("path", "").endswith(".csv"):
        return False
    args = parse_qs(scope.get("query_string", b"").decode("utf-8", "replace"))
    return (args.get("_bom") or [""])[0] in ("1", "on", "true")


def with_bom(app):
    async def wrapped(scope, receive, send):
        if not wants_bom(scope):
            return await app(scope, receive, send)
        state = {"ok": False, "marked": False}

        async def send_marked(message):
            if message["type"] == "http.response.start":
                state["ok"] = message.get("status") == 200
                if state["ok"]:
                    headers = []
                    for name, value in message.get("headers", []):
                        if name.lower() == b"content-length":
                            value = str(int(value) + len(BOM)).encode("ascii")
                        headers.append([name, value])
                    message = dict(message, headers=headers)
            elif message["type"] == "http.response.body" and state["ok"] and not state["marked"]:
                state["marked"] = True
                message = dict(message, body=BOM + message.get("body", b""))
            await send(message)
        return await app(scope, receive, send_marked)
    return wrapped
