"""What `policywatch status` and `runs` report: the health of each source, and the run history."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Column, Float, MetaData, String, Table, func, inspect, select
from sqlalchemy.orm import Session

from crawler.source import Source
from storage import Run
from storage import Source as SourceRow
from storage.recording import count_documents

from ..present import iso
from .alerts import consecutive_failures, finished_runs, open_incidents
from .schedule import JOB_TABLE


def run_to_dict(run: Run) -> dict:
    return {
        "id": run.id,
        "source": run.source.name,
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
    }


def _next_runs(session: Session) -> dict[str, str]:
    """Next run time per source, from the daemon's job store (if a daemon ever ran here)."""
    if not inspect(session.get_bind()).has_table(JOB_TABLE):
        return {}
    jobs = Table(JOB_TABLE, MetaData(), Column("id", String), Column("next_run_time", Float))
    rows = session.execute(select(jobs.c.id, jobs.c.next_run_time).where(jobs.c.id.like("crawl:%"))).all()
    return {job_id[6:]: iso(datetime.fromtimestamp(at, UTC).replace(tzinfo=None)) for job_id, at in rows if at}


def source_status(session: Session, sources: list[Source]) -> list[dict]:
    next_runs = _next_runs(session)
    rows = {row.name: row for row in session.scalars(select(SourceRow))}
    report = []
    for source in sources:
        row = rows.get(source.name)
        runs = finished_runs(session, row.id) if row else []
        running = row is not None and session.scalar(
            select(func.count()).select_from(Run).where(Run.source_id == row.id, Run.status == "running")
        )
        incidents = [
            {"kind": i.kind, "since": iso(i.opened_at), "detail": i.detail}
            for i in (open_incidents(session, row.id) if row else [])
        ]
        report.append(
            {
                "source": source.name,
                "title": source.title,
                "enabled": source.enabled,
                "schedule": source.schedule,
                "running": bool(running),
                "last_run": run_to_dict(runs[0]) if runs else None,
                "next_run": next_runs.get(source.name),
                "documents": count_documents(session, row.id) if row else 0,
                "consecutive_failures": consecutive_failures(runs),
                "incidents": incidents,
            }
        )
    return report


def status_lines(report: list[dict]) -> list[str]:
    lines = []
    for item in report:
        last = item["last_run"]
        state = (
            "running now"
            if item["running"]
            else "never run"
            if last is None
            else (
                f"last run {last['started_at']} {last['status']}: {last['pages_fetched']} pages, {last['new']} new, "
                f"{last['changed']} changed, {last['removed']} removed"
            )
        )
        failing = f"; {item['consecutive_failures']} failures in a row" if item["consecutive_failures"] else ""
        lines.append(f"{item['source']:<16} {state}{failing}")
        nxt = item["next_run"] or ("disabled" if not item["enabled"] else "not scheduled (no daemon yet)")
        lines.append(f"{'':16} next run: {nxt}; {item['documents']} documents watched; schedule {item['schedule']}")
        for incident in item["incidents"]:
            lines.append(f"{'':16} ! {incident['kind']} since {incident['since']}: {incident['detail']}")
    return lines
