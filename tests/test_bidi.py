"""Direction controls stripped from every HTML answer of the site (publish/bidi.py), however
the body is cut into chunks; other answers untouched."""
from __future__ import annotations

import asyncio

import pytest

from publish.bidi import without_direction_controls

CONTROLS = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
PAGE = "<p>平潭县{c}人民政府{c} · 2021</p>"


def _answer(body: bytes, ctype: bytes, chunk: int):
    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [[b"content-type", ctype], [b"content-length", str(len(body)).encode()]]})
        for at in range(0, len(body), chunk):
            await send({"type": "http.response.body", "body": body[at:at + chunk], "more_body": at + chunk < len(body)})
    sent = []

    async def send(message):
        sent.append(message)
    asyncio.run(without_direction_controls(app)({"type": "http"}, None, send))
    return sent[0], b"".join(m.get("body", b"") for m in sent[1:])


@pytest.mark.parametrize("control", CONTROLS)
@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 7, 4096])
def test_html_answers_lose_direction_controls(control, chunk):
    start, body = _answer(PAGE.format(c=control).encode(), b"text/html; charset=utf-8", chunk)
    assert body.decode() == PAGE.format(c="")
    assert not any(k == b"content-length" for k, _ in start["headers"])


def test_json_keeps_the_stored_value():
    raw = '{"organ": "平潭县\u202e人民政府"}'.encode()
    assert _answer(raw, b"application/json", 3)[1] == raw
