"""From fetched pages to stored fetches and versions: the spider's pipeline queues each page for
the crawl's store worker (store_worker.py), which cleans and writes it off the reactor thread."""

from __future__ import annotations

import logging

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.spiders import Spider
from scrapy.utils.defer import deferred_from_coro

from storage import Database
from storage.recording import finish_run

from .files import FileLimits
from .items import PageFetched
from .store_worker import Job, StoreWorker, StoreWorkerDiedError

log = logging.getLogger(__name__)
WORKER_DIED = "the store worker died; pages fetched since its last write were not stored"

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
            _WORKERS[self.url] = StoreWorker(
                self.url,
                crawler.settings.getint("POLICYWATCH_STORE_WORKERS", 1),
                crawler.settings.get("POLICYWATCH_FILE_LIMITS") or FileLimits(),
            )
        self.worker = _WORKERS[self.url]
        self.worker.users += 1
        self.job: Job | None = None
        self.stopping = False
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def open_spider(self) -> None:
        spider = self.crawler.spider
        self.job = Job(run_id=spider.run_id, source_id=spider.source_id, source=spider.source)

    def process_item(self, item: PageFetched) -> None:
        if not self.worker.dead:
            try:
                self.worker.submit(self.job, item)
                return
            except StoreWorkerDiedError:
                self.worker.dead = True
        if not self.stopping:
            self.stopping = True
            log.error("%s: stopping the crawl", WORKER_DIED)
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="store_failed"))
        raise DropItem(WORKER_DIED)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        status = _RUN_STATUS.get(reason, "failed")
        try:
            if self.worker.dead:
                raise StoreWorkerDiedError
            self.worker.close_run(spider.run_id, status, None if status == "ok" else f"crawl ended: {reason}")
        except StoreWorkerDiedError:
            self.worker.dead = True
            _fail_run(self.url, spider.run_id)
        self.worker.users -= 1
        if self.worker.users == 0:
            self.worker.stop()
            _WORKERS.pop(self.url, None)


def _fail_run(database_url: str, run_id: int) -> None:
    """With its worker gone the run is closed from here, so it never passes for a good one."""
    db = Database(database_url, upgrade=False)
    try:
        with db.session() as session:
            finish_run(session, run_id, "failed", WORKER_DIED)
    finally:
        db.close()
