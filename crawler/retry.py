"""Retries with exponential backoff: a failing government server gets time to recover
(RETRY_BACKOFF_BASE seconds, doubling per attempt, at most RETRY_BACKOFF_MAX)."""
from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware


class BackoffRetryMiddleware(RetryMiddleware):
    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.cap = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def _backoff(self, result):
        if isinstance(result, Request) and self.base > 0:
            attempt = result.meta.get("retry_times", 1)
            await asyncio.sleep(min(self.base * 2 ** (attempt - 1), self.cap))
        return result

    async def process_response(self, request, response, spider=None):
        return await self._backoff(super().process_response(request, response))

    async def process_exception(self, request, exception, spider=None):
        return await self._backoff(super().process_exception(request, exception))
