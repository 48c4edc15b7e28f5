"""Cookies: one jar per portal, and tldextract offline (its bundled suffix list)."""
import socket

from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.cookies import PortalCookiesMiddleware, scrapy_cookies


def test_two_portals_on_one_host_do_not_share_cookies():
    middleware = PortalCookiesMiddleware.from_crawler(get_crawler())
    evil = Request("http://127.0.0.1:8101/evil/index.html", meta={"portal": "evil"})
    middleware.process_request(evil)
    cookies = [(b"Set-Cookie", f"c{i}={'x' * 4000}; Path=/".encode()) for i in range(3)]
    middleware.process_response(evil, HtmlResponse(evil.url, headers=cookies, body=b"", request=evil))
    again = Request("http://127.0.0.1:8101/evil/2.html", meta={"portal": "evil"})
    middleware.process_request(again)
    assert len(again.headers.get(b"Cookie") or b"") > 12000  # its own cookies, to itself
    good = Request("http://127.0.0.1:8101/good/index.html", meta={"portal": "good"})
    middleware.process_request(good)
    assert good.headers.get(b"Cookie") is None


def test_the_public_suffix_list_is_read_offline(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("tldextract tried the network")
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert scrapy_cookies._is_public_domain("gov.cn")
    assert not scrapy_cookies._is_public_domain("www.jiaxing.gov.cn")
