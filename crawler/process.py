"""Running crawls inside one process. Twisted's reactor starts once per process, so the monitor
calls run_crawl() in a fresh child process for every crawl."""

from __future__ import annotations

from dataclasses import dataclass, field

from scrapy.crawler import Crawler, CrawlerProcess

from .settings import settings_for
from .source import Politeness, Source
from .spiders.policy import PolicySpider


@dataclass
class CrawlJob:
    source: Source
    source_id: int
    run_id: int
    known_urls: list[str] = field(default_factory=list)


def run_crawl(jobs: list[CrawlJob], politeness: Politeness, database_url: str, log_level: str = "WARNING") -> None:
    """Crawl every job's source at once, each with its own politeness settings; blocks until done."""
    base = settings_for(politeness, log_level=log_level)
    base.set("POLICYWATCH_DATABASE_URL", database_url, priority="cmdline")
    process = CrawlerProcess(base)
    for number, job in enumerate(jobs):
        settings = settings_for(politeness, job.source, log_level=log_level)
        settings.set("POLICYWATCH_DATABASE_URL", database_url, priority="cmdline")
        # The first crawler installs the reactor, as CrawlerProcess would for its own crawlers.
        crawler = Crawler(PolicySpider, settings, init_reactor=number == 0)
        process.crawl(crawler, source=job.source, run_id=job.run_id, known_urls=job.known_urls, source_id=job.source_id)
    process.start()
