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
