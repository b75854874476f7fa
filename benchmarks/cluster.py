"""The same 30 sources crawled on one host and on three Scrapyd nodes, in one run.

Production politeness (1 s at least between requests to a domain, one at a time, AutoThrottle,
robots.txt), 30 local sites on 30 loopback addresses (30 domains), each answering after a
realistic 0.2 s, with six documents on a listing. All 30 are crawled by one `crawl()`, as the
daemon's slot would queue them: on one host, one crawl process takes them all at once; with three
nodes, each node's crawl job takes its share of the domains. The database is a fresh PostgreSQL
for each, as a cluster needs.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from crawler.source import Source
from monitor.config import ClusterSettings, Settings
from monitor.demo.samples import Sample, load_sample
from monitor.demo.site import DemoSite, Section
from monitor.ops.crawl import crawl
from storage import Database
from tests.postgres import postgres_server
from tests.scrapyd import ScrapydNode

SOURCES = 30
DOCUMENTS = 6
LATENCY = 0.2
SAMPLES = ["wansheng-plan", "nx-kjt-draft", "alxa-opinion", "yunnan-opinion", "dabancheng-draft", "nx-final"]


def _sites() -> list[DemoSite]:
    sites = []
    for number in range(SOURCES):
        site = DemoSite([Section("list", "政策文件", "/list/", "trs", charset="utf-8")], host=f"127.0.0.{10 + number}")
        for n in range(DOCUMENTS):
            sample = load_sample(SAMPLES[n])
            site.publish(
                "list", Sample(name=f"{n}", title=f"{sample.title}（{number}-{n}）", paragraphs=sample.paragraphs)
            )
        site.delay = LATENCY
        sites.append(site.start())
    return sites


def _run(settings: Settings, sources: list[Source]) -> tuple[float, int, int]:
    """Wall time, pages fetched, runs ok: every source in one crawl."""
    db = Database(settings.database_url)
    started = time.monotonic()
    results, _report = crawl(settings, sources, db=db)
    elapsed = time.monotonic() - started
    db.close()
    return elapsed, sum(r.pages for r in results), sum(r.status == "ok" for r in results)


def _fresh(url: str) -> None:
    with Database(url, upgrade=False).engine.begin() as connection:
        connection.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")


def run() -> list[tuple[str, str]]:
    figures = []
    sites = _sites()
    nodes: list[ScrapydNode] = []
    try:
        sources = [Source(name=f"site{i}", start_urls=[s.listing_url("list")]) for i, s in enumerate(sites)]
        with postgres_server() as url, tempfile.TemporaryDirectory() as tmp:
            local = Settings(database_url=url, http_cache_dir=None)
            nodes = [ScrapydNode(Path(tmp) / f"node{i}", url).start() for i in range(3)]
            clustered = local.model_copy(update={"cluster": ClusterSettings(nodes=[n.url for n in nodes])})
            Database(url).close()  # migrated once
            for label, settings in (("one host, one crawl process", local), ("three Scrapyd nodes", clustered)):
                _fresh(url)
                Database(url).close()
                elapsed, pages, ok = _run(settings, sources)
                figures.append((label, f"{elapsed:.1f} s, {pages / elapsed:.1f} pages/s, {ok}/{SOURCES} ok"))
    finally:
        for node in nodes:
            node.kill()
        for site in sites:
            site.stop()
    return figures
