"""Crawls on Scrapyd nodes: the scheduler's side.

A source's run is queued for the first node of its domain's rendezvous order that passes its
end-to-end check (check.py: it answers, runs the project, reaches the database, runs this
scheduler's code), so a domain is crawled from one node and Scrapy's per-domain politeness stays
whole. Each node with queued runs has one feed job (`scrapy crawl
node`, crawler/spiders/node.py): the daemon's lives on, a `policywatch crawl`'s ends with its
queue; a job already running there (an earlier leader's) is adopted, never doubled. The crawl on
the node claims its runs, keeps their time limits and closes them with their counts; here, a run
whose job its node no longer lists, or whose node stopped answering, is crashed after
[cluster] lost_job_seconds, and the queued runs of a node that refuses are moved to the next one.
"""

from __future__ import annotations

import logging
import time
import uuid

from sqlalchemy import select

from crawler.source import Source
from crawler.spiders.node import NodeSpider, job_argument
from storage import Database, Run
from storage.runqueue import QUEUED, RUNNING, in_state
from storage.runs import close_run

from ...config import Settings
from .check import check_node
from .health import NodeBook
from .nodes import NodeError
from .placement import domain_of, ranked

log = logging.getLogger(__name__)
RECHECK_SECONDS = 300.0


class NodeRunner:
    def __init__(self, settings: Settings, db: Database, *, once: bool) -> None:
        self.settings, self.db, self.once = settings, db, once
        self.cluster = settings.cluster
        self.book = NodeBook(settings, db)
        self.jobs: dict[str, str] = {}  # node → the feed job serving its queue
        self.lost_since: dict[int, float] = {}
        self.checked: dict[str, float] = {}  # node → when it was last checked end to end

    # -- placing -----------------------------------------------------------------------------

    def _usable(self, url: str) -> bool:
        """The node passed its end-to-end check (check.py): once per runner, and again after
        RECHECK_SECONDS while it fails."""
        last = self.checked.get(url)
        if last is None or (self.book.is_down(url) and time.monotonic() - last > RECHECK_SECONDS):
            self.checked[url] = time.monotonic()
            try:
                check_node(url, self.book.node(url), self.cluster.project, self.db)
                self.book.answered(url)
            except NodeError as exc:
                self.book.failed(url, exc)
        return not self.book.is_down(url)

    def node_for(self, source: Source) -> str:
        order = ranked(domain_of(source), self.cluster.nodes)
        return next((url for url in order if self._usable(url)), order[0])

    # -- serving -----------------------------------------------------------------------------

    def ensure(self) -> None:
        with self.db.session() as session:
            queued = {node for node in session.scalars(select(Run.node).where(in_state(QUEUED)).distinct()) if node}
        for url in sorted(queued & set(self.cluster.nodes)):
            if not self._serving(url) and not self._schedule(url):
                self._move_queue(url)

    def _serving(self, url: str) -> bool:
        """A feed job of ours is pending or running there (ours, or an earlier leader's)."""
        try:
            jobs = self.book.node(url).jobs(self.cluster.project)
        except NodeError as exc:
            self.book.failed(url, exc)
            return False
        live = [job for job in [*jobs["pending"], *jobs["running"]] if job.get("spider") == NodeSpider.name]
        if self.jobs.get(url) in {job["id"] for job in live}:
            return True
        if live:
            self.jobs[url] = live[0]["id"]
            return True
        return False

    def _schedule(self, url: str) -> bool:
        if self.book.is_down(url) or not self._usable(url):
            return False
        job_id = uuid.uuid4().hex
        options = {
            "time_limit": self.settings.crawl_time_limit,
            "memory_limit_mb": self.settings.crawl_memory_limit_mb,
            "sources_in_flight": self.settings.daemon.max_parallel_crawls,
            "recycle_hours": self.settings.daemon.recycle_hours,
        }
        argument = job_argument(url, self.settings.crawl, options, once=self.once)
        try:
            self.book.node(url).schedule(self.cluster.project, NodeSpider.name, job_id, job=argument)
        except NodeError as exc:
            self.book.failed(url, exc)
            return False
        self.book.answered(url)
        self.jobs[url] = job_id
        log.info("feed job %s on %s", job_id, url)
        return True

    def _move_queue(self, url: str) -> None:
        """The node will not serve its queue: each run goes to the next node of its domain."""
        with self.db.session() as session:
            for run in session.scalars(select(Run).where(in_state(QUEUED), Run.node == url)):
                source = Source.model_validate((run.spec or {}).get("source", {}))
                order = [n for n in ranked(domain_of(source), self.cluster.nodes) if n != url]
                target = next((n for n in order if self._usable(n)), None)
                if target is None:
                    why = "no crawl node took it: " + "; ".join(str(e) for e in self.book.problems.values())
                    close_run(session, run, "failed", why)
                else:
                    run.node = target

    # -- lost runs ---------------------------------------------------------------------------

    def close_lost(self) -> int:
        with self.db.session() as session:
            running = list(session.scalars(select(Run).where(in_state(RUNNING), Run.node.in_(self.cluster.nodes))))
        listed: dict[str, set[str] | None] = {}
        for url in {run.node for run in running if run.node}:
            try:
                jobs = self.book.node(url).jobs(self.cluster.project)
                listed[url] = {j["id"] for j in [*jobs["pending"], *jobs["running"]]}
                self.book.answered(url)
            except NodeError as exc:
                listed[url] = None
                self.book.failed(url, exc)
        crashed, now = 0, time.monotonic()
        for run in running:
            seen = listed.get(run.node or "")
            if seen is not None and run.job_id in seen:
                self.lost_since.pop(run.id, None)
                continue
            since = self.lost_since.setdefault(run.id, now)
            if now - since >= self.cluster.lost_job_seconds:
                why = "stopped answering" if seen is None else "no longer lists the job"
                crashed += _crash(self.db, run.id, f"node {run.node} {why} (job {run.job_id})")
        return crashed

    def stop(self, grace: float) -> None:
        """A crawl asked for now is stopped: its jobs close their runs as interrupted."""
        if not self.once:
            return
        for url, job_id in self.jobs.items():
            try:
                self.book.node(url).cancel(self.cluster.project, job_id)
            except NodeError as exc:
                log.warning("cannot cancel job %s on %s: %s", job_id, url, exc)

    def review(self) -> None:
        self.book.review()


def _crash(db: Database, run_id: int, error: str) -> int:
    with db.session() as session:
        run = session.get(Run, run_id)
        if run is None or run.status != RUNNING:
            return 0
        close_run(session, run, "crashed", error)
        log.warning("run %d crashed: %s", run_id, error)
        return 1
