"""scrapy-playwright's download handler, through the politeness gate: a page the browser loads
waits for its host's turn like any request of the static crawl (crawler/politeness.py)."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.utils.httpobj import urlparse_cached
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from ..politeness import GATE


class SpacedPlaywrightHandler(ScrapyPlaywrightDownloadHandler):
    async def download_request(self, request: Request, *args: Any) -> Any:
        await GATE.turn(urlparse_cached(request).hostname or "")
        return await super().download_request(request, *args)
