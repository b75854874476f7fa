"""Cleaning speed: policywatch's cleaner vs. trafilatura, on the real-page corpus and on 100 KB
and 1 MB pages (cost should grow linearly with size). Quality is the shared scorer's job:
`python ../shared/corpus/score.py -- .venv/bin/policywatch clean --json`."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import trafilatura

from crawler.cleaning import clean
from monitor.demo.samples import load_sample, sample_names
from monitor.demo.site import DemoSite, Section

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real" / "pages"


def _sized_page(target_bytes: int) -> bytes:
    """A government page in the demo's TRS template whose body is grown to about target_bytes."""
    site = DemoSite([Section("s", "政策文件", "/s/", "trs", charset="utf-8")])
    site.stop()
    paragraphs = [p for name in sample_names() for p in load_sample(name).paragraphs]
    sample = load_sample("nx-kjt-draft")
    sample.paragraphs = []
    while sum(len(p.encode()) + 40 for p in sample.paragraphs) < target_bytes:
        sample.paragraphs.append(paragraphs[len(sample.paragraphs) % len(paragraphs)])
    path = site.publish("s", sample)
    return site.render(path)[2]


def _rate(extract: Callable[[bytes], object], pages: list[bytes], rounds: int) -> float:
    """Pages per second, the median over rounds."""
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for page in pages:
            extract(page)
        times.append(time.perf_counter() - start)
    return len(pages) / statistics.median(times)


def _trafilatura(page: bytes) -> object:
    return trafilatura.bare_extraction(page, with_metadata=True)


def run() -> list[tuple[str, str]]:
    corpus = [p.read_bytes() for p in sorted(CORPUS.glob("*.html"))]
    big = {label: _sized_page(size) for label, size in (("100 KB", 100_000), ("1 MB", 1_000_000))}
    rows = []
    for label, pages, rounds in (
        ("corpus (30 real pages)", corpus, 5),
        ("100 KB page", [big["100 KB"]] * 10, 5),
        ("1 MB page", [big["1 MB"]], 5),
    ):
        ours, theirs = _rate(clean, pages, rounds), _rate(_trafilatura, pages, rounds)
        rows.append((label, f"policywatch {ours:.1f} pages/s, trafilatura {theirs:.1f} pages/s: {ours / theirs:.1f}x"))
    per_kb = {label: 1000 / _rate(clean, [page], 5) / (len(page) / 1000) for label, page in big.items()}
    rows.append(("cost per KB", ", ".join(f"{label}: {ms:.3f} ms" for label, ms in per_kb.items())))
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:24s} {figure}")
