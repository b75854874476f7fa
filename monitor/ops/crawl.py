"""Crawling sources now (`policywatch crawl`, the admin page's "crawl now"), and what every crawl
ends with, now or on schedule: detecting changes and sending notifications (finish()).

A crawl now queues a run per source for a crawl of its own (a one-shot crawl process here, or
one-shot feed jobs on the nodes: monitor/ops/runner.py), waits for the runs to close — the crawl
process keeps each run's time limit; this only stops what outlives them all — and then detects
and notifies. A source whose last run is still queued or running is skipped, never crawled twice.
"""

from __future__ import annotations

import os
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from crawler.source import Source
from notifier.channels import channels
from notifier.outbox import DispatchReport, dispatch
from storage import Database, Run
from storage.runqueue import OPEN, QUEUED, open_run, queue_run
from storage.runs import close_run, ensure_source

from ..config import Settings
from ..detect.changes import detect_and_enqueue
from .runner import LocalRunner, Runner, local_node
from .stale import close_dead_runs

GRACE_SECONDS = 30.0
POLL_SECONDS = 0.5


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


def render_mode(source: Source, learned: str | None) -> str:
    """What the seed says; for "auto", the browser once the source is known to need it."""
    if source.render != "auto":
        return source.render
    return "browser" if learned == "browser" else "auto"


def queue_sources(
    db: Database, sources: list[Source], node_for: Any, time_limit: float, scheduled_at: datetime | None = None
) -> tuple[list[int], list[RunSummary]]:
    """A queued run per source (node_for names its queue), carrying its seed, render mode and
    time limit; a source with an open run is skipped."""
    run_ids, skipped = [], []
    with db.session() as session:
        for source in sources:
            row = ensure_source(session, source.name, source.title)
            spec = {
                "source": source.model_dump(mode="json"),
                "render": render_mode(source, row.render),
                "time_limit": time_limit,
            }
            run = queue_run(session, row, spec, node_for(source), scheduled_at)
            if run is not None:
                run_ids.append(run.id)
                continue
            busy = open_run(session, row.id)
            why = f"run {busy.id} of it is still {busy.status}" if busy else "it is being crawled"
            skipped.append(RunSummary(source.name, busy.id if busy else 0, "skipped", 0, 0, 0, 0, why))
    return run_ids, skipped


def runner_for(settings: Settings, db: Database, *, once: bool, node: str, log_level: str = "WARNING") -> Runner:
    """Scrapyd nodes when [cluster] names some, else a crawl process here for the node's queue."""
    if settings.cluster.nodes:
        from .cluster.runner import NodeRunner

        return NodeRunner(settings, db, once=once)
    return LocalRunner(settings, db, node, once=once, log_level=log_level)


def crawl(
    settings: Settings,
    sources: list[Source],
    *,
    db: Database | None = None,
    log_level: str = "WARNING",
    stop: threading.Event | None = None,
    grace: float = GRACE_SECONDS,
) -> tuple[list[RunSummary], DispatchReport]:
    """Crawl the sources now, together, then detect and notify. stop: set it to end early."""
    db = db or Database(settings.database_url)
    close_dead_runs(db)
    node = f"{local_node('cli')}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    runner = runner_for(settings, db, once=True, node=node, log_level=log_level)
    run_ids, skipped = queue_sources(db, sources, runner.node_for, settings.crawl_time_limit)
    wait_for(db, runner, run_ids, settings.crawl_time_limit + grace, stop or threading.Event(), grace)
    review = getattr(runner, "review", None)
    if review is not None:
        review()
    summaries, report = finish(db, settings, run_ids)
    return skipped + summaries, report


def wait_for(
    db: Database, runner: Runner, run_ids: list[int], limit: float, stop: threading.Event, grace: float
) -> None:
    """Until every run is closed; past the limit (or on stop) the crawl is stopped and what is
    still open is closed here."""
    deadline = time.monotonic() + limit
    while True:
        runner.ensure()
        runner.close_lost()
        if not _open(db, run_ids):
            return
        if stop.is_set() or time.monotonic() > deadline:
            runner.stop(grace)
            runner.close_lost()
            why = "policywatch was stopped during the crawl" if stop.is_set() else "the crawl outlived its time limit"
            _close_open(db, run_ids, "interrupted" if stop.is_set() else "timeout", why)
            return
        stop.wait(POLL_SECONDS)


def _open(db: Database, run_ids: list[int]) -> list[int]:
    with db.session() as session:
        return list(session.scalars(select(Run.id).where(Run.id.in_(run_ids), Run.status.in_(OPEN))))


def _close_open(db: Database, run_ids: list[int], status: str, why: str) -> None:
    with db.session() as session:
        for run in session.scalars(select(Run).where(Run.id.in_(run_ids), Run.status.in_(OPEN))):
            close_run(session, run, status, f"{why} (it never started)" if run.status == QUEUED else why)


def finish(db: Database, settings: Settings, run_ids: list[int]) -> tuple[list[RunSummary], DispatchReport]:
    """Detect the closed runs' changes, queue and send notifications."""
    with db.session() as session:
        runs = [run for run_id in run_ids if (run := session.get(Run, run_id)) is not None]
        closed = [run for run in runs if run.status not in OPEN]
        detect_and_enqueue(session, closed, settings.delivery(), settings.detect.confirm_crawls)
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
    report = dispatch(db, channels(settings.smtp))
    return summaries, report
