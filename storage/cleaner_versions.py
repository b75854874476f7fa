"""Versions made by an older cleaner: found by the crawl before it compares a page with them, and
rewritten from their own raw page by the newer cleaner (crawler/rebaseline.py), so a cleaner
upgrade raises no alerts."""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from .models import Document, Version
from .recording import Content

_documents, _versions = cast(Table, Document.__table__), cast(Table, Version.__table__)


@dataclass
class StaleVersion:
    """A document's current version made by an older cleaner, with the page it was made from."""

    id: int
    content_hash: str
    raw_html: bytes  # the page, or a file's bytes (empty when too big to keep)
    encoding: str | None
    title: str
    file_type: str | None


_OLDER_CLEANER = (_versions.c.cleaner.is_(None)) | (_versions.c.cleaner < bindparam("cleaner"))
_STALE_VERSION = (
    select(
        _versions.c.id,
        _versions.c.content_hash,
        _versions.c.raw_html,
        _versions.c.raw_encoding,
        _versions.c.title,
        _documents.c.file_type,
    )
    .select_from(_documents.join(_versions, _documents.c.current_version_id == _versions.c.id))
    .where(_documents.c.url == bindparam("url"), _OLDER_CLEANER)
)
_ANY_STALE = (
    select(_versions.c.id)
    .select_from(_documents.join(_versions, _documents.c.current_version_id == _versions.c.id))
    .where(_documents.c.source_id == bindparam("source_id"), _OLDER_CLEANER)
    .limit(1)
)


def has_stale_versions(session: Session, source_id: int, cleaner: int) -> bool:
    """Does any document of the source have a current version made by an older cleaner?"""
    return session.execute(_ANY_STALE, {"source_id": source_id, "cleaner": cleaner}).first() is not None


def stale_version(session: Session, url: str, cleaner: int) -> StaleVersion | None:
    """The document's current version if a cleaner older than `cleaner` made it."""
    row = session.execute(_STALE_VERSION, {"url": url, "cleaner": cleaner}).first()
    if row is None:
        return None
    raw = zlib.decompress(row.raw_html) if row.raw_html else b""
    return StaleVersion(row.id, row.content_hash, raw, row.raw_encoding, row.title, row.file_type)


def rewrite_version(session: Session, version_id: int, content: Content | None, cleaner: int) -> bool:
    """Put what a newer cleaner makes of a version's own page in its place (content None: it made
    the same, or nothing usable: only the cleaner is noted). False when another version of the
    document already holds that content, and the version is left as it was."""
    values: dict[str, Any] = {"cleaner": cleaner}
    if content is not None:
        document_id = session.scalar(select(Version.document_id).where(Version.id == version_id))
        clash = session.scalar(
            select(Version.id).where(
                Version.document_id == document_id,
                Version.content_hash == content.content_hash,
                Version.id != version_id,
            )
        )
        if clash is not None:
            return False
        values |= {
            "title": content.title,
            "text": content.text,
            "content_hash": content.content_hash,
            "meta": content.meta,
            "attachments": content.attachments,
        }
    session.execute(update(Version).where(Version.id == version_id).values(**values))
    return True
