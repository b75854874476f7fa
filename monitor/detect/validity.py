"""Validity as events: what stopped being in force, and why.

Researchers and compliance staff care more about what ended than about edited commas. Three
witnesses, read by the cleaner (crawler/cleaning/validity.py) into each version's metadata:
- a repeal clause in a new or changed document names earlier ones by 文号 or title: each of them
  gets a `repealed` event whose related document is the repealing one;
- a page's own marker (已废止, 已失效) gives the page a `repealed` or `expired` event;
- a stated validity period (有效期至…) is kept on the document; once its last day has passed the
  daily check (and every detection) gives it an `expired` event.
A document ends once: a later event of either kind is not made for it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from crawler.cleaning.meta import DOC_NUMBER
from storage import Change, Document, Version, utcnow

from .linking import title_core

ENDED_KINDS = ("repealed", "expired")


def record_validity(session: Session, changes: list[Change]) -> list[Change]:
    """The events the markers and repeal clauses of the documents' new versions call for (their
    文号 and stated end are kept on the document by detection, changes.py)."""
    versions = {c.new_version_id: c for c in changes if c.kind in ("new", "changed", "restored") and c.new_version_id}
    if not versions:
        return []
    rows = session.execute(select(Version.id, Version.meta).where(Version.id.in_(versions))).all()
    found: list[Change] = []
    for version_id, meta in rows:
        change = versions[version_id]
        marker = (meta or {}).get("validity")
        if marker in ENDED_KINDS:
            found += _end(session, [change.document_id], marker, None, change)
        repeals = (meta or {}).get("repeals") or []
        if repeals:
            targets = [d for d in _named(session, repeals) if d != change.document_id]
            found += _end(session, targets, "repealed", change.document_id, change)
    return found


def _named(session: Session, names: list[str]) -> list[int]:
    """Documents a repeal clause names: by their own 文号, or by their title core."""
    numbers = [n for n in names if DOC_NUMBER.fullmatch(n)]
    cores = [c for n in names if n not in numbers and len(c := title_core(n)) >= 4]
    found = set(session.scalars(select(Document.id).where(Document.doc_number.in_(numbers)))) if numbers else set()
    if cores:
        found |= set(session.scalars(select(Document.id).where(Document.title_core.in_(cores))))
    return sorted(found)


def _end(
    session: Session,
    document_ids: list[int],
    kind: str,
    by: int | None,
    cause: Change | None,
    now: datetime | None = None,
) -> list[Change]:
    """A `kind` event for each of these documents that has not ended yet."""
    rows = session.execute(
        select(Document.id, Document.current_version_id).where(
            Document.id.in_(document_ids),
            Document.current_version_id.is_not(None),
            ~exists().where(Change.document_id == Document.id, Change.kind.in_(ENDED_KINDS)),
        )
    ).all()
    made = [
        Change(
            document_id=document_id,
            kind=kind,
            related_document_id=by,
            old_version_id=version_id,
            new_version_id=version_id,
            run_id=cause.run_id if cause else None,
            detected_at=cause.detected_at if cause else (now or utcnow()),
        )
        for document_id, version_id in rows
    ]
    session.add_all(made)
    session.flush()
    return made


def expire_due(session: Session, today: date, now: datetime | None = None) -> list[Change]:
    """An `expired` event for each document whose stated validity ended before today (a range of
    ix_documents_valid_until: the cost follows what expires, not the history)."""
    due = session.scalars(
        select(Document.id).where(Document.valid_until.is_not(None), Document.valid_until < today.isoformat())
    ).all()
    return _end(session, list(due), "expired", None, None, now) if due else []


@dataclass(frozen=True)
class Standing:
    """Whether a document is in force, for its page: 现行有效, 已废止 or 已失效, why, and by what."""

    state: str  # in_force, repealed, expired
    since: str | None = None
    by_id: int | None = None
    by_title: str | None = None
    valid_until: str | None = None


def standing(session: Session, document: Document) -> Standing:
    ended = session.scalars(
        select(Change).where(Change.document_id == document.id, Change.kind.in_(ENDED_KINDS)).order_by(Change.id)
    ).first()
    if ended is None:
        return Standing("in_force", valid_until=document.valid_until)
    by = ended.related_document
    return Standing(
        ended.kind,
        f"{ended.detected_at:%Y-%m-%d}",
        by.id if by else None,
        by.title if by else None,
        document.valid_until,
    )
