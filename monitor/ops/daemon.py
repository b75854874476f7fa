"""`policywatch run`: the scheduler daemon.

APScheduler 3.11 keeps the jobs in our database (its SQLAlchemy job store), one job per source
with an explicit id, so schedules survive restarts; misfired runs after downtime coalesce into
one. A source's slot only queues its run (storage/runqueue.py) — skipped while its last run is
still open — so a trigger never waits on a crawl. The crawl itself is one long-lived process per
crawling host (this one, or each Scrapyd node: monitor/ops/runner.py) that crawls every queued
run at once, with politeness per domain from Scrapy's slots; the daemon keeps it running,
crashes the runs whose process is gone, and detects and notifies as each run closes (a thread of
its own). Sending mail and other periodic jobs have their own pool. A second daemon on the same
database stands by (leader.py). Seed files added, edited or removed are picked up on SIGHUP or by
polling the folder. SIGTERM/SIGINT: no new runs; the crawl process closes its runs as
interrupted within the grace period.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from crawler.source import Source
from notifier.channels import channels
from notifier.outbox import dispatch
from storage import Database, Run, search, utcnow
from storage import Source as SourceRow
from storage.retention import duration, prune_fetches
from storage.runqueue import OPEN, QUEUED, in_state, requeue

from ..config import ConfigError, load_settings, load_sources
from ..detect import similarity
from . import alerts, periodic
from .crawl import finish, queue_sources, runner_for
from .leader import Leadership
from .runner import local_node
from .schedule import JOB_TABLE, trigger
from .stale import close_abandoned_runs

log = logging.getLogger(__name__)
_daemon: Daemon | None = None
LOOP_SECONDS = 0.5


def crawl_source(name: str) -> None:
    """The scheduled job (module-level, so the job store can pickle a reference to it)."""
    if _daemon is not None:
        _daemon.queue(name)


def dispatch_outbox() -> None:
    if _daemon is not None:
        dispatch(_daemon.db, channels(_daemon.settings.smtp))


def send_on_the_clock() -> None:
    """Digests that are due, today's deadline reminders and what expired, composed then sent."""
    if _daemon is not None:
        written = periodic.send_digests(_daemon.db, _daemon.settings)
        written += periodic.send_reminders(_daemon.db, _daemon.settings)
        written += periodic.send_expiries(_daemon.db, _daemon.settings)
        if written:
            dispatch(_daemon.db, channels(_daemon.settings.smtp))


def prune_history() -> None:
    """The retention policy: fetch rows of unchanged pages older than [storage] keep_fetches; and
    runs a dead scheduler left open."""
    if _daemon is not None:
        close_abandoned_runs(_daemon.db, _daemon.settings)
        keep = _daemon.settings.storage.keep_fetches
        pruned = prune_fetches(_daemon.db, utcnow() - duration(keep))
        log.info("pruned %d fetch rows older than %s", pruned, keep)
        _daemon.db.checkpoint()


def update_index() -> None:
    """Keep the related-documents and full-text indexes up to date between crawls."""
    if _daemon is not None:
        with _daemon.db.session() as session:
            similarity.update_index(session)
        _daemon.freshen_search(_daemon.db)


def _seed_files(folder: Path) -> dict[str, float]:
    return {p.name: p.stat().st_mtime for p in folder.glob("*.toml")} if folder.is_dir() else {}


class Daemon:
    def __init__(self, config: str | Path | None) -> None:
        self.config = config
        self.settings = load_settings(config)
        self.sources: dict[str, Source] = {s.name: s for s in self.settings.sources()}
        self.db = Database(self.settings.database_url)
        self.stopping = threading.Event()
        self.freshen_search = search.Freshener()
        self.reload = threading.Event()
        self._scheduled: dict[str, datetime] = {}
        self._seen_seeds = _seed_files(self.settings.seeds_dir)
        self.node = local_node()
        self.runner = runner_for(self.settings, self.db, once=False, node=self.node)
        self.finished = threading.Event()  # the finisher thread has ended
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.db.engine, tablename=JOB_TABLE)},
            # Queueing runs is quick but never shares a pool with sending mail or pruning.
            executors={"default": ThreadPoolExecutor(4), "queue": ThreadPoolExecutor(2)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=self.settings.daemon.timezone,
        )
        self.scheduler.add_listener(self._submitted, EVENT_JOB_SUBMITTED)

    # -- jobs --------------------------------------------------------------------------------

    def _submitted(self, event: JobSubmissionEvent) -> None:
        if event.job_id.startswith("crawl:") and event.scheduled_run_times:
            self._scheduled[event.job_id] = event.scheduled_run_times[-1].astimezone(UTC).replace(tzinfo=None)

    def sync_jobs(self) -> None:
        """Make the job store match the seed files: add, reschedule or remove crawl jobs."""
        daemon = self.settings.daemon
        wanted = {f"crawl:{s.name}": s for s in self.sources.values() if s.enabled}
        for job in self.scheduler.get_jobs():
            if job.id.startswith("crawl:") and job.id not in wanted:
                log.info("source %s removed: its job goes", job.id[6:])
                job.remove()
        existing = {job.id: job for job in self.scheduler.get_jobs()}
        for job_id, source in wanted.items():
            label = f"crawl {source.name} ({source.schedule})"
            if job_id in existing and existing[job_id].name == label:
                continue
            self.scheduler.add_job(
                crawl_source,
                trigger(source.schedule, jitter=daemon.jitter_seconds, timezone=daemon.timezone),
                id=job_id,
                name=label,
                args=[source.name],
                executor="queue",
                replace_existing=True,
            )
            log.info("scheduled %s", label)
        periodic_jobs: list[tuple[Callable[[], object], dict[str, float], str, str]] = [
            (dispatch_outbox, {"seconds": daemon.outbox_retry_seconds}, "outbox", "send pending messages"),
            (send_on_the_clock, {"minutes": 1}, "digests", "compose due digests and deadline reminders"),
            (prune_history, {"days": 1}, "prune", "prune old fetch rows of unchanged pages"),
            (update_index, {"seconds": daemon.index_seconds}, "index", "update the related and search indexes"),
        ]
        for function, every, job_id, name in periodic_jobs:
            self.scheduler.add_job(function, "interval", **every, id=job_id, name=name, replace_existing=True)

    def reload_seeds(self) -> None:
        try:
            settings = load_settings(self.config)
            sources = {s.name: s for s in load_sources(settings.seeds_dir)}
        except ConfigError as exc:
            log.error("seed files not reloaded: %s", exc)  # keep the schedule that works
            return
        self.settings, self.sources = settings, sources
        self.sync_jobs()

    def queue(self, name: str) -> None:
        """A source's slot: its run queued for its crawling host, unless its last is still open."""
        source = self.sources.get(name)
        if source is None or self.stopping.is_set():
            return
        job_id = f"crawl:{name}"
        deadline = time.monotonic() + 1
        while job_id not in self._scheduled and time.monotonic() < deadline:  # the submission event is racing us
            time.sleep(0.01)
        scheduled_at = self._scheduled.pop(job_id, None) or utcnow()
        limit = self.settings.crawl_time_limit
        _queued, skipped = queue_sources(self.db, [source], self.runner.node_for, limit, scheduled_at)
        for summary in skipped:
            log.info("%s: slot skipped, %s", name, summary.error)

    # -- finishing ---------------------------------------------------------------------------

    def finish_closed(self) -> int:
        """Detect and notify for the runs the crawl closed (this daemon's scheduled runs)."""
        with self.db.session() as session:
            closed = list(
                session.execute(
                    select(Run.id, Run.source_id)
                    .where(Run.changes_detected.is_(False), Run.status.notin_(OPEN), Run.scheduled_at.is_not(None))
                    .order_by(Run.id)
                )
            )
        if not closed:
            return 0
        summaries, _ = finish(self.db, self.settings, [run_id for run_id, _source in closed])
        for summary in summaries:
            log.info(summary.line())
        self._review({source_id for _run, source_id in closed})
        return len(closed)

    def _finisher(self) -> None:
        while not self.stopping.is_set():
            try:
                if not self.finish_closed():
                    self.stopping.wait(LOOP_SECONDS)
            except Exception:  # the daemon outlives any one detection
                log.exception("detecting the closed runs' changes failed; trying again")
                self.stopping.wait(5)
        self.finish_closed()  # what the crawl closed while stopping
        self.finished.set()

    def _review(self, source_ids: set[int]) -> None:
        alert = self.settings.alerts
        with self.db.session() as session:
            for row in session.scalars(select(SourceRow).where(SourceRow.id.in_(source_ids))):
                alerts.review(session, row, alert.ops_email, alert.after_failures)
        dispatch(self.db, channels(self.settings.smtp))

    # -- running -----------------------------------------------------------------------------

    def _signal(self, signum: int, _frame: object) -> None:
        if signum == signal.SIGHUP:
            self.reload.set()
        else:
            self.stopping.set()

    def _take_over(self) -> None:
        """Leading now: runs an earlier scheduler left, queued for another host's crawl process,
        are this host's; runs whose process is gone or that outlived any crawl are closed."""
        with self.db.session() as session:
            hosts = session.scalars(
                select(Run.node).where(in_state(QUEUED), Run.node.like("local:%"), Run.node != self.node)
            ).all()
            for other in {host for host in hosts if host}:
                requeue(session, other, self.node)
        if abandoned := close_abandoned_runs(self.db, self.settings):
            log.warning("%d runs left open by an earlier scheduler are closed as crashed", abandoned)

    def run(self) -> int:
        global _daemon
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._signal)
        leadership = Leadership(self.db)
        if not leadership.acquire(self.stopping, self.settings.daemon.failover_seconds):
            return 0  # stopped while standing by
        _daemon = self
        self._take_over()
        finisher = threading.Thread(target=self._finisher, name="policywatch-finish", daemon=True)
        finisher.start()
        self.scheduler.start(paused=True)
        self.sync_jobs()
        self.scheduler.resume()
        log.info("policywatch daemon started: %d sources, database %s", len(self.sources), self.db.url)
        self._loop(leadership)
        log.info("stopping: no new runs; the crawl gets %.0f s", self.settings.daemon.grace_seconds)
        self.scheduler.pause()
        self.runner.stop(self.settings.daemon.grace_seconds)
        self.runner.close_lost()
        self.finished.wait(60)
        self.scheduler.shutdown(wait=True)
        leadership.release()
        _daemon = None
        log.info("stopped at %s", utcnow())
        return 0

    def _loop(self, leadership: Leadership) -> None:
        last_poll = time.monotonic()
        while not self.stopping.wait(LOOP_SECONDS):
            if not leadership.still_held():
                log.error("lost the scheduler lock (the database connection dropped): stopping, never two leaders")
                self.stopping.set()
                break
            try:
                self.runner.ensure()
                self.runner.close_lost()
            except Exception:  # a node or the database away for a moment: the next turn tries again
                log.exception("the crawl process could not be checked")
            if time.monotonic() - last_poll >= self.settings.daemon.seed_poll_seconds or self.reload.is_set():
                last_poll = time.monotonic()
                seeds = _seed_files(self.settings.seeds_dir)
                if self.reload.is_set() or seeds != self._seen_seeds:
                    self.reload.clear()
                    self._seen_seeds = seeds
                    self.reload_seeds()
