"""Where crawls run: a crawl process on this host, or Scrapyd nodes. Both take runs from the run
queue (storage/runqueue.py); a runner names the queue a source's run goes to, keeps a crawl
process serving each queue that has runs, and says which runs lost their process.

LocalRunner: one child process (crawler/feed/service.py) per queue — the daemon's long-lived one,
restarted whenever it ends (recycled, crashed, killed) while runs are queued, or a `policywatch
crawl`'s, which ends when its queue is empty. Its runs whose process is gone are crashed at once,
known by the process's pid, not by the run's age.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import socket
import threading
from multiprocessing.context import ForkContext, SpawnContext
from typing import Protocol, cast

from crawler.feed.service import serve
from crawler.settings import CrawlOptions
from crawler.source import Source
from storage import Database
from storage.runqueue import queued_count

from ..config import Settings
from .stale import close_dead_runs

log = logging.getLogger(__name__)


class Runner(Protocol):
    def node_for(self, source: Source) -> str: ...

    def ensure(self) -> None:
        """A crawl process serves every queue with runs."""

    def close_lost(self) -> int:
        """Crash the runs whose crawl process is gone; how many."""

    def stop(self, grace: float) -> None: ...


def crawl_options(settings: Settings, log_level: str = "WARNING") -> CrawlOptions:
    cache = settings.http_cache_dir
    return CrawlOptions(
        database_url=settings.database_url,
        politeness=settings.crawl,
        cache_dir=str(cache) if cache else None,
        memory_limit_mb=settings.crawl_memory_limit_mb,
        log_level=log_level,
        time_limit=settings.crawl_time_limit,
        sources_in_flight=settings.daemon.max_parallel_crawls,
        recycle_hours=settings.daemon.recycle_hours,
    )


def local_node(kind: str = "local") -> str:
    """The queue of this host's crawl process ("local:HOST"), or of one crawl asked for now."""
    return f"{kind}:{socket.gethostname()}"


def _default_context() -> ForkContext | SpawnContext:
    """Fork when this process is single-threaded (the command line): the child starts with Scrapy
    already imported, 0.8 s sooner. With threads about (the daemon, the web page), forking is
    unsafe: a fresh interpreter (a long-lived crawl process starts seldom)."""
    return cast(
        ForkContext | SpawnContext, multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")
    )


class LocalRunner:
    def __init__(self, settings: Settings, db: Database, node: str, *, once: bool, log_level: str = "WARNING") -> None:
        self.settings, self.db, self.node, self.once = settings, db, node, once
        self.options = crawl_options(settings, log_level)
        self.child: multiprocessing.process.BaseProcess | None = None
        self.context: ForkContext | SpawnContext | None = None

    def node_for(self, source: Source) -> str:
        return self.node

    def ensure(self) -> None:
        if self.child is not None and self.child.is_alive():
            return
        self._reap()
        with self.db.session() as session:
            waiting = queued_count(session, self.node)
        if waiting:
            self.context = self.context or _default_context()
            self.child = self.context.Process(
                target=serve, args=(self.options, self.node), kwargs={"once": self.once}, name="policywatch-crawl"
            )
            self.child.start()
            log.info("crawl process %d started for %d queued runs", self.child.pid, waiting)

    def _reap(self) -> None:
        if self.child is None:
            return
        self.child.join(0)
        code, pid = self.child.exitcode, self.child.pid
        self.child = None
        if code:
            how = f"signal {signal.Signals(-code).name}" if code < 0 else f"exit {code}"
            crashed = close_dead_runs(self.db, {pid: f"the crawl process ended ({how})"} if pid else {})
            log.warning("the crawl process ended (%s); %d runs crashed", how, crashed)

    def running(self) -> bool:
        return self.child is not None and self.child.is_alive()

    def close_lost(self) -> int:
        """The child's own runs are closed when it is reaped, with the signal or exit code that
        ended it: a child dying between the two looks here is not crashed without that reason."""
        if not self.running():
            self._reap()
        ours = frozenset({self.child.pid}) if self.child is not None and self.child.pid else frozenset[int]()
        return close_dead_runs(self.db, spare=ours)

    def stop(self, grace: float) -> None:
        """SIGTERM: the crawl process closes its runs as interrupted; KILL after the grace."""
        if self.child is None or not self.child.is_alive():
            return
        self.child.terminate()
        self.child.join(grace)
        if self.child.is_alive():
            self.child.kill()
            self.child.join()
        self._reap()
