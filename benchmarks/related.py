"""Related-documents and draft-lookup speed against 100,000 synthetic documents in SQLite.

Synthetic documents are built from the samples' and the corpus' paragraphs (15–30 each, with
numbers changed), 5% of them drafts; a tenth of the documents are near-copies of another one.
The baseline is what the index replaces: comparing a document's 3-grams with every other
document's signature (a linear scan in numpy over all 100,000 signatures).
"""

from __future__ import annotations

import json
import random
import re
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from sqlalchemy import insert, select

from monitor import similarity
from monitor.demo.samples import load_sample, sample_names
from monitor.linking import find_draft, title_core
from storage import Database, Document, Source, Version
from storage.models import Signature

DOCUMENTS = 100_000
QUERIES = 100
GOLD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "gold.json"


def _pool() -> tuple[list[str], list[str]]:
    paragraphs = [p for n in sample_names() for p in load_sample(n).paragraphs if len(p) > 15]
    titles = [load_sample(n).title for n in sample_names()]
    if GOLD.is_file():
        for page in json.loads(GOLD.read_text(encoding="utf-8")):
            paragraphs += [p for p in page["body_text"].splitlines() if len(p) > 15]
            titles.append(page["title"])
    return paragraphs, titles


def _documents(count: int, seed: int = 7) -> list[tuple[str, str, str]]:
    """(title, text, status) per synthetic document."""
    rng = random.Random(seed)
    paragraphs, titles = _pool()
    docs: list[tuple[str, str, str]] = []
    for n in range(count):
        if docs and rng.random() < 0.1:  # a near-copy of an earlier document
            title, text, _ = docs[rng.randrange(len(docs))]
            text = re.sub(r"\d+", lambda m: str(int(m.group()) + 1), text, count=3)
        else:
            title = f"{rng.choice(titles)}（{n}）"
            text = "\n".join(rng.sample(paragraphs, rng.randint(15, 30)))
        status = "draft" if rng.random() < 0.05 else "final"
        if status == "draft":
            title = f"关于征求《{title}（征求意见稿）》意见的通知"
        docs.append((title, text, status))
    return docs


def build(db: Database, docs: list[tuple[str, str, str]]) -> float:
    """Store the documents and index them; returns the indexing seconds."""
    with db.session() as session:
        session.execute(insert(Source).values(id=1, name="bench", title=""))
        for start in range(0, len(docs), 5000):
            chunk = list(enumerate(docs[start : start + 5000], start=start + 1))
            session.execute(
                insert(Document),
                [
                    {
                        "id": i,
                        "source_id": 1,
                        "url": f"http://bench.example/{i}.html",
                        "title": t,
                        "status": s,
                        "title_core": title_core(t),
                    }
                    for i, (t, _x, s) in chunk
                ],
            )
            session.execute(
                insert(Version),
                [
                    {
                        "id": i,
                        "document_id": i,
                        "content_hash": str(i),
                        "title": t,
                        "text": x,
                        "meta": {},
                        "attachments": [],
                        "raw_html": b"",
                    }
                    for i, (t, x, _s) in chunk
                ],
            )
        session.execute(Document.__table__.update().values(current_version_id=Document.id))
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
    docs = _documents(count)
    rng = random.Random(11)
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'related.db'}")
        indexing = build(db, docs)
        ids = rng.sample(range(1, count + 1), QUERIES)
        timings: dict[str, list[float]] = {"related": [], "draft": [], "scan": []}
        with db.session() as session:
            for document_id in ids:
                start = time.perf_counter()
                similarity.related(session, document_id)
                timings["related"].append(time.perf_counter() - start)
                document = session.get(Document, document_id)
                start = time.perf_counter()
                find_draft(session, document, document.current_version)
                timings["draft"].append(time.perf_counter() - start)
            for document_id in ids[:5]:
                start = time.perf_counter()
                _scan(session, document_id)
                timings["scan"].append(time.perf_counter() - start)
    med = {k: statistics.median(v) * 1000 for k, v in timings.items()}
    p95 = {k: sorted(v)[int(len(v) * 0.95) - 1] * 1000 for k, v in timings.items() if len(v) >= 20}
    return [
        ("index build", f"{count} documents in {indexing:.0f} s ({indexing / count * 1000:.2f} ms each)"),
        ("related (LSH + citations)", f"median {med['related']:.1f} ms, p95 {p95['related']:.1f} ms"),
        ("find a final's draft", f"median {med['draft']:.1f} ms, p95 {p95['draft']:.1f} ms"),
        ("baseline: scan all signatures", f"median {med['scan']:.0f} ms"),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:32s} {figure}")
