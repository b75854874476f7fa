"""What `policywatch status` and `runs` report: the health of each source, and the run history."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime

from sqlalchemy import Column, Float, MetaData, Row, String, Table, inspect, select
from sqlalchemy.orm import Session

from crawler.source import Source
from storage import Run
from storage import Source as SourceRow
from storage.models import Incident
from storage.runqueue import is_open

from ..present import iso
from .schedule import JOB_TABLE


def run_to_dict(run: Run | Row, source: str | None = None) -> dict:
    """A run as plain data; a row from _run is given its source's name."""
    return {
        "id": run.id,
        "source": source or run.source.name,
        "status": run.status,
        "started_at": iso(run.started_at),
        "finished_at": iso(run.finished_at),
        "scheduled_at": iso(run.scheduled_at),
        "pages_fetched": run.pages_fetched,
        "documents_found": run.documents_found,
        "new": run.documents_new,
        "changed": run.documents_changed,
        "removed": run.documents_removed,
        "http_errors": run.http_errors,
        "error": run.error,
        "node": run.node,  # the queue it was crawled from: local:HOST, cli:…, or a Scrapyd node
        "job_id": run.job_id,  # its Scrapyd job, on a node
        "host": run.host,  # the machine and process that crawled it
        "pid": run.pid,
    }


def _next_runs(session: Session) -> dict[str, str]:
    """Next run time per source, from the daemon's job store (if a daemon ever ran here)."""
    if not inspect(session.get_bind()).has_table(JOB_TABLE):
        return {}
    jobs = Table(JOB_TABLE, MetaData(), Column("id", String), Column("next_run_time", Float))
    rows = session.execute(select(jobs.c.id, jobs.c.next_run_time).where(jobs.c.id.like("crawl:%"))).all()
    return {job_id[6:]: iso(datetime.fromtimestamp(at, UTC).replace(tzinfo=None)) or "" for job_id, at in rows if at}


_RUN_COLUMNS = [
    getattr(Run, c)
    for c in (
        "id",
        "status",
        "started_at",
        "finished_at",
        "scheduled_at",
        "pages_fetched",
        "documents_found",
        "documents_new",
        "documents_changed",
        "documents_removed",
        "http_errors",
        "error",
        "node",
        "job_id",
        "host",
        "pid",
    )
]


def _last_runs(session: Session, sources: list[SourceRow]) -> dict[int, Row]:
    """Each source's newest closed run, as its row names it (storage.runs.close_run keeps it)."""
    ids = [row.last_run_id for row in sources if row.last_run_id]
    if not ids:
        return {}
    return {run.id: run for run in session.execute(select(*_RUN_COLUMNS).where(Run.id.in_(ids)))}


def _open_runs(session: Session) -> dict[int, str]:
    """The state of each source's open run (queued or running): few rows, read by ix_runs_open."""
    query = select(Run.source_id, Run.status).where(is_open()).order_by(Run.id)
    return {source_id: state for source_id, state in session.execute(query)}


def _all_open_incidents(session: Session) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = defaultdict(list)
    for incident in session.scalars(select(Incident).where(Incident.closed_at.is_(None)).order_by(Incident.id)):
        found[incident.source_id].append(
            {"kind": incident.kind, "since": iso(incident.opened_at), "detail": incident.detail}
        )
    return found


def source_status(session: Session, sources: list[Source]) -> list[dict]:
    """Each source's health from its row's summary: five queries for all sources, so that
    status costs the same after a year of runs as after a week."""
    next_runs, incidents, running = _next_runs(session), _all_open_incidents(session), _open_runs(session)
    rows = {row.name: row for row in session.scalars(select(SourceRow))}
    last_runs = _last_runs(session, list(rows.values()))
    report = []
    for source in sources:
        row = rows.get(source.name)
        last = last_runs.get(row.last_run_id or 0) if row else None
        report.append(
            {
                "source": source.name,
                "title": source.title,
                "enabled": source.enabled,
                "schedule": source.schedule,
                "render": source.render
                if source.render != "auto"
                else (row.render if row and row.render else "static"),
                "running": running.get(row.id) if row else None,
                "last_run": run_to_dict(last, source.name) if last else None,
                "next_run": next_runs.get(source.name),
                "documents": row.documents if row else 0,
                "consecutive_failures": row.failures_in_row if row else 0,
                "incidents": incidents.get(row.id, []) if row else [],
            }
        )
    return report


def status_lines(report: list[dict]) -> list[str]:
    lines = []
    for item in report:
        last = item["last_run"]
        state = (
            f"{item['running']} now"
            if item["running"]
            else "never run"
            if last is None
            else (
                f"last run {last['started_at']} {last['status']}: {last['pages_fetched']} pages, {last['new']} new, "
                f"{last['changed']} changed, {last['removed']} removed"
                + (f" (on {last['node']})" if last["node"] and not last["node"].startswith("cli:") else "")
            )
        )
        failing = f"; {item['consecutive_failures']} failures in a row" if item["consecutive_failures"] else ""
        lines.append(f"{item['source']:<16} {state}{failing}")
        nxt = item["next_run"] or ("disabled" if not item["enabled"] else "not scheduled (no daemon yet)")
        browser = "; renders in a browser" if item["render"] == "browser" else ""
        lines.append(
            f"{'':16} next run: {nxt}; {item['documents']} documents watched; schedule {item['schedule']}{browser}"
        )
        for incident in item["incidents"]:
            lines.append(f"{'':16} ! {incident['kind']} since {incident['since']}: {incident['detail']}")
    return lines
