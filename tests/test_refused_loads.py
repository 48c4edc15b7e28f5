"""A refused or failed load is never stored, and a page whose meta refresh is refused or
delayed is still read: the capture middleware and the meta-refresh middleware on real
responses, with a real session on a real archive."""
import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.capture import CaptureMiddleware, FailedLoad
from crawler.refresh import PageKeepingMetaRefreshMiddleware
from crawler.session import CrawlSession


class _Spider:
    name = "reports"

    def __init__(self, portals):
        self.portals = portals


class _Engine:
    def __init__(self):
        self.scheduled = []

    def crawl(self, request):
        self.scheduled.append(request)


def _crawler(tmp_path):
    crawler = get_crawler(settings_dict={"ARCHIVE_DB": str(tmp_path / "archive.db")})
    crawler.spider = _Spider({"p": {"id": "p", "url": "http://127.0.0.5:8101/",
                                    "allowed_hosts": ["127.0.0.5:8101"]}})
    crawler.engine = _Engine()
    return crawler


@pytest.mark.parametrize("url", ["chrome-error://chromewebdata/", "about:blank", "data:text/html,x"])
def test_a_browser_load_ending_on_an_error_page_is_never_captured(tmp_path, url):
    crawler = _crawler(tmp_path)
    request = Request("http://127.0.0.5:8101/list.html", meta={"portal": "p", "playwright": True})
    response = HtmlResponse(url, body=b"<html><body>This site can't be reached</body></html>", request=request)
    with pytest.raises(FailedLoad):
        CaptureMiddleware(crawler).process_response(request, response)
    session = CrawlSession.of(crawler)
    assert session.db["captures"].count == 0


def _refresh_page(content: str) -> bytes:
    return (f'<html><head><meta http-equiv="refresh" content="{content}"></head><body>'
            '<ul><li><a href="/real.html">2023年政府信息公开工作年度报告</a></li></ul></body></html>').encode()


@pytest.mark.parametrize("content,kept,followed", [
    ("2;url=http://0x7f000001:9/hit", True, False),     # delayed and refused (inward): read, not followed
    ("0;url=http://127.0.0.1:9/hit", True, False),      # at once but refused: read as it stands
    ("0;url=http://other.example/x", True, False),      # another host: read
    ("3;url=/moved/", True, True),                      # delayed, on the portal: read and followed
    ("0;url=/moved/", False, True),                     # at once, on the portal: a redirect
])
def test_a_page_whose_refresh_is_refused_or_delayed_is_still_read(tmp_path, content, kept, followed):
    crawler = _crawler(tmp_path)
    middleware = PageKeepingMetaRefreshMiddleware.from_crawler(crawler)
    request = Request("http://127.0.0.5:8101/list/", meta={"portal": "p"})
    response = HtmlResponse(request.url, body=_refresh_page(content), request=request)
    got = middleware.process_response(request, response)
    assert (got is response) == kept
    redirected = crawler.engine.scheduled + ([got] if isinstance(got, Request) else [])
    assert bool(redirected) == followed
    if followed:
        assert redirected[0].url == "http://127.0.0.5:8101/moved/"
    if not followed:
        session = CrawlSession.of(crawler)
        session._save_refusals()
        session.db.conn.commit()
        assert [r for r in session.db["errors"].rows_where("stage = 'scope'") if "meta refresh" in r["message"]]
