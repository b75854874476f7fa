"""A run whose crawl process is gone is crashed by whoever looks first; a run of a process its
caller is about to reap is left to that caller, which alone learns how the process ended."""

from __future__ import annotations

import socket
import subprocess
import sys

from monitor.ops.stale import close_dead_runs
from storage import Database, Run
from storage.runs import ensure_source, start_run


def _gone_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_a_run_of_a_gone_process_is_crashed_with_its_reaper_s_reason_not_before(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'runs.db'}")
    pid = _gone_pid()
    with db.session() as session:
        run = start_run(session, ensure_source(session, "kjfw", ""))
        run.status, run.host, run.pid = "running", socket.gethostname(), pid
        run_id = run.id

    assert close_dead_runs(db, spare=frozenset({pid})) == 0
    assert close_dead_runs(db, {pid: "the crawl process ended (signal SIGKILL)"}) == 1
    with db.session() as session:
        closed = session.get(Run, run_id)
        assert closed is not None and closed.status == "crashed" and "SIGKILL" in (closed.error or "")
