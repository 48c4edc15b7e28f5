"""Retries wait longer each time (exponential backoff) before asking a failing server again."""
import asyncio
import time

from scrapy import Request, Spider
from scrapy.http import Response
from scrapy.utils.test import get_crawler

from crawler.retry import BackoffRetryMiddleware


def middleware(base):
    crawler = get_crawler(Spider, {"RETRY_BACKOFF_BASE": base, "RETRY_BACKOFF_MAX": 1.0, "RETRY_TIMES": 3})
    crawler.spider = Spider.from_crawler(crawler, "test")
    return BackoffRetryMiddleware.from_crawler(crawler)


def test_retry_waits_and_doubles():
    mw = middleware(0.05)
    request = Request("http://127.0.0.1:9/report.html")
    waits = []
    for _ in range(3):
        start = time.perf_counter()
        request = asyncio.run(mw.process_response(request, Response(request.url, status=503, request=request)))
        waits.append(time.perf_counter() - start)
        assert isinstance(request, Request)
    assert request.meta["retry_times"] == 3
    assert waits[0] >= 0.05 and waits[1] >= 0.1 and waits[2] >= 0.2
    final = asyncio.run(mw.process_response(request, Response(request.url, status=503, request=request)))
    assert isinstance(final, Response)  # gave up after RETRY_TIMES


def test_success_is_not_delayed():
    mw = middleware(5.0)
    request = Request("http://127.0.0.1:9/report.html")
    start = time.perf_counter()
    response = asyncio.run(mw.process_response(request, Response(request.url, status=200, request=request)))
    assert response.status == 200 and time.perf_counter() - start < 1


# --- Retry-After (crawler/retry.py): honoured up to RETRY_AFTER_MAX, beyond it not asked again ---

def _busy(url, status, retry_after):
    from scrapy.http import Headers

    request = Request(url)
    return request, Response(url, status=status, request=request, headers=Headers({"Retry-After": retry_after}))


def test_retry_after_read_as_seconds_or_an_http_date():
    from crawler.retry import retry_after_seconds

    now = 4102444800.0  # 2100-01-01 00:00:00 UTC
    assert retry_after_seconds(_busy("http://127.0.0.1:9/", 503, "120")[1], now=now) == 120.0
    assert retry_after_seconds(_busy("http://127.0.0.1:9/", 503, "Fri, 31 Dec 2100 23:59:59 GMT")[1],
                               now=now) == 365 * 86400 - 1
    assert retry_after_seconds(_busy("http://127.0.0.1:9/", 503, "Wed, 21 Oct 2015 07:28:00 GMT")[1], now=now) == 0.0
    assert retry_after_seconds(_busy("http://127.0.0.1:9/", 503, "soon")[1], now=now) is None
    assert retry_after_seconds(Response("http://127.0.0.1:9/", status=503)) is None


def test_a_retry_after_beyond_the_cap_is_not_retried_and_recorded_with_its_value():
    from crawler.retry import http_error_record

    mw = middleware(0.05)
    for value in ("86400", "Fri, 31 Dec 2100 23:59:59 GMT"):
        request, response = _busy("http://127.0.0.1:9/list.html", 503, value)
        got = asyncio.run(mw.process_response(request, response))
        assert got is response  # not asked again within the crawl
        stage, message = http_error_record(got)
        assert stage == "limit" and "HTTP 503" in message and value in message and "RETRY_AFTER_MAX" in message


def test_a_retry_after_within_the_cap_is_waited_for(monkeypatch):
    import crawler.retry

    waits = []

    async def sleep(seconds):
        waits.append(seconds)

    monkeypatch.setattr(crawler.retry.asyncio, "sleep", sleep)
    crawler_ = get_crawler(Spider, {"RETRY_BACKOFF_BASE": 0.05, "RETRY_AFTER_MAX": 60, "RETRY_TIMES": 3})
    crawler_.spider = Spider.from_crawler(crawler_, "test")
    mw = BackoffRetryMiddleware.from_crawler(crawler_)
    request, response = _busy("http://127.0.0.1:9/list.html", 429, "30")
    retry = asyncio.run(mw.process_response(request, response))
    assert isinstance(retry, Request) and waits == [30.0]  # the server's 30 s, not the 0.05 s backoff
