"""Politeness per domain, from Scrapy's download slots: one slot per host, shared by every run
of the process that fetches from it, so two sources on one domain share its delay without locks.

- The configured delay is a minimum. Scrapy spreads a slot's delay by a jitter either way (±50 %
  by default: half the delay at worst); here a slot waits between 1.0 and 1.5 times the delay.
- A source's own delay or concurrency (its seed file) applies to the slots of its hosts; when two
  sources share a host, the stricter of each wins. AutoThrottle never lowers a slot below it.
- A server saying it is overloaded (429/503) doubles the slot's delay, or honours its Retry-After
  up to AUTOTHROTTLE_MAX_DELAY; a longer Retry-After ("come back in an hour") defers the run to
  its next slot instead of holding the crawl: its remaining requests to that host are refused,
  and so are other runs' requests to it until the time has passed.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.httpobj import urlparse_cached

SPREAD, JITTER = 1.25, 0.2  # delay × 1.25 × (1 ± 0.2): between 1.0 and 1.5 times the delay
_OVERLOADED = (429, 503)


def slot_delay(delay: float) -> tuple[float, float]:
    """(Scrapy's slot delay, its jitter) for a minimum delay between two requests to a host."""
    return (delay * SPREAD, JITTER) if delay > 0 else (0.0, 0.0)


def register(crawler: Crawler, delay: float | None, concurrency: int | None, hosts: set[str]) -> None:
    """A source's own delay and concurrency on the slots of its hosts, the stricter winning."""
    if delay is None and concurrency is None:
        return
    downloader = crawler.engine.downloader
    for host in hosts:
        wanted = dict(downloader.per_slot_settings.get(host, {}))
        if delay is not None:
            spread, jitter = slot_delay(delay)
            wanted["delay"], wanted["jitter"] = max(spread, wanted.get("delay", 0.0)), jitter
        if concurrency is not None:
            wanted["concurrency"] = min(concurrency, wanted.get("concurrency", concurrency))
        downloader.per_slot_settings[host] = wanted
        if (slot := downloader.slots.get(host)) is not None:
            slot.delay = max(slot.delay, wanted.get("delay", 0.0))
            slot.concurrency = wanted.get("concurrency", slot.concurrency)


class PoliteThrottle(AutoThrottle):
    """AutoThrottle, never below a slot's own minimum (a source's delay over the default)."""

    def _response_downloaded(self, response: Response, request: Request, spider: Spider) -> None:
        super()._response_downloaded(response, request, spider)
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key) if key is not None else None
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay")
        if slot is not None and floor is not None:
            slot.delay = max(slot.delay, floor)


def retry_after(response: Response, now: float | None = None) -> float:
    """The seconds a Retry-After header asks for (a number or an HTTP date); 0 without one."""
    value = response.headers.get(b"Retry-After", b"").decode("latin-1").strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return 0.0
    return max(0.0, when - (time.time() if now is None else now))


class BackoffMiddleware:
    """Slows a host that says it is overloaded; defers a run that is told to come back later."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.max_delay = crawler.settings.getfloat("AUTOTHROTTLE_MAX_DELAY", 60.0)
        self.deferred: dict[str, tuple[float, str]] = {}  # origin (host:port) → (until, why)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> BackoffMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        until, why = self.deferred.get(urlparse_cached(request).netloc, (0.0, ""))
        if time.monotonic() < until:
            self._defer(request, why)

    def process_response(self, request: Request, response: Response, spider: Spider | None = None) -> Response:
        if response.status not in _OVERLOADED:
            return response
        asked = retry_after(response)
        if asked > self.max_delay:
            origin = urlparse_cached(request).netloc
            why = f"deferred: {origin} asked to come back in {asked:.0f} s (HTTP {response.status}, Retry-After)"
            self.deferred[origin] = (time.monotonic() + asked, why)
            self._defer(request, why)
        key = request.meta.get("download_slot")
        slot = self.crawler.engine.downloader.slots.get(key) if key is not None else None
        if slot is not None:
            slot.delay = min(self.max_delay, max(slot.delay * 2, asked, 1.0))
        return response

    def _defer(self, request: Request, why: str) -> None:
        book: Any = getattr(self.crawler.spider, "book", None)
        job = book.jobs.get(request.meta.get("run", 0)) if book is not None else None
        if job is not None:
            job.stop("deferred", why)
        raise IgnoreRequest(why)
