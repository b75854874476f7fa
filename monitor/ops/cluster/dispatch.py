"""A crawl through Scrapyd nodes: the scheduler's side.

Each source's run is created here, then its crawl is scheduled (schedule.json) on the first node
of its domain's rendezvous order that answers, with the code version this scheduler runs. The
crawl process on the node writes fetches and versions to the shared database through the store
worker and closes its run, as it does on one host. The scheduler polls the runs table and the
nodes' listjobs.json: a run closed is done; a job that its node no longer lists, or whose node
stopped answering, while its run is still open is crashed after [cluster] lost_job_seconds; a
crawl past its time limit is cancelled (cancel.json) and then marked timeout. Detection, linking
and notifications then run once, here, through the same finish() a local crawl uses.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import datetime

from crawler.process import CrawlJob
from crawler.source import Source
from crawler.spiders.node import NodeSpider, job_argument
from notifier.outbox import DispatchReport
from storage import Database, Run, utcnow

from ...config import Settings
from ..crawl import RunSummary, finish, render_where_needed, start_runs
from . import egg
from .health import NodeBook
from .nodes import NodeError
from .placement import domain_of, ranked

log = logging.getLogger(__name__)
CANCEL_GRACE_SECONDS = 30.0


@dataclass
class Placed:
    job: CrawlJob
    node: str
    job_id: str
    lost_since: float | None = None


def crawl_on_nodes(
    settings: Settings,
    sources: list[Source],
    *,
    db: Database,
    stop: threading.Event | None = None,
    scheduled_at: datetime | None = None,
    time_limit: float | None = None,
) -> tuple[list[RunSummary], DispatchReport]:
    """Crawl the sources on the nodes, wait for every run to end, then detect and notify."""
    book, version = NodeBook(settings, db), egg.version()
    jobs = start_runs(db, sources, scheduled_at)
    deadline = time.monotonic() + (time_limit or settings.crawl_time_limit)

    def run_on_nodes(chosen: list[CrawlJob]) -> str | None:
        second_pass = chosen is not jobs
        placed = [p for job in chosen if (p := _place(book, settings, db, job, version, second_pass)) is not None]
        _wait(book, settings, db, placed, deadline, stop)
        return "interrupted" if stop is not None and stop.is_set() else None

    forced = run_on_nodes(jobs)
    if forced is None:
        forced = render_where_needed(db, jobs, run_on_nodes)
    book.review()
    return finish(db, settings, [job.run_id for job in jobs], forced)


def _place(
    book: NodeBook, settings: Settings, db: Database, job: CrawlJob, version: str, second_pass: bool
) -> Placed | None:
    """Schedule the job on its domain's first node that takes it; a run no node takes fails."""
    cluster = settings.cluster
    argument = job_argument(
        job.source,
        job.source_id,
        job.run_id,
        settings.crawl,
        job.render,
        settings.crawl_memory_limit_mb,
        second_pass=second_pass,
    )
    refusals = []
    for url in ranked(domain_of(job.source), cluster.nodes):
        if book.is_down(url):
            continue
        job_id = uuid.uuid4().hex
        try:
            book.node(url).schedule(cluster.project, NodeSpider.name, version, job_id, job=argument)
        except NodeError as exc:
            book.failed(url, exc)
            refusals.append(str(exc))
            continue
        book.answered(url)
        with db.session() as session:
            run = session.get(Run, job.run_id)
            run.node, run.job_id = url, job_id
        log.info("%s: run %d on %s (job %s)", job.source.name, job.run_id, url, job_id)
        return Placed(job, url, job_id)
    _close(db, job.run_id, "failed", "no crawl node took it: " + ("; ".join(refusals) or "every node is down"))
    return None


def _wait(
    book: NodeBook,
    settings: Settings,
    db: Database,
    placed: list[Placed],
    deadline: float,
    stop: threading.Event | None,
) -> None:
    """Until every placed run is closed: by its crawl, or here (crashed, timeout, interrupted)."""
    cluster, cancelled_at = settings.cluster, None
    stop = stop or threading.Event()
    waiting = list(placed)
    while waiting:
        with db.session() as session:
            waiting = [p for p in waiting if session.get(Run, p.job.run_id).status == "running"]
        if not waiting:
            break
        if cancelled_at is None and (stop.is_set() or time.monotonic() > deadline):
            _cancel(book, cluster.project, waiting)  # the crawls close their runs as they stop
            cancelled_at = time.monotonic()
        if cancelled_at is not None and time.monotonic() > cancelled_at + CANCEL_GRACE_SECONDS:
            _cancel(book, cluster.project, waiting, "KILL")  # a crawl that would not stop
            break
        _look_for_lost(book, cluster.project, cluster.lost_job_seconds, db, waiting)
        stop.wait(cluster.poll_seconds)
    if cancelled_at is not None:
        status = "interrupted" if stop.is_set() else "timeout"
        why = "the scheduler is stopping" if stop.is_set() else f"the {settings.crawl_time_limit:.0f} s time limit"
        for p in placed:
            _close(db, p.job.run_id, status, f"cancelled: {why}", also=("interrupted",))


def _look_for_lost(book: NodeBook, project: str, lost_after: float, db: Database, waiting: list[Placed]) -> None:
    listed: dict[str, set[str] | None] = {}
    for url in {p.node for p in waiting}:
        try:
            jobs = book.node(url).jobs(project)
            listed[url] = {j["id"] for j in [*jobs["pending"], *jobs["running"]]}
            book.answered(url)
        except NodeError as exc:
            listed[url] = None
            book.failed(url, exc)
    now = time.monotonic()
    for p in waiting:
        if listed[p.node] is not None and p.job_id in listed[p.node]:
            p.lost_since = None
            continue
        p.lost_since = p.lost_since or now
        if now - p.lost_since >= lost_after:
            why = "stopped answering" if listed[p.node] is None else "no longer lists the job"
            _close(db, p.job.run_id, "crashed", f"node {p.node} {why} (job {p.job_id})")


def _cancel(book: NodeBook, project: str, waiting: list[Placed], signal: str = "INT") -> None:
    for p in waiting:
        try:
            book.node(p.node).cancel(project, p.job_id, signal)
        except NodeError as exc:
            log.warning("cannot cancel job %s on %s: %s", p.job_id, p.node, exc)


def _close(db: Database, run_id: int, status: str, error: str, also: tuple[str, ...] = ()) -> None:
    """Close a run the crawl did not close (only if it is still open: the crawl may just have);
    `also`: statuses to correct (a crawl cancelled at its time limit closes as "interrupted")."""
    with db.session() as session:
        run = session.get(Run, run_id)
        if run.status == "running" or run.status in also:
            run.status, run.error, run.finished_at = status, error, utcnow()
            log.warning("run %d %s: %s", run_id, status, error)
