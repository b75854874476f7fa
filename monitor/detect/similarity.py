"""The related-documents index: MinHash LSH over character 3-grams, kept in SQL tables.

Why MinHash LSH rather than SimHash: a MinHash signature estimates the Jaccard similarity of
two texts directly (the score shown to researchers), and LSH banding turns "which documents
look like this one" into a few indexed lookups of (band, bucket) rows, which work the same on
SQLite and PostgreSQL and stay fast at 100,000 documents. SimHash is more compact but only
finds near-duplicates within a few bits; it cannot rank moderately similar texts.

128 permutations in 32 bands of 4 rows: documents with Jaccard ≥ 0.5 are found with probability
≥ 0.87 (a draft and its final, a republished copy); ≤ 0.2 rarely collide. Regional
implementations of one national policy are only ~0.06 alike in 3-grams, so a second path finds
them: documents citing the same document number (国发〔2020〕7号).

The signatures are computed here with numpy (the hashing is a few lines; a library would hash
every shingle through SHA-1). Indexing is lazy: related() first indexes documents whose current
version has no signature yet, so crawls never pay for it.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from crawler.cleaning.meta import DOC_NUMBER
from storage import Document, Version
from storage.models import Citation, Signature, SignatureBand

from .substance import attached_texts, substance

NUM_PERM, BANDS, ROWS = 128, 32, 4
SHINGLE = 3
MAX_CITATION_CANDIDATES = 200
_PRIME = np.uint64(4294967291)  # the largest prime below 2**32: values fit in uint32
_rng = np.random.default_rng(20_261_123)
_A = _rng.integers(1, 2**31, NUM_PERM, dtype=np.uint64)
_B = _rng.integers(0, 2**32, NUM_PERM, dtype=np.uint64)
_NOISE = re.compile(r"[\s\W_]+")
_CHUNK = 4096


def shingle_hashes(text: str) -> np.ndarray:
    """Distinct 32-bit hashes of the text's character 3-grams (whitespace and punctuation dropped)."""
    squashed = _NOISE.sub("", text)
    if len(squashed) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(squashed.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    mixed = ((codes[:-2] * np.uint64(1_000_003)) ^ codes[1:-1]) * np.uint64(1_000_003) ^ codes[2:]
    return np.unique(mixed & np.uint64(0xFFFFFFFF))


def minhash(text: str) -> np.ndarray:
    hashes = shingle_hashes(text)
    signature = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint64)
    for start in range(0, hashes.size, _CHUNK):  # bounded memory for very long documents
        chunk = hashes[start : start + _CHUNK]
        values = (_A[:, None] * chunk[None, :] + _B[:, None]) % _PRIME
        signature = np.minimum(signature, values.min(axis=1))
    return signature.astype(np.uint32)


def buckets(signature: np.ndarray) -> list[int]:
    """One key per band: the band number in the high bits, the hash of the band's rows below."""
    return [band << 32 | zlib.crc32(signature[band * ROWS : (band + 1) * ROWS].tobytes()) for band in range(BANDS)]


# Document numbers written in Traditional characters cite the same documents.
_TRADITIONAL = str.maketrans(
    "國發號辦廳雲區縣質財稅衛環農務會經貿資訊遼閩贛魯豫鄂湘粵瓊陝隴寧",
    "国发号办厅云区县质财税卫环农务会经贸资讯辽闽赣鲁豫鄂湘粤琼陕陇宁",
)


def citations(text: str, own_number: str | None) -> set[str]:
    found = {m.group(0) for m in DOC_NUMBER.finditer(text)} | ({own_number} if own_number else set())
    return {re.sub(r"\s+", "", number).translate(_TRADITIONAL) for number in found}


def stale_documents(session: Session) -> list[int]:
    query = (
        select(Document.id)
        .outerjoin(Signature, Signature.document_id == Document.id)
        .where(Document.current_version_id.is_not(None))
        .where((Signature.version_id.is_(None)) | (Signature.version_id != Document.current_version_id))
    )
    return list(session.scalars(query))


def _index_chunk(session: Session, document_ids: list[int]) -> None:
    rows = session.execute(
        select(Document.id, Version.id, Version.text, Version.meta)
        .join(Version, Version.id == Document.current_version_id)
        .where(Document.id.in_(document_ids))
    ).all()
    attached = attached_texts(session, document_ids)
    signatures, bands, cited = [], [], []
    for document_id, version_id, own_text, meta in rows:
        text = substance(own_text, attached.get(document_id))
        signature = minhash(text)
        signatures.append({"document_id": document_id, "version_id": version_id, "minhash": signature.tobytes()})
        bands += [{"document_id": document_id, "bucket": key} for key in buckets(signature)]
        cited += [
            {"document_id": document_id, "doc_number": number}
            for number in sorted(citations(text, (meta or {}).get("doc_number")))
        ]
    for model in (SignatureBand, Citation, Signature):
        session.execute(delete(model).where(model.document_id.in_(document_ids)))
    for model, values in ((Signature, signatures), (SignatureBand, bands), (Citation, cited)):
        if values:
            session.execute(insert(model), values)


def _pages_of(session: Session, document_ids: list[int]) -> list[int]:
    """Pages whose attachments are among these documents (and not among them themselves)."""
    pages: set[int] = set()
    for start in range(0, len(document_ids), 500):
        chunk = document_ids[start : start + 500]
        pages.update(
            session.scalars(select(Document.parent_id).where(Document.id.in_(chunk), Document.parent_id.is_not(None)))
        )
    return sorted(pages - set(document_ids))


def update_index_for(session: Session, document_id: int) -> None:
    """Index one document now if its current version is not indexed (for a page asking about it)."""
    current = session.scalar(select(Document.current_version_id).where(Document.id == document_id))
    indexed = session.scalar(select(Signature.version_id).where(Signature.document_id == document_id))
    if current is not None and current != indexed:
        _index_chunk(session, [document_id])


def update_index(session: Session, chunk: int = 500) -> int:
    """Index every document whose current version is not indexed yet, and the pages of changed
    attachments (a cover note is indexed by its attachments' text); returns how many."""
    stale = stale_documents(session)
    stale += _pages_of(session, stale)
    for start in range(0, len(stale), chunk):
        _index_chunk(session, stale[start : start + chunk])
    return len(stale)


@dataclass(frozen=True)
class Related:
    document_id: int
    score: float  # estimated Jaccard similarity of the two texts' 3-grams
    reason: str


def _signature(session: Session, document_id: int) -> np.ndarray | None:
    raw = session.scalar(select(Signature.minhash).where(Signature.document_id == document_id))
    return np.frombuffer(raw, dtype=np.uint32) if raw else None


def related(session: Session, document_id: int, limit: int = 10) -> list[Related]:
    """The documents most like this one, best first. Call update_index() first for fresh results."""
    signature = _signature(session, document_id)
    if signature is None:
        return []
    keys = buckets(signature)
    similar = set(session.scalars(select(SignatureBand.document_id).where(SignatureBand.bucket.in_(keys))))
    mine = select(Citation.doc_number).where(Citation.document_id == document_id)
    cited = dict(
        session.execute(
            select(Citation.document_id, func.min(Citation.doc_number))
            .where(Citation.doc_number.in_(mine))
            .group_by(Citation.document_id)
            .limit(MAX_CITATION_CANDIDATES)
        ).all()
    )
    candidates = (similar | set(cited)) - {document_id}
    if not candidates:
        return []
    rows = session.execute(
        select(Signature.document_id, Signature.minhash).where(Signature.document_id.in_(candidates))
    ).all()
    ids = [row.document_id for row in rows]
    matrix = np.frombuffer(b"".join(row.minhash for row in rows), dtype=np.uint32).reshape(len(rows), NUM_PERM)
    scores = (matrix == signature).mean(axis=1)
    ranked = sorted(zip(ids, scores, strict=True), key=lambda pair: -pair[1])[:limit]
    return [
        Related(doc, round(float(score), 3), "similar text" if doc in similar else f"both cite {cited[doc]}")
        for doc, score in ranked
    ]
