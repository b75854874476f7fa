"""`try`'s dry run: the real spider on one URL in a child process, nothing stored.

The URL is crawled as a listing, its first page only (the next pages are named, not followed),
with its first few documents: what a crawl of a seed with this start URL would fetch first.
"""

from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor

from crawler.dryrun import dry_crawl
from crawler.items import PageFetched
from crawler.settings import CrawlOptions
from crawler.source import Politeness, Source

FIRST_DOCUMENTS = 3  # documents cleaned to show what a crawl would store


def crawl_once(url: str, politeness: Politeness, render: str) -> list[PageFetched]:
    """The pages a crawl of url fetches first ("static" or "browser"); Twisted's reactor runs
    once per process, hence the child: forked from the command line (no threads), spawned from
    the web server (a fork of a process with threads may inherit a lock some thread held)."""
    source = Source(name="try", start_urls=[url], max_pages=1, max_documents=FIRST_DOCUMENTS)
    options = CrawlOptions(database_url="", politeness=politeness)
    start = "fork" if threading.active_count() == 1 else "spawn"
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context(start)) as pool:
        return pool.submit(dry_crawl, source, options, render).result()
