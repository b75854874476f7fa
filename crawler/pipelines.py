"""From fetched pages to stored fetches and versions.

Every page becomes a Fetch row. Only a page that cleans into a document becomes (or confirms) a
version; a 404/410, a "page not found" page or a redirect to the site's front page marks the
document gone; anything else is a failed fetch and leaves the document as it was.
"""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.spiders import Spider

from storage import Database
from storage.recording import Content, Outcome, finish_run, record_document, record_listing

from .cleaning import clean
from .items import PageFetched
from .source import Source

_RUN_STATUS = {
    "finished": "ok",
    "shutdown": "interrupted",
    "closespider_timeout": "timeout",
    "memusage_exceeded": "failed",
}


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
    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.db = Database(crawler.settings["POLICYWATCH_DATABASE_URL"], upgrade=False)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: PageFetched) -> None:
        spider = self.crawler.spider
        with self.db.session() as session:
            if item.kind == "listing":
                record_listing(
                    session,
                    spider.run_id,
                    item.url,
                    http_status=item.status,
                    error=item.error,
                    documents_found=item.documents_found,
                )
                return
            outcome, content, error = classify(item, spider.source)
            record_document(
                session,
                spider.run_id,
                spider.source_id,
                item.url,
                outcome=outcome,
                http_status=item.status,
                content=content,
                error=error,
                size=len(item.body),
            )

    def spider_closed(self, spider: Spider, reason: str) -> None:
        status = _RUN_STATUS.get(reason, "failed")
        with self.db.session() as session:
            finish_run(session, spider.run_id, status, None if status == "ok" else f"crawl ended: {reason}")
        self.db.close()
