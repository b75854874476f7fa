"""From fetched pages to stored fetches and versions: the spider's pipeline queues each page for
the crawl's store worker (store_worker.py), which cleans and writes it off the reactor thread."""

from __future__ import annotations

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from .items import PageFetched
from .store_worker import Job, StoreWorker

_RUN_STATUS = {
    "finished": "ok",
    "shutdown": "interrupted",
    "closespider_timeout": "timeout",
    "memusage_exceeded": "failed",
}
_WORKERS: dict[str, StoreWorker] = {}


class StorePipeline:
    """Hands each fetched page to the crawl process's store worker."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = crawler.settings["POLICYWATCH_DATABASE_URL"]
        if self.url not in _WORKERS:
            _WORKERS[self.url] = StoreWorker(self.url, crawler.settings.getint("POLICYWATCH_STORE_WORKERS", 1))
        self.worker = _WORKERS[self.url]
        self.worker.users += 1
        self.job: Job | None = None
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.job = Job(run_id=spider.run_id, source_id=spider.source_id, source=spider.source)

    def process_item(self, item: PageFetched) -> None:
        self.worker.submit(self.job, item)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        status = _RUN_STATUS.get(reason, "failed")
        self.worker.close_run(spider.run_id, status, None if status == "ok" else f"crawl ended: {reason}")
        self.worker.users -= 1
        if self.worker.users == 0:
            self.worker.stop()
            _WORKERS.pop(self.url, None)
