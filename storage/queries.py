"""Reads shared by the command line and the web page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from .models import Change, Document, Source, Subscription


def list_changes(
    session: Session,
    *,
    since: datetime | None = None,
    source: str | None = None,
    kind: str | None = None,
    limit: int | None = None,
    newest_first: bool = False,
) -> list[Change]:
    query = (
        select(Change)
        .join(Document, Change.document_id == Document.id)
        .join(Source)
        .options(joinedload(Change.document).joinedload(Document.source), joinedload(Change.related_document))
    )
    if since is not None:
        query = query.where(Change.detected_at >= since)
    if source:
        query = query.where(Source.name == source)
    if kind:
        query = query.where(Change.kind == kind)
    query = query.order_by(Change.id.desc() if newest_first else Change.id)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query).unique())


def subscribe(session: Session, address: str, sources: list[str], keywords: list[str], channel: str) -> Subscription:
    """Create the subscription, or replace the filters of an existing one for the address."""
    subscription = session.scalar(
        select(Subscription).where(Subscription.channel == channel, Subscription.address == address)
    )
    if subscription is None:
        subscription = Subscription(channel=channel, address=address)
        session.add(subscription)
    subscription.sources, subscription.keywords = sorted(set(sources)), sorted(set(keywords))
    session.flush()
    return subscription


def unsubscribe(session: Session, address: str) -> int:
    return session.execute(delete(Subscription).where(Subscription.address == address)).rowcount
