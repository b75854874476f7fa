"""What the browser itself may fetch. A rendered page asks for scripts, data and styles on its
own, outside Scrapy's scheduler; those requests keep the crawl's manners: pictures, fonts and
media are not loaded at all, robots.txt is obeyed, and requests to the watched site wait their
turn in the same per-domain rhythm as the crawl's own. They keep its scope too: a script or a
frame may load from a public host elsewhere (a CDN), never from an internal address or another
port of the watched host (crawler/scope.py). The page's own address is checked by the spider
after rendering, since the browser follows redirects of the page without asking."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware

from ..politeness import GATE
from ..scope import Scope, internal_address, is_ip_literal, port_of

if TYPE_CHECKING:  # Playwright itself is loaded only by crawls that render
    from playwright.async_api import Request as BrowserRequest

SKIPPED = frozenset(("image", "font", "media"))
LOCAL_SCHEMES = frozenset(("data", "blob", "about"))  # no network


class SubrequestGuard:
    """scrapy-playwright's PLAYWRIGHT_ABORT_REQUEST: True aborts the browser's request."""

    def __init__(self) -> None:
        self.crawler: Crawler | None = None  # bound by the spider when the crawl starts
        self.scopes: Callable[[], Iterable[Scope]] = list
        self.aborted = 0

    def bind(self, crawler: Crawler, scopes: Callable[[], Iterable[Scope]]) -> None:
        """The crawl, and the scopes of the runs it renders (a page's own sub-requests cannot
        be told from another rendered page's, so any of them allows)."""
        self.crawler, self.scopes = crawler, scopes

    def _allowed(self, url: str) -> bool:
        return any(scope.allows(url) for scope in self.scopes())

    def _robots(self) -> RobotsTxtMiddleware | None:
        if self.crawler is None or not self.crawler.settings.getbool("ROBOTSTXT_OBEY"):
            return None
        middlewares = self.crawler.engine.downloader.middleware.middlewares
        return next((m for m in middlewares if isinstance(m, RobotsTxtMiddleware)), None)

    async def __call__(self, request: BrowserRequest) -> bool:
        if request.resource_type in SKIPPED:
            self.aborted += 1
            return True
        parts = urlsplit(request.url)
        if parts.scheme in LOCAL_SCHEMES:
            return False
        if not self._allowed(request.url):
            refused = parts.scheme not in ("http", "https") or await _internal(parts.hostname or "", port_of(parts))
            self.aborted += refused
            return refused  # a public host elsewhere (a CDN) is fetched as the page asks
        if request.is_navigation_request():
            return False  # the page itself went through Scrapy's own politeness
        robots = self._robots()
        parser = await robots.robot_parser(Request(request.url)) if robots is not None else None
        agent = self.crawler.settings.get("USER_AGENT", "") if self.crawler is not None else ""
        if parser is not None and not parser.allowed(request.url, agent):
            self.aborted += 1
            return True
        await GATE.turn(parts.hostname or "")
        return False


async def _internal(host: str, port: int | None) -> bool:
    """Does host resolve to an internal address (or not resolve at all)?"""
    if not host:
        return True
    if is_ip_literal(host):
        return internal_address(host)
    try:
        answers = await asyncio.get_running_loop().getaddrinfo(host, port or 80, type=socket.SOCK_STREAM)
    except OSError:
        return True
    return any(internal_address(str(answer[4][0])) for answer in answers)
