"""The scheduler daemon, run for real in a subprocess against the local site."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from datetime import timedelta
from typing import ClassVar

import pytest
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from monitor.ops.alerts import Problem, problems
from monitor.ops.schedule import trigger
from storage import Change, OutboxMessage, Run, Version, utcnow
from storage.runs import NO_DOCUMENTS, ensure_source, start_run

from .conftest import POLICYWATCH

DAEMON_SETTINGS = (
    "\n[daemon]\nseed_poll_seconds = 0.5\njitter_seconds = 0\ngrace_seconds = 10\noutbox_retry_seconds = 1\n"
)


class Daemon:
    started: ClassVar[list[subprocess.Popen]] = []  # every daemon a test starts: ended after it, whatever happened

    def __init__(self, workspace, extra: str = "") -> None:
        workspace.config.write_text(
            workspace.config.read_text(encoding="utf-8") + DAEMON_SETTINGS + extra, encoding="utf-8"
        )
        self.workspace = workspace
        env = {**os.environ, "POLICYWATCH_CONFIG": str(workspace.config)}
        self.process = subprocess.Popen(
            [str(POLICYWATCH), "run"],
            env=env,
            cwd=workspace.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,  # its own process group: what it starts stays in it
        )
        Daemon.started.append(self.process)

    def runs(self, source: str | None = None) -> list[Run]:
        with self.workspace.db.session() as session:
            query = select(Run).options(joinedload(Run.source)).order_by(Run.id)
            return [r for r in session.scalars(query) if source is None or r.source.name == source]

    def wait_for(self, condition, timeout: float = 90.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            assert self.process.poll() is None, f"the daemon died:\n{self.process.stderr.read()}"
            time.sleep(0.3)
        raise AssertionError(f"timed out; runs: {[(r.source.name, r.status) for r in self.runs()]}")

    def stop(self) -> tuple[int, float, str]:
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        _, err = self.process.communicate(timeout=120)
        return self.process.returncode, time.monotonic() - started, err

    def crawling_pid(self) -> int | None:
        """The crawl process, as a running run records it."""
        return next((r.pid for r in self.runs() if r.status == "running" and r.pid), None)

    def group_left(self) -> list[str]:
        """Processes still running in the daemon's process group (its crawl process, store
        workers…); an exited one its parent has not reaped yet runs nothing."""
        table = subprocess.run(["ps", "-eo", "pid=,pgid=,stat=,args="], capture_output=True, text=True).stdout
        rows = [line.split(None, 3) for line in table.splitlines()]
        return [" ".join(row) for row in rows if row[1] == str(self.process.pid) and not row[2].startswith("Z")]


@pytest.fixture
def only(workspace):
    """Keep a single source, kjfw, on a seconds-long schedule."""
    for path in workspace.seeds.glob("*.toml"):
        path.unlink()
    workspace.write_seed("kjfw", f'start_urls = ["{workspace.site.listing_url("kjfw")}"]\nschedule = "every 2s"\n')
    return workspace


def test_sources_run_on_schedule_and_a_new_seed_is_picked_up(only, site):
    site.publish("kjfw", "wansheng-plan")
    site.publish("nx-kjt", "nx-kjt-draft")
    daemon = Daemon(only)
    daemon.wait_for(lambda: len([r for r in daemon.runs("kjfw") if r.status == "ok"]) >= 2)
    only.write_seed("nx-kjt", f'start_urls = ["{site.listing_url("nx-kjt")}"]\nschedule = "every 3s"\n')

    daemon.wait_for(lambda: [r for r in daemon.runs("nx-kjt") if r.status == "ok"])
    code, _seconds, _err = daemon.stop()

    assert code == 0
    runs = daemon.runs()
    # A crawl running when SIGTERM came may end "interrupted"; all others ran to the end.
    assert all(r.status == "ok" for r in runs if r.status != "interrupted")
    assert all(r.scheduled_at is not None and r.started_at >= r.scheduled_at for r in runs)
    assert {c["kind"] for c in only.changes()} == {"new"} and len(only.changes()) == 2
    status = only.cli("status").stdout
    assert "kjfw" in status and "nx-kjt" in status and "ok" in status


def test_a_run_an_earlier_scheduler_left_open_is_closed_as_crashed(only, site):
    site.publish("kjfw", "wansheng-plan")
    with only.db.session() as session:
        source = ensure_source(session, "kjfw", "")
        left = start_run(session, source)
        left.started_at = utcnow() - timedelta(hours=3)  # crawl_time_limit is 120 s here
        recent = start_run(session, source)  # could still be running somewhere: left alone
        left_id, recent_id = left.id, recent.id
    daemon = Daemon(only)
    daemon.wait_for(lambda: [r for r in daemon.runs() if r.id == left_id and r.status == "crashed"])
    daemon.stop()
    [left_run] = [r for r in daemon.runs() if r.id == left_id]
    [recent_run] = [r for r in daemon.runs() if r.id == recent_id]
    assert "abandoned" in left_run.error and recent_run.status == "running"


def test_a_crashed_crawl_is_recorded_and_the_daemon_goes_on(only, site):
    site.publish("kjfw", "wansheng-plan")
    site.delay = 0.5
    daemon = Daemon(only)
    os.kill(daemon.wait_for(daemon.crawling_pid), signal.SIGKILL)

    daemon.wait_for(lambda: any(r.status == "crashed" for r in daemon.runs()))
    daemon.wait_for(lambda: any(r.status == "ok" for r in daemon.runs()))
    code, _seconds, _err = daemon.stop()

    crashed = next(r for r in daemon.runs() if r.status == "crashed")
    assert "SIGKILL" in crashed.error and crashed.finished_at is not None
    assert code == 0


def test_a_hung_crawl_stops_at_its_limit_and_ops_hear_once_then_recovered(only, site, mail):
    site.publish("kjfw", "wansheng-plan")
    site.delay = 20  # every answer takes longer than the crawl may
    only.config.write_text(
        only.config.read_text(encoding="utf-8").replace("crawl_time_limit = 120", "crawl_time_limit = 3"),
        encoding="utf-8",
    )
    daemon = Daemon(only, "\n[alerts]\nops_email = 'ops@example.org'\nafter_failures = 2\n")
    daemon.wait_for(lambda: len([r for r in daemon.runs() if r.status == "timeout"]) >= 2)
    site.delay = 0
    daemon.wait_for(lambda: [r for r in daemon.runs() if r.status == "ok"])
    daemon.wait_for(lambda: any("recovered" in (m["Subject"] or "") for m in mail.messages()))
    daemon.stop()

    subjects = [m["Subject"] for m in mail.messages() if m["To"] == "ops@example.org"]
    assert subjects.count("[policywatch ops] kjfw: stuck") == 1, subjects  # one alert per incident, not per run
    assert subjects.count("[policywatch ops] kjfw: failing") == 1, subjects
    assert "[policywatch ops] kjfw: recovered (stuck)" in subjects


def test_sigterm_during_a_crawl_stops_cleanly_and_loses_nothing(only, site, mail):
    only.cli("subscribe", "reader@example.org")
    for name in ("wansheng-plan", "alxa-opinion", "nx-kjt-draft", "yunnan-opinion", "dabancheng-draft"):
        site.publish("kjfw", name)
    site.delay = 0.7
    daemon = Daemon(only)
    daemon.wait_for(lambda: any(r.status == "running" for r in daemon.runs()))
    time.sleep(2)

    code, seconds, err = daemon.stop()

    assert code == 0 and seconds < 30
    runs = daemon.runs()
    # Each run finished or was stopped with what it had; one queued in the last slot waits for the next start.
    assert {r.status for r in runs} <= {"ok", "interrupted", "queued"}, [(r.status, r.error) for r in runs]
    assert all(r.finished_at is not None for r in runs if r.status != "queued"), err
    assert not daemon.group_left()
    with only.db.session() as session:
        changes = session.scalars(select(Change)).all()
        covered = {i for m in session.scalars(select(OutboxMessage)) for i in m.change_ids}
        assert {c.id for c in changes} == covered  # every event has its message
        for version in session.scalars(select(Version)):
            assert version.text and version.document.current_version_id == version.id


def test_schedules_parse_or_say_why():
    assert trigger("every 6h").interval.total_seconds() == 6 * 3600
    assert trigger("every 90s", jitter=30).jitter == 9  # jitter never exceeds a tenth of the interval
    assert "hour='*/6'" in repr(trigger("0 */6 * * *"))
    for bad in ("hourly", "every 0s", "61 * * * *", "every six hours"):
        with pytest.raises(ValueError, match="schedule"):
            trigger(bad)


def test_problems_from_run_history():
    def run(status: str, error: str | None = None) -> Run:
        return Run(status=status, error=error or f"{status}!", started_at=None)

    assert problems([run("failed"), run("failed"), run("ok")], 2) == [
        Problem("failing", "2 runs in a row have failed; the last: failed!")
    ]
    empty = run("failed", NO_DOCUMENTS + ", with a browser too")
    assert [p.kind for p in problems([empty], 3)] == ["empty_listing"]  # at once, on the first run
    assert [p.kind for p in problems([empty, run("ok")], 3)] == ["empty_listing"]
    assert problems([run("ok"), empty, empty], 2) == []
