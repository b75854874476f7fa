"""A crawl process: the queued runs of one crawling host, crawled in one Scrapy process.

serve() claims the host's queued runs from the database as it has room (sources_in_flight),
crawls them all at once through one spider (and, once a run needs one, a second that renders,
sharing one browser), closes each run as it ends, and ends itself:
- once (a `policywatch crawl`): when the queue is empty and every run is closed;
- long-lived (the daemon's, a node's): after recycle_hours, above 80 % of its memory limit, or
  idle for idle_seconds — draining first: no new runs, those in flight finish; the daemon starts
  a new process for what is queued next;
- over its memory limit (the whole process tree, PSS): every run in flight closes as "memory";
- on SIGTERM or SIGINT: every run in flight closes as "interrupted", with what it fetched.
"""

from __future__ import annotations

import asyncio
import logging
import resource
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import LoopingCall

from storage import Database
from storage.runqueue import claim_runs, requeue_runs, running_of
from storage.runs import finish_run, known_urls

from ..files import FileLimits
from ..process import crawler_process
from ..settings import CrawlOptions, settings_for
from ..source import Source
from ..spiders.policy import PolicySpider
from ..store_worker import StoreWorker, StoreWorkerDiedError
from .dupefilter import RUN_CLOSED
from .identity import this_process
from .memory import tree_megabytes
from .runs import RunBook, RunJob

log = logging.getLogger(__name__)
WORKER_DIED = "the store worker died; pages fetched since its last write were not stored"
RECYCLE_SHARE = 0.8  # of the memory limit: a long-lived process drains and ends above it
WATCH_SECONDS = 5.0
_current: Service | None = None


def _reactor() -> Any:
    """Twisted's reactor, imported only once Scrapy has installed the asyncio one."""
    from twisted.internet import reactor

    return reactor


def store_worker() -> StoreWorker:
    """The store worker of this process's crawl (for the pipeline)."""
    assert _current is not None, "the crawl is not running"
    return _current.store


class Service:
    """One crawl process's parts: its book of runs, its store worker, its crawlers."""

    def __init__(self, options: CrawlOptions, node: str, *, once: bool, job_id: str | None) -> None:
        self.options, self.node, self.once, self.job_id = options, node, once, job_id
        # A connection kept alive per domain: thousands of domains need more than a default 1,024 files.
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, hard), hard))
        self.db = Database(options.database_url, upgrade=False)
        self.me = this_process()
        politeness = options.politeness
        limits = FileLimits(politeness.attachment_seconds, politeness.attachment_memory_mb)
        self.store = StoreWorker(options.database_url, politeness.store_workers, limits)
        self._closer = ThreadPoolExecutor(1, thread_name_prefix="policywatch-close")
        self.book = RunBook(
            self.take,
            self.close,
            release=self.release,
            room=options.sources_in_flight,
            poll_seconds=options.poll_seconds,
            once=once,
        )
        self.book.on_browser_needed = self.start_browser
        self.crawlers: list[Crawler] = []
        self.handed: set[int] = set()  # runs claimed and given to the book
        self.started = self.idle_since = time.monotonic()
        self.stopping = False
        self._ending: asyncio.Future[None] | None = None
        self._watcher: LoopingCall | None = None

    # -- runs in and out ---------------------------------------------------------------------

    async def take(self, room: int) -> list[RunJob]:
        jobs = await asyncio.get_running_loop().run_in_executor(self._closer, self._claim, room)
        self.handed.update(job.run_id for job in jobs)
        return jobs

    def _claim(self, room: int) -> list[RunJob]:
        if self.book.draining:
            return []
        jobs, broken = [], []
        with self.db.session() as session:
            for run in claim_runs(session, self.node, room, self.me, self.job_id):
                spec = run.spec or {}
                try:
                    source = Source.model_validate(spec["source"])
                except (KeyError, TypeError, ValueError) as exc:
                    broken.append((run.id, f"its seed could not be read: {exc}"[:500]))
                    continue
                due, resting = known_urls(session, run.source_id, due_only=source.revisit == "rhythm")
                deadline = time.monotonic() + float(spec.get("time_limit") or self.options.time_limit)
                render = spec.get("render", "auto")
                jobs.append(RunJob(run.id, run.source_id, source, render, due, set(resting), deadline))
            for run_id, why in broken:
                finish_run(session, run_id, "failed", why)
        if jobs:
            self.idle_since = time.monotonic()
        return jobs

    async def release(self, jobs: list[RunJob]) -> None:
        """Runs claimed but not started (the process began to stop): back to the queue."""

        def give_back() -> None:
            with self.db.session() as session:
                requeue_runs(session, [job.run_id for job in jobs])

        await asyncio.get_running_loop().run_in_executor(self._closer, give_back)

    async def close(self, job: RunJob, status: str, reason: str | None) -> None:
        learned = "browser" if job.second_pass and job.rendered_documents else None
        await asyncio.get_running_loop().run_in_executor(self._closer, self._close, job, status, reason, learned)
        self.idle_since = time.monotonic()
        for crawler in self.crawlers:
            crawler.signals.send_catch_log(RUN_CLOSED, run_id=job.run_id)

    def _close(self, job: RunJob, status: str, reason: str | None, learned: str | None) -> None:
        try:
            if self.store.dead:
                raise StoreWorkerDiedError
            self.store.close_run(job.run_id, status, reason, learned)
        except StoreWorkerDiedError:
            self.store.dead = True
            with self.db.session() as session:
                finish_run(session, job.run_id, "failed", WORKER_DIED)

    # -- crawlers ----------------------------------------------------------------------------

    def attach(self, crawler: Crawler) -> None:
        """The static crawl (Scrapyd's on a node, or serve()'s own): watched from its start."""
        self.crawlers.append(crawler)
        reactor = _reactor()
        for signum in (signal.SIGTERM, signal.SIGINT):  # after Scrapy's own, which would close at once
            reactor.callWhenRunning(signal.signal, signum, self.on_signal)
        self._watcher = LoopingCall(self.watch)
        reactor.callWhenRunning(self._watcher.start, WATCH_SECONDS, False)

    def start_browser(self) -> None:
        """A second crawl that renders, sharing the book (and so the runs, the store worker)."""

        def begin() -> None:
            crawler = Crawler(PolicySpider, settings_for(self.options, "browser"))
            self.crawlers.append(crawler)
            self.book.followers.append(maybe_deferred_to_future(crawler.crawl(book=self.book, mode="browser")))

        _reactor().callLater(0, begin)

    # -- watching and stopping ---------------------------------------------------------------

    def watch(self) -> None:
        """Memory over the whole process tree, and when a long-lived process should end."""
        if self.store.dead and self.book.jobs:
            self.stop("interrupted", WORKER_DIED)
        limit = self.options.memory_limit_mb
        used = tree_megabytes() if limit else 0.0
        if limit and used > limit:
            log.error("the crawl's processes use %.0f MB, over the %d MB limit: stopping", used, limit)
            self.stop("memory", f"the crawl's processes used {used:.0f} MB, over its {limit} MB limit")
            return
        if self.once or self.book.draining:
            return
        aged = time.monotonic() - self.started > self.options.recycle_hours * 3600
        heavy = limit and used > RECYCLE_SHARE * limit
        idle = not self.book.jobs and time.monotonic() - self.idle_since > self.options.idle_seconds
        if aged or heavy or idle:
            log.info("the crawl process drains and ends (%s)", "aged" if aged else "heavy" if heavy else "idle")
            self.book.draining = True

    def on_signal(self, signum: int, _frame: Any = None) -> None:
        log.warning("stopping on %s: runs in flight close as interrupted", signal.Signals(signum).name)
        _reactor().callFromThread(self.stop, "interrupted", "policywatch was stopped during the crawl")

    def stop(self, how: str, reason: str) -> None:
        """Every run in flight closes (how: interrupted, memory) with what it fetched, then the
        crawls end without waiting for the downloads still under way."""
        if self.stopping:
            return
        self.stopping = True
        closing = self.book.stop_all(how, reason)

        async def end() -> None:
            await asyncio.gather(*closing, return_exceptions=True)
            for crawler in self.crawlers:
                if crawler.crawling:
                    await crawler.stop_async()

        self._ending = asyncio.ensure_future(end())

    def shut(self) -> None:
        if self._watcher is not None and self._watcher.running:
            self._watcher.stop()
        self.store.stop()
        self._closer.shutdown(wait=True)
        self._leave_nothing_open()
        self.db.close()

    def _leave_nothing_open(self) -> None:
        """Runs of this process still open as it ends: a claim that finished as the crawl stopped
        (never started: queued again), or a run the crawl did not close (interrupted)."""
        with self.db.session() as session:
            left = running_of(session, self.me)
            requeue_runs(session, [run.id for run in left if run.id not in self.handed])
            for run in left:
                if run.id in self.handed:
                    finish_run(session, run.id, "interrupted", "the crawl process ended before it closed the run")


def open_service(options: CrawlOptions, node: str, *, once: bool = False, job_id: str | None = None) -> Service:
    """This process's crawl service (one per process: the pipeline finds its store worker)."""
    global _current
    _current = Service(options, node, once=once, job_id=job_id)
    return _current


def serve(options: CrawlOptions, node: str, *, once: bool = False, job_id: str | None = None) -> int:
    """Crawl node's queued runs until done (once) or until it is time to end; blocks. Twisted's
    reactor runs once per process: callers run this in a process of its own."""
    global _current
    process = crawler_process(settings_for(options))  # installs the reactor
    service = open_service(options, node, once=once, job_id=job_id)
    crawler = Crawler(PolicySpider, settings_for(options))
    service.attach(crawler)
    process.crawl(crawler, book=service.book, mode="static")
    try:
        process.start(install_signal_handlers=False)
    finally:
        service.shut()
        _current = None
    return 0


def fixed(jobs: list[RunJob]) -> Callable[[int], Any]:
    """A feed of the given runs only (a dry run: nothing claimed from a database)."""
    remaining = list(jobs)

    async def take(room: int) -> list[RunJob]:
        taken, remaining[:] = remaining[:room], remaining[room:]
        return taken

    return take
