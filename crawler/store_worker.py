"""Cleaning and storing in worker processes, so the crawl never waits for them.

Scrapy fetches in one thread; cleaning a page costs about as much CPU as Scrapy spends fetching
it. Doing both in the reactor thread halves the crawl rate, so the spider's pipeline only queues
the fetched pages, and a small pool of worker processes (one pool per crawl process, for all its
spiders) cleans them and writes them in batches: one transaction per batch, so a version, its
fetch and its document's pointer always land together. Pages are routed by URL, so one URL is
always stored by the same worker and in order; a run is closed only after every worker has
stored all its pages (a flush barrier).
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import zlib
from dataclasses import dataclass
from multiprocessing.context import ForkContext, SpawnContext
from typing import Literal, cast

from sqlalchemy.orm import Session

from storage import Database
from storage.recording import attachment_names, has_content, record_document, record_listing, retire_attachments
from storage.runs import finish_run, learn_render

from .files import FileLimits, FileText, canonical_url
from .items import PageFetched
from .outcome import Stored, Verdict, classify, file_content
from .rebaseline import Rebaseliner
from .source import Source

log = logging.getLogger(__name__)


class StoreWorkerDiedError(RuntimeError):
    """A worker process is gone (killed, out of memory, its database broken): the pages queued to
    it are lost, so the crawl must stop rather than fetch pages nobody stores."""


BATCH_SIZE = 50
BATCH_SECONDS = 1.0
QUEUE_SIZE = 64
PUT_TIMEOUT = 5.0
SUBMIT_POLL = 0.02


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
    learned_render: str | None = None  # the source turned out to need a browser


@dataclass
class _Flush:
    """Store what you hold, then say so: the barrier before a run is closed."""

    token: int


Message = _Page | _Close | _Flush | Literal["stop"]


def _judge(page: PageFetched, source: Source, limits: FileLimits) -> Verdict:
    """What a document fetch means; CPU only (a file is read in a child process), no database."""
    try:
        return classify(page, source, limits)
    except Exception as exc:  # noqa: BLE001 - one bad page is a failed fetch, not a dead worker
        return "failed", None, f"cleaning failed: {exc!r}"[:500]


def _store(db: Database, batch: list[_Page], rebaseline: Rebaseliner, limits: FileLimits) -> None:
    """Clean the whole batch first, then write it in one short transaction: a write transaction
    held while cleaning would keep the other workers waiting on SQLite's write lock."""
    judged = [
        None if page.kind == "listing" or page.not_modified else _judge(page, entry.job.source, limits)
        for entry in batch
        for page in [entry.page]
    ]
    with db.session() as session:
        for entry, verdict in zip(batch, judged, strict=True):
            page, job = entry.page, entry.job
            if page.kind == "listing":
                record_listing(
                    session,
                    job.run_id,
                    page.url,
                    http_status=page.status,
                    error=page.error,
                    documents_found=page.documents_found,
                    rendered=page.rendered,
                    script_built=page.script_built,
                )
            else:
                _record_document(session, entry, verdict, rebaseline, limits)


def _record_document(
    session: Session, entry: _Page, verdict: Verdict | None, rebaseline: Rebaseliner, limits: FileLimits
) -> None:
    page, job = entry.page, entry.job
    if verdict is None:  # a 304 costs no parse when the document is known
        verdict = ("unchanged", None, None) if has_content(session, page.url) else _judge(page, job.source, limits)
    outcome, judged, error = verdict
    if isinstance(judged, FileText):
        outcome, content, error = _as_file(session, page, judged)
    else:
        content = judged
    if content is not None and page.listed:  # the catalogue's row fills what the page does not say
        content.meta = {**content.meta, **{k: v for k, v in page.listed.items() if not content.meta.get(k)}}
    if content is not None:
        rebaseline(session, job.run_id, job.source_id, page.url, content, job.source, limits)
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
        rendered=page.rendered,
        parent_url=page.parent_url,
    )
    if page.kind == "document" and (outcome == "gone" or (content is not None and content.file_type is None)):
        linked = {canonical_url(a["url"]) for a in content.attachments} if content is not None else set()
        retire_attachments(session, job.run_id, page.url, linked)


def _as_file(session: Session, page: PageFetched, text: FileText) -> Stored:
    """A file's text as content; an attachment is stored only when its page's cleaned text counts
    it among its attachments (a file link in the site's furniture is not the document's)."""
    name = None
    if page.parent_url:
        names = {canonical_url(url): name for url, name in attachment_names(session, page.parent_url).items()}
        if canonical_url(page.url) not in names:
            return "skipped", None, "not among the attachments of its page's text"
        name = names[canonical_url(page.url)]
    return "ok", file_content(text, name, page.url, page.body), None


def _serve(
    inbox: multiprocessing.Queue, done: multiprocessing.Queue, database_url: str, parent: int, limits: FileLimits
) -> None:
    # Ctrl-C or a SIGTERM to the process group reaches the crawl process too, which closes its runs
    # through us and then stops us in order; an orphan stores what it holds and goes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    db = Database(database_url, upgrade=False)
    rebaseline = Rebaseliner()
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
            _store(db, batch, rebaseline, limits)
            batch = []
        if isinstance(message, _Close):
            with db.session() as session:
                run = finish_run(session, message.run_id, message.status, message.error)
                if message.learned_render:
                    learn_render(session, run.source_id, message.learned_render)
        elif isinstance(message, _Flush):
            done.put(message.token)
        elif message == "stop":
            db.close()
            return


class StoreWorker:
    """The crawl process's handle on its worker pool; started by the first spider, stopped by the
    last."""

    def __init__(self, database_url: str, workers: int = 1, limits: FileLimits | None = None) -> None:
        # Forking a single-threaded process is safe and saves re-importing everything (about a
        # second of CPU per crawl); with threads about, a fresh interpreter is the safe choice.
        method = "fork" if threading.active_count() == 1 else "spawn"
        context = cast(ForkContext | SpawnContext, multiprocessing.get_context(method))
        self.done: multiprocessing.Queue = context.Queue()
        self.inboxes: list[multiprocessing.Queue] = [context.Queue(QUEUE_SIZE) for _ in range(workers)]
        self.processes = [
            context.Process(
                target=_serve,
                args=(inbox, self.done, database_url, os.getpid(), limits or FileLimits()),
                name=f"policywatch-store-{number}",
                daemon=True,
            )
            for number, inbox in enumerate(self.inboxes)
        ]
        for process in self.processes:
            process.start()
        self.dead = False
        log.info("%d store worker(s) started (%s)", workers, method)

    def _check_alive(self) -> None:
        if not all(process.is_alive() for process in self.processes):
            raise StoreWorkerDiedError("a store worker has died")

    def _put(self, inbox: multiprocessing.Queue, message: Message) -> None:
        while True:
            try:
                inbox.put(message, timeout=PUT_TIMEOUT)
                return
            except queue.Full:
                self._check_alive()

    async def submit(self, job: Job, page: PageFetched) -> None:
        """Queue a fetched page or file. While its worker is behind, this waits without holding
        the crawl's event loop (a blocked loop would delay every request in flight): Scrapy then
        stops taking responses for processing past SCRAPER_SLOT_MAX_ACTIVE_SIZE, which is the
        back-pressure on the crawl."""
        self._check_alive()
        # An attachment goes to its page's worker, which has stored the page before it.
        route = page.parent_url or page.url
        inbox = self.inboxes[zlib.crc32(route.encode()) % len(self.inboxes)]
        message = _Page(job, page)
        waited = 0.0
        while True:
            try:
                inbox.put_nowait(message)
                return
            except queue.Full:
                await asyncio.sleep(SUBMIT_POLL)
                waited += SUBMIT_POLL
                if waited >= PUT_TIMEOUT:
                    self._check_alive()
                    waited = 0.0

    def close_run(self, run_id: int, status: str, error: str | None, learned_render: str | None = None) -> None:
        """Once every worker has stored the run's pages, the first one closes the run. Blocks
        until the workers have acknowledged: call it from one thread at a time."""
        for inbox in self.inboxes:
            self._put(inbox, _Flush(run_id))
        acknowledged = 0
        while acknowledged < len(self.inboxes):
            try:
                self.done.get(timeout=PUT_TIMEOUT)
                acknowledged += 1
            except queue.Empty:
                self._check_alive()
        self._put(self.inboxes[0], _Close(run_id, status, error, learned_render))

    def stop(self) -> None:
        for inbox, process in zip(self.inboxes, self.processes, strict=True):
            if process.is_alive():
                self._put(inbox, "stop")
        for process in self.processes:
            process.join()
