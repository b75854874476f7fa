"""One crawl job: crawl in a child process, then detect changes, then send notifications.

The crawl runs in its own process because Twisted's reactor cannot be restarted, and so that a
crash, a hang or a memory blow-up of one crawl cannot take the caller down.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from multiprocessing.context import BaseContext

from sqlalchemy import select

from crawler.process import CrawlJob, run_crawl
from crawler.settings import CrawlOptions
from crawler.source import Source
from notifier.chat import AppriseChannel
from notifier.email import EmailChannel
from notifier.outbox import Channel, DispatchReport, dispatch
from notifier.webhook import WebhookChannel
from storage import Database, Run, utcnow
from storage import Source as SourceRow
from storage.recording import ensure_source, known_urls, start_run

from ..config import Settings
from ..detect.changes import detect_and_enqueue

log = logging.getLogger(__name__)
GRACE_SECONDS = 30.0
_FORCED_REASONS = {
    "timeout": "the crawl took longer than its time limit",
    "interrupted": "policywatch was stopped during the crawl",
}


@dataclass
class RunSummary:
    source: str
    run_id: int
    status: str
    pages: int
    new: int
    changed: int
    removed: int
    error: str | None

    def line(self) -> str:
        text = (
            f"{self.source}: {self.status}, {self.pages} pages fetched, {self.new} new, {self.changed} changed, "
            f"{self.removed} removed (run {self.run_id})"
        )
        return f"{text}: {self.error}" if self.error else text


def channels(settings: Settings) -> dict[str, Channel]:
    return {"email": EmailChannel(settings.smtp), "webhook": WebhookChannel(), "chat": AppriseChannel()}


def crawl_options(settings: Settings, log_level: str = "WARNING") -> CrawlOptions:
    cache = settings.http_cache_dir
    return CrawlOptions(
        database_url=settings.database_url,
        politeness=settings.crawl,
        cache_dir=str(cache) if cache else None,
        memory_limit_mb=settings.crawl_memory_limit_mb,
        log_level=log_level,
    )


def _default_context() -> BaseContext:
    """Fork when this process is single-threaded (the command line): the child starts with Scrapy
    already imported, 0.8 s sooner. With threads about (the web page's admin), forking is unsafe:
    a fresh interpreter. The daemon passes its own forkserver."""
    return multiprocessing.get_context("fork" if threading.active_count() == 1 else "spawn")


def _run_child(
    jobs: list[CrawlJob],
    options: CrawlOptions,
    time_limit: float,
    stop: threading.Event | None,
    context: BaseContext | None,
    grace: float = GRACE_SECONDS,
) -> str | None:
    """Crawl in a fresh process; returns the run status to force ("timeout", "interrupted",
    "crashed:…") when the child did not end on its own."""
    child = (context or _default_context()).Process(target=run_crawl, args=(jobs, options), name="policywatch-crawl")
    child.start()
    deadline = time.monotonic() + time_limit
    forced = None
    while child.is_alive():
        child.join(0.5)
        if child.is_alive() and (time.monotonic() > deadline or (stop is not None and stop.is_set())):
            forced = "timeout" if time.monotonic() > deadline else "interrupted"
            log.warning("stopping the crawl of %s (%s)", ", ".join(j.source.name for j in jobs), forced)
            child.terminate()  # SIGTERM: Scrapy closes the spiders cleanly and the pages in hand are stored
            child.join(grace)
            if child.is_alive():
                child.kill()
                child.join()
    if forced is None and child.exitcode != 0:
        reason = f"signal {signal.Signals(-child.exitcode).name}" if child.exitcode < 0 else f"exit {child.exitcode}"
        forced = f"crashed:{reason}"
    return forced


def crawl(
    settings: Settings,
    sources: list[Source],
    *,
    db: Database | None = None,
    log_level: str = "WARNING",
    time_limit: float | None = None,
    stop: threading.Event | None = None,
    context: BaseContext | None = None,
    scheduled_at: datetime | None = None,
    grace: float = GRACE_SECONDS,
) -> tuple[list[RunSummary], DispatchReport]:
    """Crawl the sources now (together, in one child process), then detect and notify.

    stop: set it to end the crawl early (the daemon's shutdown); context: how to start the child
    (the daemon uses a forkserver with Scrapy already imported).
    """
    db = db or Database(settings.database_url)
    if settings.cluster.nodes:
        from .cluster.dispatch import crawl_on_nodes  # a scheduler of Scrapyd nodes

        return crawl_on_nodes(settings, sources, db=db, stop=stop, scheduled_at=scheduled_at, time_limit=time_limit)
    jobs = start_runs(db, sources, scheduled_at)
    deadline = time.monotonic() + (time_limit or settings.crawl_time_limit)

    def run_child(chosen: list[CrawlJob]) -> str | None:
        remaining = max(1.0, deadline - time.monotonic())
        return _run_child(chosen, crawl_options(settings, log_level), remaining, stop, context, grace)

    forced = run_child(jobs)
    if forced is None:
        forced = render_where_needed(db, jobs, run_child)
    return finish(db, settings, [job.run_id for job in jobs], forced)


def start_runs(db: Database, sources: list[Source], scheduled_at: datetime | None = None) -> list[CrawlJob]:
    """A run row per source, and what its crawl needs: documents due, documents resting."""
    with db.session() as session:
        jobs = []
        for source in sources:
            row = ensure_source(session, source.name, source.title)
            run = start_run(session, row)
            run.scheduled_at = scheduled_at
            due, resting = known_urls(session, row.id, due_only=source.revisit == "rhythm")
            jobs.append(CrawlJob(source, row.id, run.id, due, resting, render=render_mode(source, row.render)))
    return jobs


def close_abandoned_runs(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Runs still "running" long after any crawl could (their time limit and the grace to stop):
    a scheduler ended before it closed them. They are crashed, so status tells the truth and
    their pages, if any, are detected with the source's next run."""
    oldest = (now or utcnow()) - timedelta(seconds=settings.crawl_time_limit + 2 * settings.daemon.grace_seconds + 60)
    with db.session() as session:
        abandoned = list(session.scalars(select(Run).where(Run.status == "running", Run.started_at < oldest)))
        for run in abandoned:
            run.status, run.finished_at = "crashed", utcnow()
            run.error = "abandoned: the scheduler that started it ended before it closed"
    return len(abandoned)


def render_mode(source: Source, learned: str | None) -> str:
    """What the seed says; for "auto", the browser once the source is known to need it."""
    if source.render != "auto":
        return source.render
    return "browser" if learned == "browser" else "auto"


def render_where_needed(
    db: Database, jobs: list[CrawlJob], run_child: Callable[[list[CrawlJob]], str | None]
) -> str | None:
    """Sources whose static listing named no documents but runs scripts: the same run again, in a
    browser (known documents were fetched already); remembered when the browser finds documents."""
    with db.session() as session:
        retry = [job for job in jobs if job.render == "auto" and session.get(Run, job.run_id).needs_browser]
    if not retry:
        return None
    rendered = [replace(job, render="browser", known_urls=[]) for job in retry]
    forced = run_child(rendered)
    with db.session() as session:
        for job in rendered:
            if session.get(Run, job.run_id).documents_found:
                session.get(SourceRow, job.source_id).render = "browser"
    return forced


def finish(
    db: Database, settings: Settings, run_ids: list[int], forced: str | None = None
) -> tuple[list[RunSummary], DispatchReport]:
    """Close runs the child left open, detect changes, queue and send notifications."""
    with db.session() as session:
        runs = [session.get(Run, run_id) for run_id in run_ids]
        for run in runs:
            # A crawl stopped at its time limit that closed cleanly calls itself "interrupted".
            if run.status == "running" or (forced == "timeout" and run.status == "interrupted"):
                status, _, reason = (forced or "crashed:the crawl process ended early").partition(":")
                run.status, run.finished_at = status, utcnow()
                run.error = reason or _FORCED_REASONS.get(status, status)
        detect_and_enqueue(session, runs, settings.delivery())
        summaries = [
            RunSummary(
                run.source.name,
                run.id,
                run.status,
                run.pages_fetched,
                run.documents_new,
                run.documents_changed,
                run.documents_removed,
                run.error,
            )
            for run in runs
        ]
    report = dispatch(db, channels(settings))
    return summaries, report
