"""The documents as a table for analysis (JSON lines or CSV): one row per document with its
current version's metadata, so a spreadsheet or pandas reads the whole watch list at once."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import Document, Source, Version

from ..present import iso, spreadsheet_cell

COLUMNS = [
    "id",
    "source",
    "url",
    "title",
    "status",
    "publish_date",
    "doc_number",
    "issuer",
    "signed_on",
    "first_seen_at",
    "last_changed_at",
    "gone_since",
    "current_version",
]


def document_rows(session: Session, source: str | None = None) -> Iterator[dict[str, object]]:
    query = (
        select(Document, Source.name, Version.meta)
        .join(Source, Source.id == Document.source_id)
        .outerjoin(Version, Version.id == Document.current_version_id)
        .order_by(Document.id)
        .execution_options(yield_per=500)
    )
    if source:
        query = query.where(Source.name == source)
    for document, source_name, meta in session.execute(query):
        facts = meta or {}
        yield {
            "id": document.id,
            "source": source_name,
            "url": document.url,
            "title": document.title,
            "status": document.status,
            "publish_date": facts.get("publish_date"),
            "doc_number": facts.get("doc_number"),
            "issuer": facts.get("issuer"),
            "signed_on": facts.get("signed_on"),
            "first_seen_at": iso(document.first_seen_at),
            "last_changed_at": iso(document.last_changed_at),
            "gone_since": iso(document.gone_since),
            "current_version": document.current_version_id,
        }


def write_rows(rows: Iterator[dict[str, object]], out: TextIO, fmt: str) -> int:
    """JSON lines or CSV (crawled titles are hostile: no cell runs as a formula)."""
    written = 0
    writer = csv.DictWriter(out, COLUMNS) if fmt == "csv" else None
    if writer is not None:
        writer.writeheader()
    for row in rows:
        if writer is not None:
            writer.writerow({k: spreadsheet_cell(v) for k, v in row.items()})
        else:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
        written += 1
    return written
