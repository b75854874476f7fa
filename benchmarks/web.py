"""Web page response times on a database of 10,000 documents and 50,000 versions.

`policywatch serve` runs as its own process; requests come over HTTP from this one. Reports the
median and p95 of the document list, a full-text search for a two-character word, a document
page (with its related documents) and a diff page.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from sqlalchemy import insert

from monitor import similarity
from monitor.demo.mailsink import free_port
from monitor.linking import title_core
from storage import Database, Document, Source, Version, search

from .related import _documents

DOCUMENTS = 10_000
VERSIONS_PER_DOCUMENT = 5
REQUESTS = 40


def build(db: Database, count: int) -> None:
    rng = random.Random(5)
    docs = _documents(count, seed=3)
    with db.session() as session:
        session.execute(insert(Source).values(id=1, name="bench", title=""))
        for start in range(0, count, 2000):
            chunk = list(enumerate(docs[start : start + 2000], start=start + 1))
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
                        "current_version_id": None,
                    }
                    for i, (t, _x, s) in chunk
                ],
            )
            versions = []
            for i, (title, text, _s) in chunk:
                paragraphs = text.splitlines()
                for n in range(VERSIONS_PER_DOCUMENT):
                    if n:
                        k = rng.randrange(len(paragraphs))
                        paragraphs[k] = paragraphs[k].replace("，", "，进一步", 1) + f"（第{n}次修订）"
                    versions.append(
                        {
                            "id": (i - 1) * VERSIONS_PER_DOCUMENT + n + 1,
                            "document_id": i,
                            "content_hash": f"{i}-{n}",
                            "title": title,
                            "text": "\n".join(paragraphs),
                            "meta": {},
                            "attachments": [],
                            "raw_html": b"",
                        }
                    )
            session.execute(insert(Version), versions)
        session.execute(
            Document.__table__.update().values(
                current_version_id=Document.id * VERSIONS_PER_DOCUMENT, last_changed_at=Document.first_seen_at
            )
        )
    with db.session() as session:
        search.update_index(session)
        similarity.update_index(session)


def _timed(url: str) -> float:
    start = time.perf_counter()
    with urllib.request.urlopen(url, timeout=60) as response:
        response.read()
    return time.perf_counter() - start


def run(count: int = DOCUMENTS) -> list[tuple[str, str]]:
    rng = random.Random(9)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = Database(f"sqlite:///{folder / 'web.db'}")
        start = time.perf_counter()
        build(db, count)
        built = time.perf_counter() - start
        (folder / "seeds").mkdir()
        (folder / "policywatch.toml").write_text('database_url = "sqlite:///web.db"\n', encoding="utf-8")
        port = free_port()
        env = {**os.environ, "POLICYWATCH_CONFIG": str(folder / "policywatch.toml")}
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("policywatch")), "serve", "--port", str(port)],
            env=env,
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(100):
                try:
                    _timed(base + "/healthz")
                    break
                except OSError:
                    time.sleep(0.2)

            def diff_url() -> str:
                document = rng.randint(1, count)  # its first and its last version
                return f"{base}/diff/{(document - 1) * VERSIONS_PER_DOCUMENT + 1}/{document * VERSIONS_PER_DOCUMENT}"

            pages = {
                "document list": lambda: base + f"/?page={rng.randint(1, 50)}",
                "search 通知": lambda: base + "/?q=%E9%80%9A%E7%9F%A5",
                "search 高新区 (page 2)": lambda: base + "/?q=%E9%AB%98%E6%96%B0%E5%8C%BA&page=2",
                "document page": lambda: base + f"/documents/{rng.randint(1, count)}",
                "diff page": diff_url,
            }
            rows = [
                (
                    "database",
                    f"{count} documents, {count * VERSIONS_PER_DOCUMENT} versions, built and indexed in {built:.0f} s",
                )
            ]
            for label, url in pages.items():
                times = sorted(_timed(url()) for _ in range(REQUESTS))
                rows.append(
                    (
                        label,
                        f"median {statistics.median(times) * 1000:.0f} ms, "
                        f"p95 {times[int(len(times) * 0.95) - 1] * 1000:.0f} ms",
                    )
                )
        finally:
            server.terminate()
            server.wait(30)
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:24s} {figure}")
