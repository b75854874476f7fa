"""Scrapy's process, as every crawl of policywatch starts it (crawler/feed/service.py, the dry
run). Twisted's reactor starts once per process, so the monitor starts each crawl process fresh."""

from __future__ import annotations

import logging

from scrapy.crawler import AsyncCrawlerProcess
from scrapy.settings import Settings


def crawler_process(settings: Settings) -> AsyncCrawlerProcess:
    """Scrapy's process (its asyncio reactor installed at once, so the crawl's own parts may use
    it from the start), logging through its own root handler at LOG_LEVEL only: a handler the
    forking parent installed (the command line's) would print every debug line Scrapy emits."""
    for handler in logging.root.handlers[:]:
        logging.root.removeHandler(handler)
    return AsyncCrawlerProcess(settings)
