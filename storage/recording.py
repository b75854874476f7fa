"""The writes a crawl makes for each page: its fetch, and when it holds a new content, its version
and its document's pointer. A bad fetch never touches a version."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal, cast

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .models import Document, Fetch, Run, Version, utcnow

# ok: content seen and cleaned; unchanged: the server said 304 (or Scrapy's HTTP cache held a fresh
# copy), so the current version was seen again without parsing; gone: 404/410/not-found page;
# failed: anything else, which changes nothing; skipped: a file link on a document page that the
# cleaner did not count among the document's attachments (site furniture), not stored.
Outcome = Literal["ok", "unchanged", "gone", "failed", "skipped"]
RECENT, SETTLED = timedelta(days=30), timedelta(days=180)


@dataclass
class Content:
    """A cleaned document as storage keeps it."""

    title: str
    text: str
    content_hash: str
    status: str = "final"
    meta: dict[str, Any] = field(default_factory=dict)
    attachments: list[dict[str, str]] = field(default_factory=list)
    raw_html: bytes = b""  # the page, or a file's own bytes
    encoding: str | None = None
    cleaner: int | None = None  # the cleaner version that made title and text
    file_type: str | None = None  # pdf, docx, ofd…: a file, not a web page


def record_listing(
    session: Session,
    run_id: int,
    url: str,
    *,
    http_status: int | None,
    error: str | None,
    documents_found: int,
    rendered: bool = False,
    script_built: bool = False,
) -> None:
    """A listing fetch; script_built (no documents, but scripts) asks the crawl for a browser."""
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
            rendered=rendered,
        )
    )
    if script_built:
        session.execute(update(Run).where(Run.id == run_id).values(needs_browser=True))


# Built once: this path runs for every page of every crawl, and building SQLAlchemy statements
# costs more than executing them.
_documents, _versions, _fetches = (cast(Table, model.__table__) for model in (Document, Version, Fetch))
_FIND_DOCUMENT = select(
    _documents.c.id,
    _documents.c.current_version_id,
    _documents.c.gone_since,
    _documents.c.status,
    _documents.c.last_changed_at,
).where(_documents.c.url == bindparam("url"))
_FIND_DOCUMENT_ID = select(_documents.c.id).where(_documents.c.url == bindparam("url"))
_INSERT_DOCUMENT = insert(_documents).returning(_documents.c.id)
_INSERT_IGNORING = {
    "sqlite": sqlite.insert(_documents).on_conflict_do_nothing().returning(_documents.c.id),
    "postgresql": postgresql.insert(_documents).on_conflict_do_nothing().returning(_documents.c.id),
}
_FIND_VERSION = select(_versions.c.id).where(
    _versions.c.document_id == bindparam("document_id"), _versions.c.content_hash == bindparam("content_hash")
)
_INSERT_VERSION = insert(_versions).returning(_versions.c.id)
_INSERT_FETCH = insert(_fetches)
_UPDATE_DOCUMENT = update(_documents).where(_documents.c.id == bindparam("document_id"))


def _new_document(
    session: Session, source_id: int, url: str, now: datetime, parent_id: int | None = None
) -> tuple[int, bool]:
    """(id, created): another source's crawl may have inserted the same URL a moment ago."""
    values = {
        "source_id": source_id,
        "url": url,
        "first_seen_at": now,
        "title": "",
        "status": "final",
        "parent_id": parent_id,
    }
    dialect = session.get_bind().dialect.name
    if dialect in ("sqlite", "postgresql"):
        insert_ignoring = _INSERT_IGNORING[dialect]
        created = session.execute(insert_ignoring, values).scalar()
        if created is not None:
            return created, True
    else:
        try:
            with session.begin_nested():
                return session.execute(_INSERT_DOCUMENT, values).scalar_one(), True
        except IntegrityError:
            pass
    return session.execute(_FIND_DOCUMENT_ID, {"url": url}).scalar_one(), False


def _version_id(session: Session, document_id: int, content: Content, now: datetime, *, new_document: bool) -> int:
    if not new_document:
        found = session.execute(_FIND_VERSION, {"document_id": document_id, "content_hash": content.content_hash})
        version_id = found.scalar()
        if version_id is not None:
            return version_id
    values = {
        "document_id": document_id,
        "content_hash": content.content_hash,
        "title": content.title,
        "text": content.text,
        "meta": content.meta,
        "attachments": content.attachments,
        "raw_html": Version.compress(content.raw_html),
        "raw_encoding": content.encoding,
        "cleaner": content.cleaner,
        "created_at": now,
    }
    return session.execute(_INSERT_VERSION, values).scalar_one()


def next_visit(status: str, last_changed_at: datetime | None, now: datetime) -> datetime:
    """When to fetch a document again: drafts and recently changed documents at every run (the
    time is now), settled finals daily, finals unchanged for half a year weekly."""
    if status == "draft" or last_changed_at is None or now - last_changed_at < RECENT:
        return now
    return now + (timedelta(days=1) if now - last_changed_at < SETTLED else timedelta(days=7))


def _record_content(
    session: Session, source_id: int, url: str, known: Any, content: Content, now: datetime, parent_id: int | None
) -> tuple[int, int, bool]:
    """(document id, version id, changed) after a good fetch: the version stored once per hash,
    the document pointed at it when it changed."""
    document_id, created = (known.id, False) if known else _new_document(session, source_id, url, now, parent_id)
    version_id = _version_id(session, document_id, content, now, new_document=created)
    changed = known is None or known.current_version_id != version_id
    last_changed = now if changed else known.last_changed_at
    values = {
        "document_id": document_id,
        "title": content.title,
        "status": content.status,
        "gone_since": None,
        "last_fetched_at": now,
        "next_visit_at": next_visit(content.status, last_changed, now),
        "file_type": content.file_type,
    }
    if parent_id is not None:
        values["parent_id"] = parent_id
    if changed:
        values |= {"current_version_id": version_id, "last_changed_at": now}
    session.execute(_UPDATE_DOCUMENT, values)
    return document_id, version_id, changed


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
    rendered: bool = False,
    parent_url: str | None = None,
) -> None:
    """Record one document fetch (an attachment's when parent_url names its page); only an ok
    fetch with content may move the current version."""
    now = utcnow()
    known = session.execute(_FIND_DOCUMENT, {"url": url}).first()
    document_id = known.id if known else None
    parent_id = session.execute(_FIND_DOCUMENT_ID, {"url": parent_url}).scalar() if parent_url else None
    version_id, changed = None, False
    if outcome == "ok" and content is not None:
        document_id, version_id, changed = _record_content(session, source_id, url, known, content, now, parent_id)
    elif outcome == "unchanged" and known is not None:
        version_id = known.current_version_id
        session.execute(
            _UPDATE_DOCUMENT,
            {
                "document_id": document_id,
                "gone_since": None,
                "last_fetched_at": now,
                "next_visit_at": next_visit(known.status, known.last_changed_at, now),
            },
        )
    elif outcome == "gone" and known is not None and known.gone_since is None:
        session.execute(_UPDATE_DOCUMENT, {"document_id": document_id, "gone_since": now})
    session.execute(
        _INSERT_FETCH,
        {
            "run_id": run_id,
            "url": url,
            "kind": "attachment" if parent_url else "document",
            "http_status": http_status,
            "outcome": outcome,
            "error": error,
            "size": size,
            "fetched_at": now,
            "document_id": document_id,
            "version_id": version_id,
            "documents_found": None,
            "saw_change": changed,
            "rendered": rendered,
        },
    )


def attachment_names(session: Session, page_url: str) -> dict[str, str]:
    """The files the page's current version counts as its attachments, by URL, with their names."""
    listed = session.execute(
        select(Version.attachments)
        .select_from(_documents.join(_versions, _documents.c.current_version_id == _versions.c.id))
        .where(_documents.c.url == page_url)
    ).scalar()
    return {item["url"]: item.get("name", "") for item in listed or []}


def retire_attachments(session: Session, run_id: int, page_url: str, linked: set[str]) -> None:
    """Attachments the page no longer links (all of them when the page is gone) are removed,
    each with a fetch row saying why, so that change detection sees them in this run."""
    now = utcnow()
    parent = select(_documents.c.id).where(_documents.c.url == page_url).scalar_subquery()
    live = select(_documents.c.id, _documents.c.url).where(
        _documents.c.parent_id == parent, _documents.c.gone_since.is_(None)
    )
    rows = session.execute(live).all()
    for row in rows:
        if row.url in linked:
            continue
        session.execute(_UPDATE_DOCUMENT, {"document_id": row.id, "gone_since": now})
        session.execute(
            _INSERT_FETCH,
            {
                "run_id": run_id,
                "url": row.url,
                "kind": "attachment",
                "http_status": None,
                "outcome": "gone",
                "error": "no longer linked from its page",
                "size": 0,
                "fetched_at": now,
                "document_id": row.id,
                "version_id": None,
                "documents_found": None,
                "saw_change": False,
                "rendered": False,
            },
        )


def has_content(session: Session, url: str) -> bool:
    return session.execute(_FIND_DOCUMENT, {"url": url}).first() is not None
