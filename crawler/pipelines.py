"""From fetched pages to stored fetches and versions.

Every page becomes a Fetch row. Only a page that cleans into a document becomes (or confirms) a
version; a 404/410, a "page not found" page or a redirect to the site's front page marks the
document gone; anything else is a failed fetch and leaves the document as it was. The cleaning
and the writes happen in the crawl's store worker (store_worker.py), off the reactor thread.
"""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from storage.recording import Content, Outcome

from .cleaning import clean
from .items import PageFetched
from .source import Source
from .store_worker import Job, StoreWorker

_RUN_STATUS = {
    "finished": "ok",
    "shutdown": "interrupted",
    "closespider_timeout": "timeout",
    "memusage_exceeded": "failed",
}
_WORKERS: dict[str, StoreWorker] = {}


def _redirected_away(page: PageFetched, source: Source) -> bool:
    """A removed page often redirects to the site's front page or back to the listing."""
    if not page.final_url or page.final_url == page.url:
        return False
    path = urlsplit(page.final_url).path
    return path in ("", "/") or path.rsplit("/", 1)[-1].startswith("index.") or page.final_url in source.start_urls


def classify(page: PageFetched, source: Source) -> tuple[Outcome, Content | None, str | None]:
    """What a document fetch means: (outcome, cleaned content if ok, error text)."""
    if page.status in (404, 410):
        return "gone", None, f"HTTP {page.status}"
    if page.status is None or not 200 <= page.status < 300:
        return "failed", None, page.error or f"HTTP {page.status}"
    if _redirected_away(page, source):
        return "gone", None, f"redirected to {page.final_url}"
    doc = clean(page.body, page.final_url or page.url, source.rules, encoding=page.encoding)
    if doc.no_document == "not_found_page":
        return "gone", None, "the page says it was not found"
    if not doc.found:
        return "failed", None, f"no document in the page ({doc.no_document})"
    content = Content(
        title=doc.title,
        text=doc.text,
        content_hash=doc.content_hash,
        status=doc.meta.status,
        meta=doc.meta.as_dict(),
        attachments=[asdict(a) for a in doc.attachments],
        raw_html=page.body,
        encoding=doc.encoding,
    )
    return "ok", content, None


class StorePipeline:
    """Hands each fetched page to the crawl process's store worker."""

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.url = crawler.settings["POLICYWATCH_DATABASE_URL"]
        if self.url not in _WORKERS:
            _WORKERS[self.url] = StoreWorker(self.url)
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
