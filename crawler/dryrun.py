"""A crawl that stores nothing, for `policywatch try`: the same spider, settings and politeness
as a real crawl (robots.txt, delays, the browser), its one run fed from memory and its pages
collected instead of stored, so what `try` shows is what a crawl of the same seed would find."""

from __future__ import annotations

from .feed.runs import RunBook, RunJob
from .feed.service import fixed
from .items import PageFetched
from .process import crawler_process
from .settings import CrawlOptions, settings_for
from .source import Source
from .spiders.policy import PolicySpider

# The pages of this process's dry crawl (Scrapy copies its settings deeply, so a list cannot be
# handed to the pipeline through them; a process runs one dry crawl).
_COLLECTED: list[PageFetched] = []


class CollectPipeline:
    """Keeps every fetched page in memory."""

    def process_item(self, item: PageFetched) -> PageFetched:
        _COLLECTED.append(item)
        return item


async def _nothing(_job: RunJob, _status: str, _reason: str | None) -> None:
    return None


def dry_crawl(source: Source, options: CrawlOptions, render: str) -> list[PageFetched]:
    """Crawl the source once and return its pages; blocks until done. Twisted's reactor runs once
    per process, so callers run this in a child process."""
    _COLLECTED.clear()
    mode = "browser" if render == "browser" else "static"
    settings = settings_for(options, mode)
    settings.setdict(
        {
            "ITEM_PIPELINES": {f"{__name__}.CollectPipeline": 300},
            "POLICYWATCH_ATTACHMENTS_PER_DOCUMENT": 0,  # the cleaner names them; reading them is the crawl's job
            "HTTPCACHE_ENABLED": False,
            # try says itself, in one paragraph, why a page gave nothing (a refused connection,
            # a 404): Scrapy's own error lines and tracebacks would only come before it.
            "LOG_LEVEL": "CRITICAL",
        },
        priority="cmdline",
    )
    job = RunJob(0, 0, source, render="static" if render == "auto" else render)  # type: ignore[arg-type]
    book = RunBook(fixed([job]), _nothing, room=1, once=True)
    process = crawler_process(settings)
    process.crawl(PolicySpider, book=book, mode=mode)
    process.start()
    return list(_COLLECTED)
