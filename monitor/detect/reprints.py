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
from typing import cast

import numpy as np
from sqlalchemy import Row, Table, bindparam, select, update
from sqlalchemy.orm import Session

from storage import Change, Document, Version
from storage.models import Source

from .similarity import shingle_hashes
from .substance import attached_texts, not_part_of_a_cover_note, substance

REPRINT_CONTAINMENT = 0.8  # of the original's 3-grams found in the reprint
MIN_CORE = 6  # shorter title cores ("通知", "公告") say nothing about which policy it is
MAX_ORIGINALS = 5  # earlier documents weighed per new one, oldest first
TEXTS_PER_QUERY = 500


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
    candidates = {d: before for d, row in wanted.items() if (before := _earlier_elsewhere(d, row, earlier))}
    grams = _grams(session, {*candidates, *(o[0] for originals in candidates.values() for o in originals)})
    found: dict[int, int] = {}
    for document_id, originals in sorted(candidates.items()):
        mine = grams.get(document_id)
        for original_id, _source in originals:
            theirs = grams.get(original_id)
            if mine is not None and theirs is not None and _contained(theirs, mine) >= REPRINT_CONTAINMENT:
                found[document_id] = original_id
                break
    return _mark(session, found, new)


def _earlier_elsewhere(document_id: int, row: Row, earlier: dict) -> list[tuple[int, int]]:
    """The first documents seen before this one, on other sources, with its title core and status."""
    same = earlier.get((row.title_core, row.status), [])
    return [o for o in same if o[0] < document_id and o[1] != row.source_id][:MAX_ORIGINALS]


def _contained(part: np.ndarray, whole: np.ndarray) -> float:
    """Share of part's 3-gram hashes in whole's (both sorted and unique)."""
    return np.intersect1d(part, whole, assume_unique=True).size / part.size if part.size else 0.0


def _grams(session: Session, document_ids: set[int]) -> dict[int, np.ndarray]:
    """What each document says (its attachments', for a cover note) as its 3-gram hashes, read
    in a few queries whatever the number of documents (numpy: a crawl may bring thousands)."""
    found: dict[int, np.ndarray] = {}
    ids = sorted(document_ids)
    for start in range(0, len(ids), TEXTS_PER_QUERY):
        chunk = ids[start : start + TEXTS_PER_QUERY]
        attached = attached_texts(session, chunk)
        rows = session.execute(
            select(Document.id, Version.text)
            .join(Version, Version.id == Document.current_version_id)
            .where(Document.id.in_(chunk))
        )
        for document_id, text in rows:
            found[document_id] = shingle_hashes(substance(text or "", attached.get(document_id)))
    return found


def _earlier_by_core(session: Session, cores: set[str]) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """(id, source) of the documents standing for themselves, not reprints, with one of these
    title cores, oldest first. Read through ix_documents_title_core a few hundred cores at a time
    and sorted here: asked to sort by id a long list of cores, SQLite's planner chose to read the
    whole table in id order instead, a cost that grows with history."""
    found: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
    wanted = sorted(cores)
    for start in range(0, len(wanted), TEXTS_PER_QUERY):
        rows = session.execute(
            select(Document.id, Document.source_id, Document.title_core, Document.status).where(
                Document.title_core.in_(wanted[start : start + TEXTS_PER_QUERY]),
                Document.reprint_of.is_(None),
                not_part_of_a_cover_note(),
            )
        )
        for document_id, source_id, core, status in rows:
            found[(core, status)].append((document_id, source_id))
    for documents in found.values():
        documents.sort()
    return found


def _mark(session: Session, originals: dict[int, int], new: dict[int, Change]) -> list[Change]:
    """Each reprint, and its attachments new with it, name the original; so do their `new` events."""
    if not originals:
        return []
    parents = session.execute(select(Document.id, Document.parent_id).where(Document.id.in_(new))).all()
    named = {d: o for d, p in parents if (o := originals.get(d) or originals.get(p or -1)) is not None}
    table = cast(Table, Document.__table__)
    session.execute(
        update(table).where(table.c.id == bindparam("reprint")).values(reprint_of=bindparam("original")),
        [{"reprint": d, "original": o} for d, o in named.items()],
    )
    for document_id, original_id in named.items():
        new[document_id].related_document_id = original_id
    return [new[d] for d in named]


def republications(session: Session, original_id: int) -> list[tuple[int, str, str, str]]:
    """Where a document was republished: (id, source, url, first seen), oldest first."""
    rows = session.execute(
        select(Document.id, Source.name, Document.url, Document.first_seen_at)
        .join(Source, Source.id == Document.source_id)
        .where(Document.reprint_of == original_id, Document.parent_id.is_(None))
        .order_by(Document.first_seen_at)
    )
    return [(i, name, url, f"{seen:%Y-%m-%d}") for i, name, url, seen in rows]
