"""A version's original: the page or file exactly as fetched (stored zlib-compressed beside the
cleaned text), with what a citation needs: its address, when it was fetched, its SHA-256."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import Document, Version

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xls": "application/vnd.ms-excel",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "wps": "application/vnd.ms-works",
    "ofd": "application/ofd",
    "rtf": "application/rtf",
    "txt": "text/plain",
}


@dataclass(frozen=True)
class Original:
    version_id: int
    url: str
    body: bytes
    media_type: str  # with its charset for a page
    fetched_at: datetime  # when the fetch that first saw this version stored it
    file_type: str | None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.body).hexdigest()

    @property
    def filename(self) -> str:
        return f"version-{self.version_id}.{self.file_type or 'html'}"


def original_of(session: Session, version_id: int) -> Original | None:
    """The version's original, None when the version is unknown or kept no bytes."""
    row = session.execute(
        select(Version, Document.url).join(Document, Document.id == Version.document_id).where(Version.id == version_id)
    ).first()
    if row is None or not row[0].raw_html:
        return None
    return as_original(*row)


def as_original(version: Version, url: str) -> Original:
    """A version is stored by the fetch that first saw it: its creation time is that fetch's."""
    file_type = (version.meta or {}).get("file_type")
    if file_type:
        media_type = MEDIA_TYPES.get(file_type, "application/octet-stream")
    else:
        media_type = f"text/html; charset={version.raw_encoding or 'utf-8'}"
    return Original(version.id, url, version.html, media_type, version.created_at, file_type)
