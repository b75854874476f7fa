"""Synthetic policy documents for the benchmarks that need many: paragraphs of the samples and
the corpus shuffled into new documents, some of them drafts, some near-copies of others."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

from sqlalchemy import insert

from monitor.demo.samples import load_sample, sample_names
from monitor.detect.linking import title_core
from storage import Database, Document, Source, Version

GOLD = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "gold.json"
Doc = tuple[str, str, str]  # title, text, status


def _pool() -> tuple[list[str], list[str]]:
    paragraphs = [p for n in sample_names() for p in load_sample(n).paragraphs if len(p) > 15]
    titles = [load_sample(n).title for n in sample_names()]
    if GOLD.is_file():
        for page in json.loads(GOLD.read_text(encoding="utf-8")):
            paragraphs += [p for p in page["body_text"].splitlines() if len(p) > 15]
            titles.append(page["title"])
    return paragraphs, titles


def documents(count: int, seed: int = 7) -> list[Doc]:
    """15–30 paragraphs each, 5% drafts, a tenth near-copies (three numbers changed) of another."""
    rng = random.Random(seed)
    paragraphs, titles = _pool()
    docs: list[Doc] = []
    for n in range(count):
        if docs and rng.random() < 0.1:
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


def store(db: Database, docs: list[Doc], versions: int = 1, seed: int = 5) -> None:
    """Documents 1..n with `versions` versions each (a sentence revised each time); version ids are
    (document - 1) * versions + 1 … document * versions, the last one current."""
    rng = random.Random(seed)
    with db.session() as session:
        session.execute(insert(Source).values(id=1, name="bench", title=""))
        for start in range(0, len(docs), 2000):
            chunk = list(enumerate(docs[start : start + 2000], start=start + 1))
            session.execute(
                insert(Document),
                [
                    {
                        "id": i,
                        "source_id": 1,
                        "url": f"http://bench.example/{i}.html",
                        "title": title,
                        "status": status,
                        "title_core": title_core(title),
                    }
                    for i, (title, _text, status) in chunk
                ],
            )
            rows = []
            for i, (title, text, _status) in chunk:
                paragraphs = text.splitlines()
                for n in range(versions):
                    if n:
                        k = rng.randrange(len(paragraphs))
                        paragraphs[k] = paragraphs[k].replace("，", "，进一步", 1) + f"（第{n}次修订）"
                    rows.append(
                        {
                            "id": (i - 1) * versions + n + 1,
                            "document_id": i,
                            "content_hash": f"{i}-{n}",
                            "title": title,
                            "text": "\n".join(paragraphs),
                            "meta": {},
                            "attachments": [],
                            "raw_html": b"",
                        }
                    )
            session.execute(insert(Version), rows)
        session.execute(
            Document.__table__.update().values(
                current_version_id=Document.id * versions, last_changed_at=Document.first_seen_at
            )
        )
