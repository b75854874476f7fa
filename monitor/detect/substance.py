"""What a document says, for comparing it with others.

A cover note ("现将《…办法》印发给你们，请认真贯彻执行。" and the file) is a page of a few lines
whose text lives in its attachments: what linking and related documents compare for it is its
attachments' text. Its attachments are then part of it, not documents to link on their own (one
policy, one finalized event).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from storage import Document, Version

COVER_NOTE_CHARS = 300  # a page with less text of its own than this, and attachments, is a cover note


def attached_texts(session: Session, page_ids: Iterable[int]) -> dict[int, str]:
    """The current texts of each page's live attachments, in the order they were first seen."""
    ids = list(page_ids)
    if not ids:
        return {}
    found: dict[int, list[str]] = defaultdict(list)
    rows = session.execute(
        select(Document.parent_id, Version.text)
        .join(Version, Version.id == Document.current_version_id)
        .where(Document.parent_id.in_(ids), Document.gone_since.is_(None))
        .order_by(Document.id)
    )
    for parent_id, text in rows:
        if parent_id is not None:
            found[parent_id].append(text)
    return {parent_id: "\n".join(texts) for parent_id, texts in found.items()}


def substance(text: str, attached: str | None) -> str:
    """The text to compare: the page's own, or its attachments' when it is a cover note."""
    return attached if attached and len(text) < COVER_NOTE_CHARS else text


def not_part_of_a_cover_note() -> ColumnElement[bool]:
    """Documents that stand for themselves: pages, listed files, attachments of full pages. The
    parent is looked up by its key (a correlated EXISTS): a list of every cover note would read
    every document and its text, a cost that grows with history."""
    page = aliased(Document)
    cover_note = (
        select(page.id)
        .join(Version, Version.id == page.current_version_id)
        .where(page.id == Document.parent_id, func.length(Version.text) < COVER_NOTE_CHARS)
    )
    return Document.parent_id.is_(None) | ~cover_note.exists()
