"""The writes a crawl makes: fetches, versions, runs. A bad fetch never touches a version."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Document, Fetch, Run, Source, Version, utcnow

Outcome = Literal["ok", "gone", "failed"]


@dataclass
class Content:
    """A cleaned document as storage keeps it."""

    title: str
    text: str
    content_hash: str
    status: str = "final"
    meta: dict[str, Any] = field(default_factory=dict)
    attachments: list[dict[str, str]] = field(default_factory=list)
    raw_html: bytes = b""
    encoding: str | None = None


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


def record_listing(
    session: Session, run_id: int, url: str, *, http_status: int | None, error: str | None, documents_found: int
) -> None:
    ok = http_status is not None and 200 <= http_status < 300 and error is None
    session.add(
        Fetch(
            run_id=run_id,
            url=url,
            kind="listing",
            http_status=http_status,
            outcome="ok" if ok else "failed",
            error=error,
            documents_found=documents_found,
        )
    )


def _document(session: Session, source_id: int, url: str, create: bool) -> Document | None:
    document = session.scalar(select(Document).where(Document.url == url))
    if document is not None or not create:
        return document
    try:
        with session.begin_nested():
            document = Document(source_id=source_id, url=url)
            session.add(document)
    except IntegrityError:  # another source's crawl inserted the same URL a moment ago
        document = session.scalar(select(Document).where(Document.url == url))
    return document


def _version(session: Session, document: Document, content: Content) -> Version:
    version = session.scalar(
        select(Version).where(Version.document_id == document.id, Version.content_hash == content.content_hash)
    )
    if version is None:
        version = Version(
            document_id=document.id,
            content_hash=content.content_hash,
            title=content.title,
            text=content.text,
            meta=content.meta,
            attachments=content.attachments,
            raw_html=Version.compress(content.raw_html),
            raw_encoding=content.encoding,
        )
        session.add(version)
        session.flush()
    return version


def record_document(
    session: Session,
    run_id: int,
    source_id: int,
    url: str,
    *,
    outcome: Outcome,
    http_status: int | None,
    content: Content | None = None,
    error: str | None = None,
    size: int = 0,
) -> Fetch:
    """Record one document fetch; only an ok fetch with content may move the current version."""
    now = utcnow()
    document = _document(session, source_id, url, create=outcome == "ok")
    fetch = Fetch(
        run_id=run_id,
        url=url,
        kind="document",
        http_status=http_status,
        outcome=outcome,
        error=error,
        size=size,
        fetched_at=now,
        document_id=document.id if document else None,
    )
    session.add(fetch)
    if document is None:
        return fetch
    if outcome == "ok" and content is not None:
        version = _version(session, document, content)
        if document.current_version_id != version.id:
            document.current_version_id = version.id
            document.last_changed_at = now
        document.title = content.title
        document.status = content.status
        document.gone_since = None
        document.last_fetched_at = now
        fetch.version_id = version.id
    elif outcome == "gone" and document.gone_since is None:
        document.gone_since = now
    return fetch


def finish_run(session: Session, run_id: int, status: str, error: str | None = None) -> Run:
    """Close a run with its fetch statistics; a run with no good listing page has failed."""
    run = session.get(Run, run_id)
    fetches = session.execute(
        select(Fetch.kind, Fetch.outcome, Fetch.http_status, Fetch.documents_found).where(Fetch.run_id == run_id)
    ).all()
    run.pages_fetched = len(fetches)
    run.http_errors = dict(Counter(str(f.http_status or "none") for f in fetches if f.outcome == "failed"))
    listings = [f for f in fetches if f.kind == "listing"]
    run.documents_found = sum(f.documents_found or 0 for f in listings if f.outcome == "ok")
    if status == "ok" and listings and not any(f.outcome == "ok" for f in listings):
        status, error = "failed", error or f"all {len(listings)} listing pages failed"
    run.status = status
    run.error = error
    run.finished_at = utcnow()
    return run


def known_urls(session: Session, source_id: int) -> list[str]:
    return list(session.scalars(select(Document.url).where(Document.source_id == source_id).order_by(Document.id)))


def count_documents(session: Session, source_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Document).where(Document.source_id == source_id)) or 0
