"""What a browser costs: the same 200 documents on one local site, listed three ways, crawled by
`policywatch crawl` one after the other in one run:

- a static listing (the browser never starts), the baseline every static source pays;
- a listing built by fetch() from a JSON endpoint, its pager a scripted "下一页": the listing
  pages render in Debian's chromium, the documents are fetched statically;
- a single-page app whose documents are written by scripts too: every page renders.

Pages per second of each crawl, and the peak memory (PSS) of the crawl process, its store worker
and chromium's processes. Politeness lifted for 127.0.0.1, as in the crawl benchmark.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from crawler.source import Politeness, Source
from monitor.config import Settings
from monitor.demo.samples import Sample
from monitor.demo.site import DemoSite, Section
from monitor.ops.crawl import crawl

from .memory import _Sampler
from .synthetic import documents

DOCUMENTS = 200
PER_LISTING = 20
WAYS = [
    ("static", "static listing, static documents", "trs", "static"),
    ("fetched", "listing built by fetch(), static documents", "fetch", "browser"),
    ("spa", "single-page app: every page rendered", "spa", "browser"),
]


def _site() -> DemoSite:
    sections = [Section(name, "政策文件", f"/{name}/", style, page_size=PER_LISTING) for name, _, style, _ in WAYS]
    site = DemoSite(sections)
    for n, (title, text, status) in enumerate(documents(DOCUMENTS, seed=17)):
        date = f"2022-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        sample = Sample(f"doc{n}", title, text.splitlines(), status=status, publish_date=date)
        for name, *_ in WAYS:
            site.publish(name, sample, f"/{name}/{n}.html")
    return site


def _crawl(site: DemoSite, folder: Path, name: str, render: str) -> tuple[float, float, int, int]:
    settings = Settings(
        database_url=f"sqlite:///{folder / name}.db",
        crawl=Politeness(delay=0, concurrency_per_domain=16, autothrottle=False, obey_robots=False),
        http_cache_dir=None,
    )
    source = Source(
        name=name,
        start_urls=[site.listing_url(name)],
        max_pages=DOCUMENTS // PER_LISTING + 1,
        max_documents=DOCUMENTS + 10,
        render=render,
    )
    sampler = _Sampler(os.getpid(), itself=False)
    sampler.start()
    started = time.perf_counter()
    summaries, _ = crawl(settings, [source])
    elapsed = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    if summaries[0].status != "ok":
        raise RuntimeError(f"{name}: {summaries[0]}")
    return elapsed, sampler.peak, summaries[0].pages, summaries[0].new


def run() -> list[tuple[str, str]]:
    rows = []
    with _site() as site, tempfile.TemporaryDirectory() as tmp:
        baseline = None
        for name, label, _, render in WAYS:
            elapsed, peak, pages, new = _crawl(site, Path(tmp), name, render)
            rate = pages / elapsed
            baseline = baseline or rate
            rows.append(
                (
                    label,
                    f"{pages} pages ({new} documents) in {elapsed:.1f} s: {rate:.1f} pages/s "
                    f"({rate / baseline:.0%} of static), peak {peak:.0f} MB",
                )
            )
    return rows


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:48s} {figure}")
