"""One crawl job: crawl in a child process, then detect changes, then send notifications.

The crawl runs in its own process because Twisted's reactor cannot be restarted, and so that a
crash, a hang or a memory blow-up of one crawl cannot take the caller down.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
from dataclasses import dataclass

from crawler.process import CrawlJob, run_crawl
from crawler.source import Source
from notifier.email import EmailChannel
from notifier.outbox import Channel, DispatchReport, dispatch
from notifier.webhook import WebhookChannel
from storage import Database, Run, utcnow
from storage.recording import ensure_source, known_urls, start_run

from .changes import detect_and_enqueue
from .config import Settings

log = logging.getLogger(__name__)
GRACE_SECONDS = 30.0


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
    return {"email": EmailChannel(settings.smtp), "webhook": WebhookChannel()}


def _run_child(jobs: list[CrawlJob], settings: Settings, log_level: str, time_limit: float) -> str | None:
    """Crawl in a fresh process; returns the run status to force ("timeout", "crashed") if any."""
    context = multiprocessing.get_context("spawn")
    child = context.Process(
        target=run_crawl, args=(jobs, settings.crawl, settings.database_url, log_level), name="policywatch-crawl"
    )
    child.start()
    child.join(time_limit)
    if child.is_alive():
        log.warning("crawl exceeded %.0f s; stopping it", time_limit)
        child.terminate()  # SIGTERM: Scrapy closes the spiders cleanly
        child.join(GRACE_SECONDS)
        if child.is_alive():
            child.kill()
            child.join()
        return "timeout"
    if child.exitcode != 0:
        reason = f"signal {signal.Signals(-child.exitcode).name}" if child.exitcode < 0 else f"exit {child.exitcode}"
        return f"crashed:{reason}"
    return None


def crawl(
    settings: Settings,
    sources: list[Source],
    *,
    db: Database | None = None,
    log_level: str = "WARNING",
    time_limit: float | None = None,
) -> tuple[list[RunSummary], DispatchReport]:
    """Crawl the sources now (together, in one child process), then detect and notify."""
    db = db or Database(settings.database_url)
    with db.session() as session:
        jobs = []
        for source in sources:
            row = ensure_source(session, source.name, source.title)
            run = start_run(session, row)
            jobs.append(
                CrawlJob(source=source, source_id=row.id, run_id=run.id, known_urls=known_urls(session, row.id))
            )
    forced = _run_child(jobs, settings, log_level, time_limit or settings.crawl_time_limit)
    return finish(db, settings, [job.run_id for job in jobs], forced)


def finish(
    db: Database, settings: Settings, run_ids: list[int], forced: str | None = None
) -> tuple[list[RunSummary], DispatchReport]:
    """Close runs the child left open, detect changes, queue and send notifications."""
    with db.session() as session:
        runs = [session.get(Run, run_id) for run_id in run_ids]
        for run in runs:
            if run.status == "running":
                status, _, reason = (forced or "crashed:the crawl process ended early").partition(":")
                run.status, run.finished_at = status, utcnow()
                run.error = reason or "the crawl took longer than its time limit"
        detect_and_enqueue(session, runs, settings.web.base_url)
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
