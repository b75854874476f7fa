"""Reads shared by the command line and the web page."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, delete, false, func, select
from sqlalchemy.orm import Session, joinedload

from . import search
from .db import changed_rows
from .models import Change, Document, Fetch, Follow, Link, Source, Subscription, Version, utcnow
from .search_query import snippet


def list_changes(
    session: Session,
    *,
    since: datetime | None = None,
    source: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    offset: int = 0,
    newest_first: bool = False,
    among: DocumentFilter | None = None,
) -> list[Change]:
    """Change events, filtered; `among` keeps those of the documents a document-list search selects."""
    query = (
        select(Change)
        .join(Document, Change.document_id == Document.id)
        .join(Source)
        .options(
            joinedload(Change.document).joinedload(Document.source),
            joinedload(Change.document).joinedload(Document.parent),
            joinedload(Change.related_document),
        )
    )
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if source:
        query = query.where(Source.name == source)
    if kind:
        query = query.where(Change.kind == kind)
    if among is not None:
        query = _among(session, query, among)
    # The order they were detected in: SQLite answers a bound `since` by its index and this order
    # (the index's own), where ORDER BY id alone led it to walk every event of the history.
    order = (Change.detected_at.desc(), Change.id.desc()) if newest_first else (Change.detected_at, Change.id)
    query = query.order_by(*order).offset(offset)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query).unique())


@dataclass
class DocumentFilter:
    """The researchers' filters on the document list."""

    q: str = ""
    source: str | None = None
    status: str | None = None  # draft or final
    changed_since: datetime | None = None
    has_final: bool = False


_Query = TypeVar("_Query", bound=Select[Any])


def _among(session: Session, query: _Query, filters: DocumentFilter) -> _Query:
    """The query kept to the filters' documents (Document and Source joined); a search that can
    match nothing keeps nothing."""
    if filters.q:
        matching = search.search(session, filters.q)
        if matching is None:
            return query.where(false())
        query = query.where(Document.id.in_(select(matching.subquery().c.document_id)))
    if filters.source:
        query = query.where(Source.name == filters.source)
    if filters.status:
        query = query.where(Document.status == filters.status)
    if filters.changed_since:
        query = query.where(Document.last_changed_at >= filters.changed_since)
    if filters.has_final:
        query = query.where(Document.id.in_(select(Link.draft_id)))
    return query


COUNT_CAP = 1000  # matches are counted up to this many: a count of them all grows with the history


@dataclass
class Found:
    documents: list[Document]
    total: int  # at most COUNT_CAP
    exact: bool  # False: there are more than total
    snippets: dict[int, list[tuple[str, bool]]] = field(default_factory=dict)  # when searching


def documents(session: Session, filters: DocumentFilter, *, offset: int = 0, limit: int = 50) -> Found:
    """Documents matching the filters: by relevance when searching (among the newest matches,
    see storage/search.py), else last change first; counted up to COUNT_CAP."""
    query = select(Document).join(Source).options(joinedload(Document.source))
    if filters.q:
        matching = search.search(session, filters.q)
        if matching is None:
            return Found([], 0, True)
        hits = matching.subquery()
        query = query.join(hits, hits.c.document_id == Document.id)
    query = _among(session, query, replace(filters, q=""))
    query = query.where(Document.current_version_id.is_not(None))
    counted = session.scalar(select(func.count()).select_from(query.limit(COUNT_CAP + 1).subquery())) or 0
    if filters.q:
        query = query.order_by(hits.c.rank, Document.id.desc())
    else:
        query = query.order_by(Document.last_changed_at.desc(), Document.id.desc())
    rows = list(session.scalars(query.offset(offset).limit(limit)).unique())
    found = Found(rows, min(counted, COUNT_CAP), counted <= COUNT_CAP)
    if filters.q:
        found.snippets = _snippets(session, rows, search.parse_query(filters.q))
    return found


def _snippets(session: Session, rows: list[Document], query: search.Query) -> dict[int, list[tuple[str, bool]]]:
    """The passage around each shown document's first match (only the page shown is read)."""
    texts = dict(
        session.execute(
            select(Version.document_id, Version.text).where(
                Version.id.in_([d.current_version_id for d in rows if d.current_version_id])
            )
        ).all()
    )
    return {d.id: snippet(texts.get(d.id, ""), query) for d in rows}


@dataclass
class Rhythm:
    """When a subscriber is told (notifier/rhythm.py checks the values)."""

    rhythm: str = "immediate"
    digest_at: str = "08:00"
    quiet_hours: str | None = None
    remind_days: int | None = None


def subscribe(
    session: Session,
    address: str,
    sources: list[str],
    keywords: list[str],
    channel: str,
    rhythm: Rhythm | None = None,
    kinds: list[str] | None = None,
    reprints: str = "once",
) -> Subscription:
    """Create the subscription, or replace the filters and rhythm of an existing one for the
    address. kinds: the kinds of event it wants (none: all); reprints: once or each."""
    subscription = session.scalar(
        select(Subscription).where(Subscription.channel == channel, Subscription.address == address)
    )
    if subscription is None:
        subscription = Subscription(channel=channel, address=address, created_at=utcnow())
        session.add(subscription)
    subscription.sources, subscription.keywords = sorted(set(sources)), sorted(set(keywords))
    subscription.kinds, subscription.reprints = sorted(set(kinds or [])), reprints
    rhythm = rhythm or Rhythm()
    if rhythm.rhythm != subscription.rhythm:
        subscription.last_digest_at = utcnow()  # a digest covers what happens from now on
    subscription.rhythm, subscription.digest_at = rhythm.rhythm, rhythm.digest_at
    subscription.quiet_hours, subscription.remind_days = rhythm.quiet_hours, rhythm.remind_days
    session.flush()
    return subscription


def subscription_of(session: Session, address: str, channel: str) -> Subscription | None:
    return session.scalar(select(Subscription).where(Subscription.channel == channel, Subscription.address == address))


def follow(session: Session, address: str, document_id: int, channel: str) -> Subscription:
    """The address is told about this document whatever its filters say. A new address gets a
    subscription whose source filter names no source, so it hears of followed documents only."""
    subscription = session.scalar(
        select(Subscription).where(Subscription.channel == channel, Subscription.address == address)
    )
    if subscription is None:
        subscription = Subscription(channel=channel, address=address, sources=[FOLLOW_ONLY], keywords=[])
        session.add(subscription)
        session.flush()
    exists = session.scalar(
        select(Follow.id).where(Follow.subscription_id == subscription.id, Follow.document_id == document_id)
    )
    if exists is None:
        session.add(Follow(subscription_id=subscription.id, document_id=document_id))
        session.flush()
    return subscription


FOLLOW_ONLY = "(followed documents only)"  # the source filter of a subscription made by follow


def unsubscribe(session: Session, address: str) -> int:
    return changed_rows(session.execute(delete(Subscription).where(Subscription.address == address)))


@dataclass
class AttachmentRow:
    """One of a page's attachments, as its page lists them."""

    document: Document
    versions: int
    size: int | None  # bytes of the last good fetch
    last_change: Change | None


def attachments_of(session: Session, page_id: int) -> list[AttachmentRow]:
    """The page's attachments in the order they were first seen, with their history in brief."""
    children = list(session.scalars(select(Document).where(Document.parent_id == page_id).order_by(Document.id)))
    if not children:
        return []
    ids = [child.id for child in children]
    versions = dict(
        session.execute(
            select(Version.document_id, func.count()).where(Version.document_id.in_(ids)).group_by(Version.document_id)
        ).all()
    )
    last_fetch = (
        select(Fetch.document_id, func.max(Fetch.id).label("id"))
        .where(Fetch.document_id.in_(ids), Fetch.outcome == "ok")
        .group_by(Fetch.document_id)
        .subquery()
    )
    sized = select(Fetch.document_id, Fetch.size).join(last_fetch, Fetch.id == last_fetch.c.id)
    sizes = dict(session.execute(sized).all())
    last_change_ids = select(func.max(Change.id)).where(Change.document_id.in_(ids)).group_by(Change.document_id)
    changes = {c.document_id: c for c in session.scalars(select(Change).where(Change.id.in_(last_change_ids)))}
    return [AttachmentRow(c, versions.get(c.id, 0), sizes.get(c.id), changes.get(c.id)) for c in children]
