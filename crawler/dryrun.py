"""A crawl that stores nothing, for `policywatch try`: the same spider, settings and politeness
as a real crawl (robots.txt, delays, the browser), its pages collected in memory instead of
stored, so what `try` shows is what a crawl of the same seed would find."""

from __future__ import annotations

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


def dry_crawl(source: Source, options: CrawlOptions, render: str) -> list[PageFetched]:
    """Crawl the source once and return its pages; blocks until done. Twisted's reactor runs once
    per process, so callers run this in a child process."""
    _COLLECTED.clear()
    settings = settings_for(options, source, render)
    settings.setdict(
        {
            "ITEM_PIPELINES": {f"{__name__}.CollectPipeline": 300},
            "POLICYWATCH_ATTACHMENTS_PER_DOCUMENT": 0,  # the cleaner names them; reading them is the crawl's job
            "HTTPCACHE_ENABLED": False,
        },
        priority="cmdline",
    )
    process = crawler_process(settings)
    process.crawl(PolicySpider, source=source, run_id=0, source_id=0, render=render)
    process.start()
    return list(_COLLECTED)
