"""Sources and runs as the crawl keeps them: a source's row, a run started and closed with its
fetch statistics, what the source turned out to need, the documents due at a run."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from .db import row
from .models import Document, Fetch, Run, Source, utcnow
from .runqueue import OPEN


class _Closed(Protocol):
    """A closed run, or a row with its status."""

    @property
    def status(self) -> str: ...


# How far back "failures in a row" looks: the alert review and `status` read the same number.
RECENT_RUNS = 20


def ensure_source(session: Session, name: str, title: str = "") -> Source:
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        source = Source(name=name, title=title)
        session.add(source)
        session.flush()
    elif title and source.title != title:
        source.title = title
    return source


def start_run(session: Session, source: Source) -> Run:
    run = Run(source_id=source.id)
    session.add(run)
    session.flush()
    return run


NO_DOCUMENTS = "the listing pages name no documents"


def finish_run(session: Session, run_id: int, status: str, error: str | None = None) -> Run:
    """Close a run with its fetch statistics. A run with no good listing page has failed, and so
    has one whose listings name no documents (a new layout, or a list only scripts build)."""
    run = row(session, Run, run_id)
    fetches = session.execute(
        select(Fetch.kind, Fetch.outcome, Fetch.http_status, Fetch.documents_found, Fetch.rendered).where(
            Fetch.run_id == run_id
        )
    ).all()
    run.pages_fetched = len(fetches)
    run.http_errors = dict(Counter(str(f.http_status or "none") for f in fetches if f.outcome == "failed"))
    run.rendered = any(f.rendered for f in fetches)
    listings = [f for f in fetches if f.kind == "listing"]
    run.documents_found = sum(f.documents_found or 0 for f in listings if f.outcome == "ok")
    if status == "ok" and listings and not any(f.outcome == "ok" for f in listings):
        status, error = "failed", error or f"all {len(listings)} listing pages failed"
    elif status == "ok" and listings and run.documents_found == 0:
        tried = ", with a browser too" if run.rendered else " (they run scripts)" if run.needs_browser else ""
        status, error = "failed", NO_DOCUMENTS + tried
    if run.status in ("crashed", "timeout"):  # so its scheduler said, having lost the crawl: a late
        return run  # close from that crawl (a node cut off, not dead) updates the figures only
    close_run(session, run, status, error)
    return run


def close_run(session: Session, run: Run, status: str, error: str | None) -> None:
    """The one way a run ends, whoever ends it (its crawl, a scheduler that lost it, a stop): its
    status and end, and its source's summary brought up to date, so that `status` reads one row
    per source however many runs a year has left."""
    run.status, run.error, run.finished_at = status, error, utcnow()
    session.flush()
    summarise_source(session, run.source_id)


def summarise_source(session: Session, source_id: int) -> None:
    """Keep on the source's row what `status` shows: its newest closed run, how many of its
    newest closed runs failed in a row, and how many documents it watches. Each is one indexed
    read of this source's rows, done once per run rather than once per `status`."""
    recent = session.execute(
        select(Run.id, Run.status)
        .where(Run.source_id == source_id, Run.status.not_in(OPEN))
        .order_by(Run.id.desc())
        .limit(RECENT_RUNS)
    ).all()
    documents = session.scalar(select(func.count()).select_from(Document).where(Document.source_id == source_id))
    session.execute(
        update(Source)
        .where(Source.id == source_id)
        .values(
            last_run_id=recent[0].id if recent else None,
            failures_in_row=consecutive_failures(recent),
            documents=documents or 0,
        )
    )


def consecutive_failures(runs: Sequence[_Closed]) -> int:
    """How many of the newest finished runs (newest first) failed in a row: what `status` shows
    and the alert review judges."""
    count = 0
    for run in runs:
        if run.status == "ok":
            break
        count += 1
    return count


def summarise_sources(session: Session) -> None:
    """Every source's summary afresh (after a bulk load, as the benchmark's grown year is)."""
    for source_id in session.scalars(select(Source.id)).all():
        summarise_source(session, source_id)


def learn_render(session: Session, source_id: int, render: str) -> None:
    """What a source turned out to need ("browser": its listing is built by scripts)."""
    session.execute(update(Source).where(Source.id == source_id).values(render=render))


def known_urls(session: Session, source_id: int, *, due_only: bool = True) -> tuple[list[str], list[str]]:
    """(due, resting): the source's documents to fetch this run, and those whose next visit is
    later (the crawl skips them even when a listing links them)."""
    rows = session.execute(
        select(Document.url, Document.next_visit_at)
        .where(Document.source_id == source_id, Document.parent_id.is_(None))  # attachments come with their page
        .order_by(Document.id)
    ).all()
    now = utcnow()
    due = [url for url, at in rows if not due_only or at is None or at <= now]
    resting = [url for url, at in rows if due_only and at is not None and at > now]
    return due, resting
