"""Ops alerts: a source failing run after run, a listing that names no documents (at once), a
crawl stuck past its time limit, pages flapping between versions.
One message when an incident opens, one when it closes."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import OutboxMessage, Run, Source, utcnow
from storage.models import Incident
from storage.runqueue import OPEN
from storage.runs import NO_DOCUMENTS, RECENT_RUNS, consecutive_failures

from ..detect.flapping import flapping_pages

HISTORY = RECENT_RUNS  # the newest closed runs judged: the failures in a row `status` shows count as far


@dataclass(frozen=True)
class Problem:
    kind: str
    detail: str


def problems(runs: list[Run], after_failures: int) -> list[Problem]:
    """What is wrong with a source now, judged by its finished runs, newest first."""
    if not runs:
        return []
    found = []
    failures = consecutive_failures(runs)
    if failures >= after_failures:
        found.append(
            Problem("failing", f"{failures} runs in a row have failed; the last: {runs[0].error or runs[0].status}")
        )
    if runs[0].status == "timeout":
        found.append(
            Problem("stuck", f"the run started {runs[0].started_at:%Y-%m-%d %H:%M} UTC was stopped at its time limit")
        )
    if runs[0].status == "failed" and (runs[0].error or "").startswith(NO_DOCUMENTS):
        # At once, not after N runs: the listing is read but names nothing (a new layout, a list
        # only scripts build and the browser could not read either, a login wall).
        found.append(Problem("empty_listing", f"{runs[0].error} (has the site changed its layout?)"))
    return found


def flapping_problem(session: Session, source_id: int) -> Problem | None:
    """Pages of the source serving two versions in turn (monitor/detect/flapping.py)."""
    pages = flapping_pages(session, source_id)
    if not pages:
        return None
    shown = "; ".join(f"{url} (since {since:%Y-%m-%d %H:%M} UTC)" for url, since in pages[:5])
    more = f" and {len(pages) - 5} more" if len(pages) > 5 else ""
    return Problem(
        "flapping",
        f"{len(pages)} page(s) flip between versions; their events wait until they settle: {shown}{more}",
    )


def finished_runs(session: Session, source_id: int) -> list[Run]:
    """The source's newest finished runs, newest first: enough to judge its health."""
    query = (
        select(Run).where(Run.source_id == source_id, Run.status.notin_(OPEN)).order_by(Run.id.desc()).limit(HISTORY)
    )
    return list(session.scalars(query))


def open_incidents(session: Session, source_id: int) -> list[Incident]:
    return list(session.scalars(select(Incident).where(Incident.source_id == source_id, Incident.closed_at.is_(None))))


def review(session: Session, source: Source, ops_email: str | None, after_failures: int) -> list[Incident]:
    """Open and close the source's incidents; queue one message per opening and per closing."""
    current = {p.kind: p for p in problems(finished_runs(session, source.id), after_failures)}
    flapping = flapping_problem(session, source.id)
    if flapping is not None:
        current[flapping.kind] = flapping
    open_ = {i.kind: i for i in open_incidents(session, source.id)}
    changed = []
    for kind, problem in current.items():
        if kind not in open_:
            incident = Incident(source_id=source.id, kind=kind, detail=problem.detail)
            session.add(incident)
            changed.append(incident)
            notify_ops(session, ops_email, f"[policywatch ops] {source.name}: {kind.replace('_', ' ')}", problem.detail)
    for kind, incident in open_.items():
        if kind not in current:
            incident.closed_at = utcnow()
            changed.append(incident)
            notify_ops(
                session,
                ops_email,
                f"[policywatch ops] {source.name}: recovered ({kind.replace('_', ' ')})",
                f"Open since {incident.opened_at:%Y-%m-%d %H:%M} UTC: {incident.detail}\nThe last run was fine.",
            )
    session.flush()
    return changed


def notify_ops(session: Session, ops_email: str | None, subject: str, body: str) -> None:
    """One message to ops, in the same transaction as the incident it is about."""
    if ops_email:
        session.add(OutboxMessage(channel="email", recipient=ops_email, subject=subject, body_text=body + "\n"))
