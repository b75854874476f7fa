"""Running crawls inside one process. Twisted's reactor starts once per process, so the monitor
calls run_crawl() in a fresh child process for every crawl."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.settings import Settings

from .settings import CrawlOptions, settings_for
from .source import Source
from .spiders.policy import PolicySpider


@dataclass
class CrawlJob:
    source: Source
    source_id: int
    run_id: int
    known_urls: list[str] = field(default_factory=list)  # documents due for a visit
    resting_urls: list[str] = field(default_factory=list)  # documents to leave alone this run
    render: str = "auto"  # static, auto or browser (crawler/spiders/policy.py)


def crawler_process(settings: Settings) -> CrawlerProcess:
    """Scrapy's process, logging through its own root handler at LOG_LEVEL only: a handler the
    forking parent installed (the command line's) would print every debug line Scrapy emits."""
    for handler in logging.root.handlers[:]:
        logging.root.removeHandler(handler)
    return CrawlerProcess(settings)


def run_crawl(jobs: list[CrawlJob], options: CrawlOptions) -> None:
    """Crawl every job's source at once, each with its own politeness settings; blocks until done."""
    process = crawler_process(settings_for(options))
    for number, job in enumerate(jobs):
        # The first crawler installs the reactor, as CrawlerProcess would for its own crawlers.
        crawler = Crawler(PolicySpider, settings_for(options, job.source, job.render), init_reactor=number == 0)
        process.crawl(
            crawler,
            source=job.source,
            run_id=job.run_id,
            source_id=job.source_id,
            known_urls=job.known_urls,
            resting_urls=job.resting_urls,
            render=job.render,
        )
    process.start()
