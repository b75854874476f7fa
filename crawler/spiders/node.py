"""The spider a Scrapyd node runs: `scrapy crawl node -a job=JSON`, one long-lived job per node.

The job names the node (the queue it crawls: runs queued for this node's URL), the politeness
and limits, and whether it ends once its queue is empty (a `policywatch crawl`) or lives on (the
daemon's); the node's own environment carries the database (POLICYWATCH_DATABASE_URL), never the
API. Everything else is the same crawl as on one host (crawler/feed/service.py): runs claimed
from the database, crawled at once, each closed with its counts, its time limit kept here.
"""

from __future__ import annotations

import json
import os
from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler

from ..feed.service import open_service
from ..settings import CrawlOptions, settings_for
from ..source import Politeness
from .policy import PolicySpider

DATABASE_ENV = "POLICYWATCH_DATABASE_URL"
CACHE_ENV = "POLICYWATCH_HTTP_CACHE_DIR"


def job_argument(node: str, politeness: Politeness, options: dict[str, Any], *, once: bool) -> str:
    """The `job` spider argument the scheduler sends with schedule.json."""
    return json.dumps(
        {"node": node, "politeness": politeness.model_dump(mode="json"), "options": options, "once": once},
        ensure_ascii=False,
    )


class NodeSpider(PolicySpider):
    name = "node"

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, job: str = "", **kwargs: Any) -> NodeSpider:
        spec = json.loads(job)
        database_url = os.environ.get(DATABASE_ENV)
        if not database_url:
            raise RuntimeError(f"{DATABASE_ENV} is not set in this Scrapyd node's environment")
        options = CrawlOptions(
            database_url=database_url,
            politeness=Politeness.model_validate(spec["politeness"]),
            cache_dir=os.environ.get(CACHE_ENV),
            log_level=crawler.settings.get("LOG_LEVEL", "INFO"),
            **spec.get("options", {}),
        )
        ours = settings_for(options)
        for name, value in ours.items():
            if (ours.getpriority(name) or 0) >= 20 and name != "LOG_LEVEL":  # ours, not Scrapy's defaults
                crawler.settings.set(name, value, priority="spider")  # Scrapyd's own (-s LOG_FILE) win
        service = open_service(options, spec["node"], once=spec.get("once", False), job_id=kwargs.get("_job"))
        service.attach(crawler)
        crawler.signals.connect(service.shut, signal=signals.engine_stopped)
        spider = super().from_crawler(crawler, *args, book=service.book, mode="static", **kwargs)
        return spider  # type: ignore[return-value]
