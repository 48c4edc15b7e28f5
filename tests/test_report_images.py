"""A report as page images in its article (crawler/report_images.py): which pictures are the
report's pages (generated article pages: relative / absolute / data-src URLs, logos, icons,
QR codes, pictures in the page's header and footer), and the page with the fetched
pictures inside as data: URIs in their place."""
from __future__ import annotations

import base64
import io
import random

import pytest

from crawler.report_images import embedded, media_type, pictures

BASE = "http://127.0.0.9/xxgk/nb/202401/t20240125_900.html"


def _png() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("L", (8, 4), 200).save(buf, "PNG")
    return buf.getvalue()


def _article(rnd: random.Random, n: int):
    names = [f"W0202401259{k}{rnd.choice(['.png', '.jpg', '.jpeg'])}" for k in range(n)]
    spell = [rnd.choice([lambda s: s, lambda s: "/xxgk/nb/202401/" + s, lambda s: "http://127.0.0.9/xxgk/nb/202401/" + s])
             for _ in names]
    attr = [rnd.choice(["src", "data-src"]) for _ in names]
    imgs = "".join(f'<p style="text-align:center"><img {a}="{f(s)}" alt=""></p>' for s, f, a in zip(names, spell, attr))
    noise = rnd.sample(['<img src="/images/logo.png">', '<img src="/img/icon_print.gif">', '<img src="qrcode.jpg">',
                        '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">', '<img src="/x/share.png">'], 3)
    page = (f'<html><head><script>var a="<img src=x.png>";</script></head><body><header><img src="/top.jpg"></header>'
            f'<div class="main">{noise[0]}<h1>某区2023年政府信息公开工作年度报告</h1>{imgs}{noise[1]}</div>'
            f'<footer><img src="/police.png">{noise[2]}</footer></body></html>')
    return page, ["http://127.0.0.9/xxgk/nb/202401/" + s for s in names]


@pytest.mark.parametrize("seed", range(10))
def test_the_article_pictures_in_page_order(seed):
    rnd = random.Random(seed)
    page, expected = _article(rnd, rnd.randint(1, 6))
    assert pictures(page, BASE) == expected


@pytest.mark.parametrize("seed", range(4))
def test_fetched_pictures_go_inside_in_their_place(seed):
    rnd = random.Random(seed)
    page, urls = _article(rnd, 3)
    png = _png()
    fetched = {urls[0]: png, urls[1]: b"<html>not found</html>", urls[2]: b""}
    out = embedded(page, BASE, fetched)
    uri = "data:image/png;base64," + base64.b64encode(png).decode()
    assert out.count(uri) == 1 and out.index(uri) < out.index("W02024012591")
    assert "W02024012591" in out and "W02024012592" in out  # not pictures: left as they were


def test_media_type_by_bytes():
    assert media_type(_png()) == "image/png"
    assert media_type(b"\xff\xd8\xff\xe0" + b"\0" * 20) == "image/jpeg"
    assert media_type(b"<html></html>") is None and media_type(b"%PDF-1.4") is None
