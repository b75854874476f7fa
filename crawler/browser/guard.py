"""What the browser itself may fetch. A rendered page asks for scripts, data and styles on its
own, outside Scrapy's scheduler; those requests keep the crawl's manners: pictures, fonts and
media are not loaded at all, robots.txt is obeyed, and requests to the watched site wait their
turn in the same per-domain rhythm as the crawl's own."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

if TYPE_CHECKING:  # Playwright itself is loaded only by crawls that render
    from playwright.async_api import Request as BrowserRequest

SKIPPED = frozenset(("image", "font", "media"))


class SubrequestGuard:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST: True aborts the browser's request."""

    def __init__(self, hosts: set[str], delay: float) -> None:
        self.hosts, self.delay = hosts, delay
        self.crawler: Crawler | None = None  # bound by the spider when the crawl starts
        self._next: dict[str, float] = {}
        self.aborted = 0

    def bind(self, crawler: Crawler) -> None:
        self.crawler = crawler

    def _robots(self) -> RobotsTxtMiddleware | None:
        if self.crawler is None or not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            return None
        middlewares = self.crawler.engine.downloader.middleware.middlewares
        return next((m for m in middlewares if isinstance(m, RobotsTxtMiddleware)), None)

    async def __call__(self, request: BrowserRequest) -> bool:
        if request.resource_type in SKIPPED:
            self.aborted += 1
            return True
        host = urlsplit(request.url).hostname or ""
        if request.is_navigation_request() or not any(host == h or host.endswith("." + h) for h in self.hosts):
            return False  # the page itself went through Scrapy's own politeness
        robots = self._robots()
        parser = await robots.robot_parser(Request(request.url)) if robots is not None else None
        if parser is not None and not parser.allowed(request.url, self.crawler.settings.get("USER_AGENT", "")):
            self.aborted += 1
            return True
        await self._wait_turn(host)
        return False

    async def _wait_turn(self, host: str) -> None:
        now = time.monotonic()
        turn = max(now, self._next.get(host, now))
        self._next[host] = turn + self.delay
        if turn > now:
            await asyncio.sleep(turn - now)
