"""Sources and runs as the crawl keeps them: a source's row, a run started and closed with its
fetch statistics, what the source turned out to need, the documents due at a run."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .db import row
from .models import Document, Fetch, Run, Source, utcnow


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
    run.status = status
    run.error = error
    run.finished_at = utcnow()
    return run


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
