"""Runs nobody will close. A run remembers the process crawling it: on this machine, a run whose
process is gone is crashed by the next command or daemon that looks (close_dead_runs). Runs on
another machine, or left by a scheduler that never gave them a process, are crashed once they
are older than any crawl could be (its time limit and the grace to stop): the backstop by age."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta

from sqlalchemy import select

from crawler.feed.identity import alive
from storage import Database, Run, utcnow
from storage.runqueue import RUNNING, in_state
from storage.runs import close_run

from ..config import Settings


def close_abandoned_runs(db: Database, settings: Settings, now: datetime | None = None) -> int:
    """Crash the runs still running past any crawl's time limit; how many."""
    oldest = (now or utcnow()) - timedelta(seconds=settings.crawl_time_limit + 2 * settings.daemon.grace_seconds + 60)
    with db.session() as session:
        abandoned = list(session.scalars(select(Run).where(in_state(RUNNING), Run.started_at < oldest)))
        for run in abandoned:
            close_run(session, run, "crashed", "abandoned: the scheduler that started it ended before it closed")
    return len(abandoned)


def close_dead_runs(db: Database, why: dict[int, str] | None = None, spare: frozenset[int] = frozenset()) -> int:
    """Runs a process on this machine claimed, whose process is gone: crashed, with the reason
    given for their pid or "its crawl process is gone". Runs of a `spare` pid are left to the
    caller, whose child it is and who learns how it ended once it reaps it."""
    host = socket.gethostname()
    with db.session() as session:
        running = session.scalars(select(Run).where(in_state(RUNNING), Run.host == host)).all()
        dead = [run for run in running if run.pid not in spare and not alive(run.pid, run.pid_started)]
        for run in dead:
            close_run(
                session, run, "crashed", (why or {}).get(run.pid or 0) or f"its crawl process ({run.pid}) is gone"
            )
    return len(dead)
