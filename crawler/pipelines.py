"""From fetched pages to stored fetches and versions: the spider's pipeline queues each page for
the crawl process's store worker (store_worker.py), which cleans and writes it off the reactor
thread. A page of a run that has ended is dropped: the run was closed with what it had."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, cast

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from .feed.service import WORKER_DIED, store_worker
from .items import PageFetched
from .store_worker import Job, StoreWorkerDiedError

if TYPE_CHECKING:
    from .spiders.policy import PolicySpider

log = logging.getLogger(__name__)


class StorePipeline:
    """Hands each fetched page to the crawl process's store worker, with its run."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    async def process_item(self, item: PageFetched) -> None:
        book = cast("PolicySpider", self.crawler.spider).book
        job = book.jobs.get(item.run_id)
        if job is None or job.closed:
            raise DropItem(f"run {item.run_id} has ended")
        worker = store_worker()
        if not worker.dead:
            try:
                await worker.submit(Job(job.run_id, job.source_id, job.source), item)
                return
            except StoreWorkerDiedError:
                worker.dead = True
                log.error("%s: stopping the crawl", WORKER_DIED)
        book.stop_all("interrupted", WORKER_DIED)
        raise DropItem(WORKER_DIED)
