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

from monitor.demo.mailsink import free_port
from monitor.detect import similarity
from storage import Database, search

from . import p95
from .synthetic import documents, store

DOCUMENTS = 10_000
VERSIONS_PER_DOCUMENT = 5
REQUESTS = 40


def build(db: Database, count: int) -> None:
    store(db, documents(count, seed=3), versions=VERSIONS_PER_DOCUMENT)
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
                times = [_timed(url()) for _ in range(REQUESTS)]
                rows.append(
                    (
                        label,
                        f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95(times) * 1000:.0f} ms",
                    )
                )
        finally:
            server.terminate()
            server.wait(30)
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:24s} {figure}")
