"""Politeness per domain, from Scrapy's download slots: one slot per host, shared by every run
of the process that fetches from it, so two sources on one domain share its delay without locks.

- The configured delay is a minimum. Scrapy spreads a slot's delay by a jitter either way (±50 %
  by default: half the delay at worst); here a slot waits between 1.0 and 1.5 times the delay.
  And Scrapy counts the delay from when a request leaves the slot's queue, not from when it is
  sent (a busy event loop starts the send later for one request than for the next): the Gate
  holds each request at the moment of sending until its host's minimum has passed, for the
  static crawl, the browser's page loads and the browser's own sub-requests alike.
- A source's own delay or concurrency (its seed file) applies to the slots of its hosts; when two
  sources share a host, the stricter of each wins. AutoThrottle never lowers a slot below it.
- A server saying it is overloaded (429/503) doubles the slot's delay, or honours its Retry-After
  up to AUTOTHROTTLE_MAX_DELAY; a longer Retry-After ("come back in an hour") defers the run to
  its next slot instead of holding the crawl: its remaining requests to that host are refused,
  and so are other runs' requests to it until the time has passed.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy import Request, Spider
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest
from scrapy.extensions.throttle import AutoThrottle
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached

SPREAD, JITTER = 1.25, 0.2  # delay × 1.25 × (1 ± 0.2): between 1.0 and 1.5 times the delay
_OVERLOADED = (429, 503)


SEND_ALLOWANCE = 0.3  # seconds, at least: what a busy event loop may take from the gate to the socket
FIRST_ALLOWANCE = 0.5  # the first request to a host opens its connection on the way: longer
LAG_HALF_LIFE = 30.0  # seconds: how fast the loop's measured lateness is forgotten


class Gate:
    """The moment of sending, per host: never two requests to one host closer than its minimum.
    One per process (module-level): the static and the rendering crawl share it. Turns are
    spaced by the minimum and an allowance, so that the bytes, too, leave far enough apart when
    the process is busy and one request's way from the gate to the socket is slower: at least
    SEND_ALLOWANCE, and twice the lateness the gate itself sees in waking (a loop that wakes
    its waiters late writes their bytes late too); four times for a host's first request, which
    opens its connection on the way."""

    def __init__(self) -> None:
        self.default = 0.0
        self.minimum: dict[str, float] = {}
        self._next: dict[str, float] = {}
        self.lag = 0.0  # the loop's recent lateness, a peak that halves every LAG_HALF_LIFE
        self._lag_at = 0.0

    async def turn(self, host: str) -> None:
        """Wait for the host's turn, and take it (a later request waits for the one after)."""
        now = time.monotonic()
        first = host not in self._next
        at = max(now, self._next.get(host, 0.0))
        minimum = self.minimum.get(host, self.default)
        # A first request also opens its connection after the gate: more turns of the loop.
        allowance = max(FIRST_ALLOWANCE, 4 * self.lag) if first else max(SEND_ALLOWANCE, 2 * self.lag)
        gap = minimum + allowance if minimum else 0.0
        self._next[host] = at + gap
        if at > now:
            await asyncio.sleep(at - now)
            woke = time.monotonic()
            faded = self.lag * 0.5 ** ((woke - self._lag_at) / LAG_HALF_LIFE)
            self.lag, self._lag_at = max(woke - at, faded), woke
            # Woken late (a busy loop): the next turn counts from now, not from the planned time.
            self._next[host] = max(self._next[host], woke + gap)


GATE = Gate()


class SpacedHTTPHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, through the gate."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        GATE.default = max(GATE.default, crawler.settings.getfloat("POLICYWATCH_MIN_DELAY"))

    async def download_request(self, request: Request) -> Response:
        host = urlparse_cached(request).hostname or ""
        await resolved(host)  # a name lookup after the gate would make this request late, the next early
        await GATE.turn(host)
        return await super().download_request(request)


async def resolved(host: str) -> None:
    """The host's address looked up now (and cached by the crawl's resolver); a failure is left
    for the download itself to meet and report."""
    from twisted.internet import reactor

    with contextlib.suppress(Exception):
        await maybe_deferred_to_future(reactor.resolve(host))  # type: ignore[arg-type]  # Twisted's stub types name as bytes


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
            GATE.minimum[host] = max(delay, GATE.minimum.get(host, 0.0))
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
        if key is None:
            return
        slot = self.crawler.engine.downloader.slots.get(key)
        floor = self.crawler.engine.downloader.per_slot_settings.get(key, {}).get("delay")
        if slot is not None and floor is not None:
            slot.delay = max(slot.delay, floor)


def retry_after(response: Response, now: float | None = None) -> float:
    """The seconds a Retry-After header asks for (a number or an HTTP date); 0 without one."""
    value = (response.headers.get(b"Retry-After") or b"").decode("latin-1").strip()
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
