"""The spider a Scrapyd node runs: `scrapy crawl node -a job=JSON`.

The job carries the source's seed, the politeness settings and the run to record into; the node's
own environment carries the database (POLICYWATCH_DATABASE_URL), never the API. The documents due
for a visit are read from the database here rather than passed in, so a source with thousands of
documents still fits in one command-line argument. The per-source Scrapy settings are applied in
from_crawler, which Scrapy allows before it freezes them.
"""

from __future__ import annotations

import json
import os
from typing import Any

from scrapy.crawler import Crawler

from storage import Database
from storage.recording import known_urls

from ..settings import CrawlOptions, settings_for
from ..source import Politeness, Source
from .policy import PolicySpider

DATABASE_ENV = "POLICYWATCH_DATABASE_URL"
CACHE_ENV = "POLICYWATCH_HTTP_CACHE_DIR"


def job_argument(
    source: Source,
    source_id: int,
    run_id: int,
    politeness: Politeness,
    render: str,
    memory_limit_mb: int,
    second_pass: bool = False,
) -> str:
    """The `job` spider argument the scheduler sends with schedule.json."""
    return json.dumps(
        {
            "source": source.model_dump(mode="json"),
            "source_id": source_id,
            "run_id": run_id,
            "politeness": politeness.model_dump(mode="json"),
            "render": render,
            "memory_limit_mb": memory_limit_mb,
            "second_pass": second_pass,  # the same run again in a browser: known documents are done
        },
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
        source = Source.model_validate(spec["source"])
        options = CrawlOptions(
            database_url=database_url,
            politeness=Politeness.model_validate(spec["politeness"]),
            cache_dir=os.environ.get(CACHE_ENV),
            memory_limit_mb=spec["memory_limit_mb"],
            log_level=crawler.settings.get("LOG_LEVEL", "INFO"),
        )
        ours = settings_for(options, source, spec["render"])
        for name, value in ours.items():
            if ours.getpriority(name) >= 20 and name != "LOG_LEVEL":  # ours, not Scrapy's defaults
                crawler.settings.set(name, value, priority="spider")  # Scrapyd's own (-s LOG_FILE) win
        due, resting = _visits(database_url, spec["source_id"], source)
        return super().from_crawler(
            crawler,
            *args,
            source=source,
            run_id=spec["run_id"],
            source_id=spec["source_id"],
            known_urls=[] if spec.get("second_pass") else due,  # the first pass fetched them
            resting_urls=resting,
            render=spec["render"],
            **kwargs,
        )


def _visits(database_url: str, source_id: int, source: Source) -> tuple[list[str], list[str]]:
    db = Database(database_url, upgrade=False)  # the scheduler migrates; a node only reads and writes
    try:
        with db.session() as session:
            return known_urls(session, source_id, due_only=source.revisit == "rhythm")
    finally:
        db.close()
