"""Economical re-crawls: 1,000 unchanged documents on a server that honours conditional requests.

The first crawl fetches and parses everything; the second sends If-None-Match (Scrapy's HTTP
cache, RFC 2616 policy) and gets 304s, which cost no parse and no version.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from crawler.source import Politeness, Source
from monitor.config import Settings
from monitor.ops.crawl import crawl
from storage import Database, Fetch, Version

from .crawl import build_site
from .staticsite import StaticSite

DOCUMENTS = 1000


def _fetches(db: Database, run_id: int) -> tuple[int, int, int]:
    """(bytes received, pages parsed, 304s) of a run's document fetches."""
    with db.session() as session:
        rows = session.execute(
            select(Fetch.size, Fetch.outcome).where(Fetch.run_id == run_id, Fetch.kind == "document")
        ).all()
    return sum(r.size for r in rows), sum(r.outcome == "ok" for r in rows), sum(r.outcome == "unchanged" for r in rows)


def run() -> list[tuple[str, str]]:
    with StaticSite(lambda base: build_site(base, DOCUMENTS), etags=True) as site, tempfile.TemporaryDirectory() as tmp:
        settings = Settings(
            database_url=f"sqlite:///{Path(tmp) / 'recrawl.db'}",
            crawl=Politeness(delay=0, concurrency_per_domain=16, autothrottle=False, obey_robots=False),
            http_cache_dir=Path(tmp) / "httpcache",
        )
        source = Source(name="bench", start_urls=[site.base_url + "/list/index.html"], max_pages=100)
        db = Database(settings.database_url)
        rows = []
        for label in ("first crawl", "re-crawl, nothing changed"):
            start = time.perf_counter()
            summaries, _ = crawl(settings, [source], db=db)
            seconds = time.perf_counter() - start
            size, parsed, unchanged = _fetches(db, summaries[0].run_id)
            rows.append(
                (
                    label,
                    f"{summaries[0].pages} pages fetched, {size / 1e6:.1f} MB received, {parsed} parsed, "
                    f"{unchanged} answered 304, {seconds:.1f} s",
                )
            )
        with db.session() as session:
            rows.append(("versions stored", str(session.scalar(select(func.count()).select_from(Version)))))
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:28s} {figure}")
