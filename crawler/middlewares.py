"""Backing off when a server says it is overloaded.

Scrapy's RetryMiddleware retries 429/503 at once; AutoThrottle only reacts to latency. This
doubles the domain's download delay on 429/503 (or honours Retry-After), so the retries and
everything after them slow down for that domain alone.
"""

from __future__ import annotations

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.http import Response

_OVERLOADED = (429, 503)


class BackoffMiddleware:
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status in _OVERLOADED:
            slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
            if slot is not None:
                slot.delay = min(self.max_delay, max(slot.delay * 2, _retry_after(response), 1.0))
        return response


def _retry_after(response: Response) -> float:
    value = response.headers.get(b"Retry-After", b"").decode("latin-1").strip()
    return float(value) if value.isdigit() else 0.0
