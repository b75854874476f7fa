"""Related-documents and draft-lookup speed against 100,000 synthetic documents in SQLite.

Synthetic documents are built from the samples' and the corpus' paragraphs (15–30 each, with
numbers changed), 5% of them drafts; a tenth of the documents are near-copies of another one.
The baseline is what the index replaces: comparing a document's 3-grams with every other
document's signature (a linear scan in numpy over all 100,000 signatures).
"""

from __future__ import annotations

import random
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import select

from monitor.detect import similarity
from monitor.detect.linking import DraftIndex, find_draft
from storage import Database, Document
from storage.models import Signature

from . import p95
from .synthetic import Doc, documents, store

DOCUMENTS = 100_000
QUERIES = 100


def build(db: Database, docs: list[Doc]) -> float:
    """Store the documents and index them; returns the indexing seconds."""
    store(db, docs)
    start = time.perf_counter()
    with db.session() as session:
        similarity.update_index(session)
    return time.perf_counter() - start


def _scan(session, document_id: int) -> list[int]:
    """The baseline: every signature compared with this one."""
    rows = session.execute(select(Signature.document_id, Signature.minhash)).all()
    matrix = np.frombuffer(b"".join(r.minhash for r in rows), dtype=np.uint32).reshape(len(rows), -1)
    mine = matrix[[r.document_id for r in rows].index(document_id)]
    scores = (matrix == mine).mean(axis=1)
    return [rows[i].document_id for i in np.argsort(-scores)[1:11]]


def run(count: int = DOCUMENTS) -> list[tuple[str, str]]:
    docs = documents(count)
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'related.db'}")
        indexing = build(db, docs)
        ids = rng.sample(range(1, count + 1), QUERIES)
        timings: dict[str, list[float]] = {"related": [], "draft": [], "scan": [], "drafts": []}
        with db.session() as session:
            for _ in range(5):  # once per change detection, however many finals it brings
                start = time.perf_counter()
                drafts = DraftIndex.load(session)
                timings["drafts"].append(time.perf_counter() - start)
            for document_id in ids:
                start = time.perf_counter()
                similarity.related(session, document_id)
                timings["related"].append(time.perf_counter() - start)
                document = session.get(Document, document_id)
                start = time.perf_counter()
                find_draft(session, document, document.current_version, drafts)
                timings["draft"].append(time.perf_counter() - start)
            for document_id in ids[:5]:
                start = time.perf_counter()
                _scan(session, document_id)
                timings["scan"].append(time.perf_counter() - start)
    med = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    high = {k: p95(v) * 1000 for k, v in timings.items()}
    return [
        ("index build", f"{count} documents in {indexing:.0f} s ({indexing / count * 1000:.2f} ms each)"),
        ("related (LSH + citations)", f"median {med['related']:.1f} ms, p95 {high['related']:.1f} ms"),
        ("load open drafts' title cores", f"median {med['drafts']:.0f} ms, once per detection"),
        ("find a final's draft", f"median {med['draft']:.1f} ms, p95 {high['draft']:.1f} ms"),
        ("baseline: scan all signatures", f"median {med['scan']:.0f} ms"),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:32s} {figure}")
