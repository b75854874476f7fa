"""The run queue: crawls waiting for a crawling host, claimed by the long-lived crawl process there.

A scheduler (the daemon, or a `policywatch crawl`) queues a run per source that is due, naming
the crawling host (the run's node) and carrying the seed it crawls; the crawl process of that host
claims queued runs as it has room, marking each with its own host, pid and the pid's start time,
and closes each when its crawl is done (recording.finish_run). A source never has two open runs:
a slot that comes while the last run is still queued or running is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, select, update
from sqlalchemy.orm import Session

from .db import changed_rows
from .models import OPEN_STATES, Run, Source, utcnow

QUEUED, RUNNING = OPEN = OPEN_STATES


def is_open() -> ColumnElement[bool]:
    """A run queued or running, written into the SQL as ix_runs_open states it (models.OPEN_RUNS):
    SQLite uses a partial index only for a query whose condition it sees is the index's, which a
    bound parameter hides."""
    return Run.status.in_(bindparam("open_states", list(OPEN), expanding=True, literal_execute=True))


def in_state(state: str) -> ColumnElement[bool]:
    """A run in this open state (queued or running), through ix_runs_open."""
    return and_(is_open(), Run.status == state)


@dataclass(frozen=True)
class ProcessId:
    """A process on a machine; pid_started tells a pid's reuse from its first owner."""

    host: str
    pid: int
    pid_started: int


def open_run(session: Session, source_id: int) -> Run | None:
    """The source's queued or running run, if it has one."""
    query = select(Run).where(Run.source_id == source_id, is_open()).order_by(Run.id.desc()).limit(1)
    return session.scalar(query)


def queue_run(
    session: Session, source: Source, spec: dict[str, Any], node: str, scheduled_at: datetime | None = None
) -> Run | None:
    """A run queued for node; None when the source has an open run already (the slot is skipped)."""
    if open_run(session, source.id) is not None:
        return None
    run = Run(source_id=source.id, status=QUEUED, spec=spec, node=node, scheduled_at=scheduled_at, started_at=utcnow())
    session.add(run)
    session.flush()
    return run


def claim_runs(session: Session, node: str, limit: int, process: ProcessId, job_id: str | None = None) -> list[Run]:
    """Up to limit of node's queued runs, oldest first, now running in this process. Each is
    claimed by a conditional update, so two processes never crawl one run."""
    if limit <= 0:
        return []
    candidates = session.scalars(
        select(Run.id).where(in_state(QUEUED), Run.node == node).order_by(Run.id).limit(limit)
    ).all()
    claimed = []
    for run_id in candidates:
        done = session.execute(
            update(Run)
            .where(Run.id == run_id, Run.status == QUEUED)
            .values(
                status=RUNNING,
                started_at=utcnow(),
                host=process.host,
                pid=process.pid,
                pid_started=process.pid_started,
                job_id=job_id,
            )
        )
        if changed_rows(done) == 1:
            claimed.append(run_id)
    return list(session.scalars(select(Run).where(Run.id.in_(claimed)).order_by(Run.id)))


def requeue_runs(session: Session, run_ids: list[int]) -> None:
    """Claimed runs a crawl process will not start after all: queued again, as they were."""
    session.execute(
        update(Run)
        .where(Run.id.in_(run_ids), Run.status == RUNNING)
        .values(status=QUEUED, host=None, pid=None, pid_started=None, job_id=None)
    )


def queued_count(session: Session, node: str) -> int:
    return len(session.scalars(select(Run.id).where(in_state(QUEUED), Run.node == node)).all())


def requeue(session: Session, from_node: str, to_node: str) -> int:
    """Move from_node's queued runs to to_node (a node down, a new leader's own host)."""
    moved = session.execute(update(Run).where(in_state(QUEUED), Run.node == from_node).values(node=to_node))
    return changed_rows(moved)


def running_of(session: Session, process: ProcessId) -> list[Run]:
    """The runs this process claimed and has not closed."""
    query = select(Run).where(in_state(RUNNING), Run.host == process.host, Run.pid == process.pid)
    return list(session.scalars(query))
