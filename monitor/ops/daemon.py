"""`policywatch run`: the scheduler daemon.

APScheduler 3.11 keeps the jobs in our database (its SQLAlchemy job store), one job per source
with an explicit id, so schedules survive restarts; misfired runs after downtime coalesce into
one; a source never has two crawls at once (max_instances=1), and sources sharing a domain take
turns, so per-domain politeness holds across them. Each crawl runs in its own process (forked
from a forkserver that has Scrapy imported) with a time limit; a crash or hang is a failed run,
never the daemon's end. A second daemon on the same database stands by (leader.py). Seed files
added, edited or removed are picked up on SIGHUP or by polling the folder. SIGTERM/SIGINT stop
new crawls and give running ones a grace period.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import time
from collections import defaultdict
from contextlib import ExitStack
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy import select

from crawler.source import Source
from notifier.outbox import dispatch
from storage import Database, search, utcnow
from storage import Source as SourceRow
from storage.retention import duration, prune_fetches

from ..config import ConfigError, load_settings, load_sources
from ..detect import similarity
from . import alerts, periodic
from .crawl import channels, close_abandoned_runs, crawl
from .leader import Leadership
from .schedule import JOB_TABLE, trigger

log = logging.getLogger(__name__)
_daemon: Daemon | None = None


def crawl_source(name: str) -> None:
    """The scheduled job (module-level, so the job store can pickle a reference to it)."""
    if _daemon is not None:
        _daemon.crawl_one(name)


def dispatch_outbox() -> None:
    if _daemon is not None:
        dispatch(_daemon.db, channels(_daemon.settings))


def send_on_the_clock() -> None:
    """Digests that are due and today's deadline reminders, composed then sent."""
    if _daemon is not None:
        written = periodic.send_digests(_daemon.db, _daemon.settings)
        written += periodic.send_reminders(_daemon.db, _daemon.settings)
        if written:
            dispatch(_daemon.db, channels(_daemon.settings))


def prune_history() -> None:
    """The retention policy: fetch rows of unchanged pages older than [storage] keep_fetches; and
    runs a dead scheduler left open."""
    if _daemon is not None:
        close_abandoned_runs(_daemon.db, _daemon.settings)
        keep = _daemon.settings.storage.keep_fetches
        pruned = prune_fetches(_daemon.db, utcnow() - duration(keep))
        log.info("pruned %d fetch rows older than %s", pruned, keep)


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
        self._domains: dict[str, threading.Lock] = defaultdict(threading.Lock)
        self._scheduled: dict[str, datetime] = {}
        self._seen_seeds = _seed_files(self.settings.seeds_dir)
        self.context = multiprocessing.get_context("forkserver")
        self.context.set_forkserver_preload(["crawler.process", "crawler.pipelines", "crawler.store_worker"])
        daemon = self.settings.daemon
        self.hosts = max(1, len(self.settings.cluster.nodes))
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=self.db.engine, tablename=JOB_TABLE)},
            # Crawls at once per crawling host (this one, or each node), and room for the other jobs.
            executors={"default": ThreadPoolExecutor(daemon.max_parallel_crawls * self.hosts + 3)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=daemon.timezone,
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
                replace_existing=True,
            )
            log.info("scheduled %s", label)
        self.scheduler.add_job(
            dispatch_outbox,
            "interval",
            seconds=daemon.outbox_retry_seconds,
            id="outbox",
            name="send pending messages",
            replace_existing=True,
        )
        self.scheduler.add_job(
            send_on_the_clock,
            "interval",
            minutes=1,  # digest hours are minutes, so a digest is at most a minute late
            id="digests",
            name="compose due digests and deadline reminders",
            replace_existing=True,
        )
        self.scheduler.add_job(
            prune_history,
            "interval",
            days=1,
            id="prune",
            name="prune old fetch rows of unchanged pages",
            replace_existing=True,
        )
        self.scheduler.add_job(
            update_index,
            "interval",
            seconds=daemon.index_seconds,
            id="index",
            name="update the related-documents and search indexes",
            replace_existing=True,
        )

    def reload_seeds(self) -> None:
        try:
            settings = load_settings(self.config)
            sources = {s.name: s for s in load_sources(settings.seeds_dir)}
        except ConfigError as exc:
            log.error("seed files not reloaded: %s", exc)  # keep the schedule that works
            return
        self.settings, self.sources = settings, sources
        self.sync_jobs()

    def crawl_one(self, name: str) -> None:
        source = self.sources.get(name)
        if source is None or self.stopping.is_set():
            return
        job_id = f"crawl:{name}"
        deadline = time.monotonic() + 1
        while job_id not in self._scheduled and time.monotonic() < deadline:  # the submission event is racing us
            time.sleep(0.01)
        scheduled_at = self._scheduled.pop(job_id, None)
        with ExitStack() as held:
            for host in sorted(source.hosts):  # one crawl per domain at a time, in a fixed order
                while not self._domains[host].acquire(timeout=1):
                    if self.stopping.is_set():
                        return
                held.callback(self._domains[host].release)
            try:
                summaries, _ = crawl(
                    self.settings,
                    [source],
                    db=self.db,
                    stop=self.stopping,
                    context=self.context,
                    scheduled_at=scheduled_at,
                    grace=self.settings.daemon.grace_seconds,
                )
                for summary in summaries:
                    log.info(summary.line())
            except Exception:  # the daemon outlives any one crawl
                log.exception("crawl of %s failed", name)
            self._review(name)

    def _review(self, name: str) -> None:
        alert = self.settings.alerts
        with self.db.session() as session:
            row = session.scalar(select(SourceRow).where(SourceRow.name == name))
            if row is not None:
                alerts.review(session, row, alert.ops_email, alert.after_failures)
        dispatch(self.db, channels(self.settings))

    # -- running -----------------------------------------------------------------------------

    def _signal(self, signum: int, _frame: object) -> None:
        if signum == signal.SIGHUP:
            self.reload.set()
        else:
            self.stopping.set()

    def run(self) -> int:
        global _daemon
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._signal)
        leadership = Leadership(self.db)
        if not leadership.acquire(self.stopping, self.settings.daemon.failover_seconds):
            return 0  # stopped while standing by
        _daemon = self
        if abandoned := close_abandoned_runs(self.db, self.settings):
            log.warning("%d runs left open by an earlier scheduler are closed as crashed", abandoned)
        self.scheduler.start(paused=True)
        self.sync_jobs()
        self.scheduler.resume()
        log.info("policywatch daemon started: %d sources, database %s", len(self.sources), self.db.url)
        last_poll = time.monotonic()
        while not self.stopping.wait(0.5):
            if not leadership.still_held():
                log.error("lost the scheduler lock (the database connection dropped): stopping, never two leaders")
                self.stopping.set()
                break
            polling = time.monotonic() - last_poll >= self.settings.daemon.seed_poll_seconds
            if not (polling or self.reload.is_set()):
                continue
            last_poll = time.monotonic()
            seeds = _seed_files(self.settings.seeds_dir)
            if self.reload.is_set() or seeds != self._seen_seeds:
                self.reload.clear()
                self._seen_seeds = seeds
                self.reload_seeds()
        log.info("stopping: no new crawls; running crawls get %.0f s", self.settings.daemon.grace_seconds)
        self.scheduler.pause()
        self.scheduler.shutdown(wait=True)
        leadership.release()
        _daemon = None
        log.info("stopped at %s", utcnow())
        return 0
