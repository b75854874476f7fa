"""Nothing waits on a slow host, and runs always end true: a host answering "503, come back in an
hour" defers its source to the next slot (recorded) instead of holding the crawl or another
source; SIGTERM to a `policywatch crawl` closes its runs as interrupted; after SIGKILL, the next
command that looks crashes the run whose process is gone."""

from __future__ import annotations

import os
import signal
import subprocess
import time

from sqlalchemy import select

from storage import Fetch, Run

from .conftest import POLICYWATCH
from .hostile import HostileSite, listing_page, policy_page
from .test_daemon import Daemon


def _runs(workspace, name: str | None = None) -> list[Run]:
    with workspace.db.session() as session:
        runs = list(session.scalars(select(Run).order_by(Run.id)))
        return [r for r in runs if name is None or r.source.name == name]


def test_a_long_retry_after_defers_the_run_and_says_why(workspace):
    with HostileSite() as busy:
        busy.page("/list/", "<h1>Service Unavailable</h1>", status=503, **{"Retry-After": "3600"})
        workspace.write_seed("busy", f'start_urls = ["{busy.url("/list/")}"]\n')

        [summary], _ = workspace.crawl("busy")

    assert summary.status == "deferred" and "Retry-After" in summary.error and "3600 s" in summary.error
    assert busy.asked.count("/list/") == 1  # asked once, never retried into the hour


def test_a_deferred_host_never_holds_up_a_healthy_source_in_the_daemon(workspace):
    with HostileSite() as busy, HostileSite() as healthy:
        busy.page("/list/", "<h1>Service Unavailable</h1>", status=503, **{"Retry-After": "3600"})
        healthy.page("/list/", listing_page([("/doc/1.html", "关于开展安全生产检查的通知")]))
        healthy.page("/doc/1.html", policy_page("关于开展安全生产检查的通知", "为做好安全生产工作"))
        for path in workspace.seeds.glob("*.toml"):
            path.unlink()
        workspace.write_seed("busy", f'start_urls = ["{busy.url("/list/")}"]\nschedule = "every 2s"\n')
        workspace.write_seed("healthy", f'start_urls = ["{healthy.url("/list/")}"]\nschedule = "every 2s"\n')
        daemon = Daemon(workspace)
        try:
            daemon.wait_for(lambda: len([r for r in daemon.runs("healthy") if r.status == "ok"]) >= 3)
            daemon.wait_for(lambda: [r for r in daemon.runs("busy") if r.status == "deferred"])
        finally:
            code, _seconds, _err = daemon.stop()
    assert code == 0
    assert {r.status for r in daemon.runs("busy")} <= {"deferred", "interrupted", "queued"}


def _crawl_in_background(workspace) -> subprocess.Popen:
    env = {**os.environ, "POLICYWATCH_CONFIG": str(workspace.config)}
    return subprocess.Popen(
        [str(POLICYWATCH), "crawl", "kjfw"],
        env=env,
        cwd=workspace.folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # a process group of its own, as a shell gives a job
    )


def _until(condition, what: str, timeout: float = 120.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _fetched(workspace) -> int:
    with workspace.db.session() as session:
        return len(session.scalars(select(Fetch.id)).all())


def test_sigterm_to_a_crawls_process_group_closes_its_runs_as_interrupted(workspace, site):
    for number in range(6):
        site.publish("kjfw", "wansheng-plan", path=f"/kjfw/slow{number}.html")
    site.delay = 0.5  # a document every 1.5 s at least: the crawl is still going when told to stop
    workspace.write_seed("kjfw", f'start_urls = ["{site.listing_url("kjfw")}"]\ndelay = 1\n')
    crawl = _crawl_in_background(workspace)
    _until(lambda: _fetched(workspace) >= 2, "the crawl to fetch")

    os.killpg(crawl.pid, signal.SIGTERM)
    out, err = crawl.communicate(timeout=120)

    [run] = _runs(workspace)
    assert run.status == "interrupted" and "stopped during the crawl" in run.error, (out, err)
    assert run.pages_fetched >= 2 and run.finished_at is not None and run.changes_detected
    assert "interrupted" in out and "Traceback" not in err


def test_after_sigkill_the_next_command_crashes_the_run_whose_process_is_gone(workspace, site):
    site.publish("kjfw", "wansheng-plan")
    site.delay = 1.0
    crawl = _crawl_in_background(workspace)
    _until(lambda: [r for r in _runs(workspace) if r.status == "running"], "the run to start")

    os.killpg(crawl.pid, signal.SIGKILL)
    crawl.wait(60)
    assert [r.status for r in _runs(workspace)] == ["running"]  # nobody closed it

    workspace.cli("status")

    [run] = _runs(workspace)
    assert run.status == "crashed" and "is gone" in run.error
