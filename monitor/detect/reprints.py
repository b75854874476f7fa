"""Reprints: one policy republished by other sites is one piece of news, not thirty.

A national or provincial policy is republished by local sites, as a copy or as a cover note
"关于转发《…》的通知" with the text below or attached. A new document is a reprint when a document
seen before on another source has the same title core (title_core drops the office prefix and the
转发/印发 wrapper) and the same status, and the earlier document's text is nearly all found in the
new one's (its attachments', for a cover note): local additions ("结合我县实际…") do not stop it.
The reprint names the first document (documents.reprint_of; its `new` event's related document),
and the original's page lists where it was republished.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import Change, Document, Version
from storage.models import Source

from .linking import containment, shingles
from .substance import attached_texts, not_part_of_a_cover_note, substance

REPRINT_CONTAINMENT = 0.8  # of the original's 3-grams found in the reprint
MIN_CORE = 6  # shorter title cores ("通知", "公告") say nothing about which policy it is
MAX_ORIGINALS = 5  # earlier documents weighed per new one, oldest first


def mark_reprints(session: Session, changes: list[Change]) -> list[Change]:
    """Mark the new documents among these events that reprint an earlier one; returns their events."""
    new = {c.document_id: c for c in changes if c.kind == "new"}
    if not new:
        return []
    rows = session.execute(
        select(Document.id, Document.source_id, Document.title_core, Document.status).where(
            Document.id.in_(new), not_part_of_a_cover_note()
        )
    ).all()
    wanted = {row.id: row for row in rows if len(row.title_core) >= MIN_CORE}
    earlier = _earlier_by_core(session, {row.title_core for row in wanted.values()})
    texts = _TextCache(session)
    originals: dict[int, int] = {}
    for document_id, row in sorted(wanted.items()):
        for original in earlier.get((row.title_core, row.status), [])[:MAX_ORIGINALS]:
            if original[0] >= document_id or original[1] == row.source_id:
                continue
            if containment(shingles(texts.of(original[0])), shingles(texts.of(document_id))) >= REPRINT_CONTAINMENT:
                originals[document_id] = original[0]
                break
    return _mark(session, originals, new)


def _earlier_by_core(session: Session, cores: set[str]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(id, source) of the documents standing for themselves, not reprints, with one of these
    title cores, oldest first (through ix_documents_title_core)."""
    found: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    if not cores:
        return found
    rows = session.execute(
        select(Document.id, Document.source_id, Document.title_core, Document.status)
        .where(Document.title_core.in_(cores), Document.reprint_of.is_(None), not_part_of_a_cover_note())
        .order_by(Document.id)
    )
    for document_id, source_id, core, status in rows:
        found[(core, status)].append((document_id, source_id))
    return found


class _TextCache:
    """What each document says (its attachments', for a cover note), read once."""

    def __init__(self, session: Session) -> None:
        self.session, self.texts = session, dict[int, str]()

    def of(self, document_id: int) -> str:
        if document_id not in self.texts:
            text = self.session.scalar(
                select(Version.text)
                .join(Document, Document.current_version_id == Version.id)
                .where(Document.id == document_id)
            )
            attached = attached_texts(self.session, [document_id]).get(document_id)
            self.texts[document_id] = substance(text or "", attached)
        return self.texts[document_id]


def _mark(session: Session, originals: dict[int, int], new: dict[int, Change]) -> list[Change]:
    """Each reprint, and its attachments, name the original; so do their `new` events."""
    if not originals:
        return []
    for document_id, original_id in originals.items():
        session.execute(
            update(Document)
            .where((Document.id == document_id) | (Document.parent_id == document_id))
            .values(reprint_of=original_id)
        )
    parents = session.execute(select(Document.id, Document.parent_id).where(Document.id.in_(new))).all()
    marked = []
    for document_id, parent_id in parents:
        found = originals.get(document_id) or originals.get(parent_id or -1)
        if found is not None:
            new[document_id].related_document_id = found
            marked.append(new[document_id])
    return marked


def republications(session: Session, original_id: int) -> list[tuple[int, str, str, str]]:
    """Where a document was republished: (id, source, url, first seen), oldest first."""
    rows = session.execute(
        select(Document.id, Source.name, Document.url, Document.first_seen_at)
        .join(Source, Source.id == Document.source_id)
        .where(Document.reprint_of == original_id, Document.parent_id.is_(None))
        .order_by(Document.first_seen_at)
    )
    return [(i, name, url, f"{seen:%Y-%m-%d}") for i, name, url, seen in rows]
