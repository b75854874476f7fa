"""Cleaning and storing in a second process, so the crawl never waits for them.

Scrapy fetches in one thread; cleaning a page costs a few milliseconds of CPU, as much as Scrapy
spends fetching it. Doing both in the reactor thread halves the crawl rate, so the spider's
pipeline only queues the fetched pages, and this worker (one per crawl process, for all its
spiders) cleans them and writes them in batches: one transaction per batch, so a version, its
fetch and its document's pointer always land together.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
from dataclasses import dataclass
from typing import Literal

from storage import Database
from storage.recording import finish_run, has_content, record_document, record_listing

from .items import PageFetched
from .outcome import classify
from .rebaseline import rebaseline
from .source import Source

log = logging.getLogger(__name__)
BATCH_SIZE = 50
BATCH_SECONDS = 1.0
QUEUE_SIZE = 64
PUT_TIMEOUT = 5.0


@dataclass
class Job:
    """What the worker needs to know about a spider's run."""

    run_id: int
    source_id: int
    source: Source


@dataclass
class _Page:
    job: Job
    page: PageFetched


@dataclass
class _Close:
    run_id: int
    status: str
    error: str | None


Message = _Page | _Close | Literal["stop"]


def _store(db: Database, batch: list[_Page]) -> None:
    with db.session() as session:
        for entry in batch:
            page, job = entry.page, entry.job
            if page.kind == "listing":
                record_listing(
                    session,
                    job.run_id,
                    page.url,
                    http_status=page.status,
                    error=page.error,
                    documents_found=page.documents_found,
                )
                continue
            if page.not_modified and has_content(session, page.url):
                outcome, content, error = "unchanged", None, None  # a 304 costs no parse
            else:
                try:
                    outcome, content, error = classify(page, job.source)
                    if content is not None:
                        rebaseline(session, page.url, content, job.source)
                except Exception as exc:  # noqa: BLE001 - one bad page is a failed fetch, not a dead worker
                    outcome, content, error = "failed", None, f"cleaning failed: {exc!r}"[:500]
            record_document(
                session,
                job.run_id,
                job.source_id,
                page.url,
                outcome=outcome,
                http_status=304 if outcome == "unchanged" else page.status,
                content=content,
                error=error,
                size=0 if page.not_modified else len(page.body),
            )


def _serve(inbox: multiprocessing.Queue, database_url: str, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the crawl, which closes us in order
    db = Database(database_url, upgrade=False)
    batch: list[_Page] = []
    started = 0.0
    while True:
        try:
            message = inbox.get(timeout=0.2)
        except queue.Empty:
            message = "stop" if os.getppid() != parent else None  # orphaned: keep what we have, go
        if isinstance(message, _Page):
            if not batch:
                started = time.monotonic()
            batch.append(message)
            if len(batch) < BATCH_SIZE and time.monotonic() - started < BATCH_SECONDS:
                continue
        elif message is None and (not batch or time.monotonic() - started < BATCH_SECONDS):
            continue
        if batch:
            _store(db, batch)
            batch = []
        if isinstance(message, _Close):
            with db.session() as session:
                finish_run(session, message.run_id, message.status, message.error)
        elif message == "stop":
            db.close()
            return


class StoreWorker:
    """The crawl process's handle on its worker; started by the first spider, stopped by the last."""

    def __init__(self, database_url: str) -> None:
        # Forking a single-threaded process is safe and saves re-importing everything (about a
        # second of CPU per crawl); with threads about, a fresh interpreter is the safe choice.
        method = "fork" if threading.active_count() == 1 else "spawn"
        context = multiprocessing.get_context(method)
        self.inbox: multiprocessing.Queue = context.Queue(QUEUE_SIZE)
        self.process = context.Process(
            target=_serve, args=(self.inbox, database_url, os.getpid()), name="policywatch-store", daemon=True
        )
        self.process.start()
        self.users = 0
        log.info("store worker %d started (%s)", self.process.pid, method)

    def _put(self, message: Message) -> None:
        while True:
            try:
                self.inbox.put(message, timeout=PUT_TIMEOUT)
                return
            except queue.Full:
                if not self.process.is_alive():
                    raise RuntimeError("the store worker has died") from None

    def submit(self, job: Job, page: PageFetched) -> None:
        """Queue a fetched page; blocks while the worker is behind (back-pressure on the crawl)."""
        self._put(_Page(job, page))

    def close_run(self, run_id: int, status: str, error: str | None) -> None:
        self._put(_Close(run_id, status, error))

    def stop(self) -> None:
        if self.process.is_alive():
            self._put("stop")
            self.process.join()
