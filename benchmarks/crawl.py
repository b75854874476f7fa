"""Crawl throughput: bare Scrapy vs. `policywatch crawl` (clean, hash, store, detect) vs. a
Scrapy callback running trafilatura, on one local site of 2,000 document pages, politeness
lifted for 127.0.0.1 (no delay, 32 concurrent requests, no robots.txt) for all three."""

from __future__ import annotations

import multiprocessing
import statistics
import tempfile
import time
from pathlib import Path

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess

from crawler.source import Politeness, Source
from monitor.config import Settings
from monitor.demo.samples import Sample
from monitor.demo.site import DemoSite, Section
from monitor.ops.crawl import crawl

from .staticsite import StaticSite
from .synthetic import documents

DOCUMENTS = 2000
PER_LISTING = 100
LIFTED = {
    "CONCURRENT_REQUESTS": 32,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "ROBOTSTXT_OBEY": False,
    "LOG_LEVEL": "WARNING",
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
}


def build_site(base_url: str, count: int = DOCUMENTS, seed: int = 11) -> dict[str, bytes]:
    """Pages rendered once in the demo's four templates: synthetic documents (paragraphs of the
    samples and the corpus reshuffled, 5 % drafts), so that no two are alike; another seed, another
    site's documents."""
    styles = ["trs", "portal", "xxgk", "hanweb"]
    site = DemoSite(
        [Section(f"s{i}", "政策文件", f"/s{i}/", style, page_size=PER_LISTING) for i, style in enumerate(styles)]
    )
    site.stop()
    section = Section("all", "政策文件", "/list/", "trs", charset="utf-8", page_size=PER_LISTING)
    site.sections["all"] = section
    for n, (title, text, status) in enumerate(documents(count, seed=seed)):
        sample = Sample(
            name=f"doc{n}",
            title=title,
            paragraphs=text.splitlines(),
            status=status,
            publish_date=f"2021-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
        )
        site.publish("all", sample, f"/doc/{n}.html")
        site.pages[f"/doc/{n}.html"].section = f"s{n % len(styles)}"
    pages = {path: site.render(path)[2] for path in site.pages}
    for page in site.pages.values():
        page.section = "all"
    listings = -(-count // PER_LISTING)
    for number in range(listings):
        path = "/list/index.html" if number == 0 else f"/list/index_{number}.html"
        pages[path] = site.render(path)[2]
    return pages


class BareSpider(Spider):
    name = "bare"

    def __init__(self, urls: list[str], extract: bool = False, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.urls, self.extract = urls, extract

    async def start(self):
        for url in self.urls:
            yield Request(url, callback=self.parse)

    def parse(self, response):
        if self.extract:
            import trafilatura

            trafilatura.extract(response.body)


def _bare(urls: list[str], extract: bool) -> None:
    process = CrawlerProcess(LIFTED)
    process.crawl(BareSpider, urls=urls, extract=extract)
    process.start()


def _timed_child(urls: list[str], extract: bool) -> float:
    start = time.perf_counter()
    child = multiprocessing.get_context("spawn").Process(target=_bare, args=(urls, extract))
    child.start()
    child.join()
    return time.perf_counter() - start


def _ours(base_url: str, folder: str, round_number: int) -> float:
    settings = Settings(
        database_url=f"sqlite:///{Path(folder) / f'bench{round_number}.db'}",
        crawl=Politeness(delay=0, concurrency_per_domain=32, autothrottle=False, obey_robots=False),
        http_cache_dir=None,
    )
    source = Source(
        name="bench", start_urls=[base_url + "/list/index.html"], max_pages=1000, max_documents=DOCUMENTS + 10
    )
    start = time.perf_counter()
    summaries, _ = crawl(settings, [source])
    elapsed = time.perf_counter() - start
    assert summaries[0].new == DOCUMENTS, summaries[0].line()
    return elapsed


def run(rounds: int = 3) -> list[tuple[str, str]]:
    """Rounds alternate the three crawlers, so a busy moment on the machine hits all of them."""
    times: dict[str, list[float]] = {"bare": [], "ours": [], "trafilatura": []}
    with StaticSite(build_site) as site, tempfile.TemporaryDirectory() as tmp:
        urls = [site.base_url + path for path in site.pages]
        for number in range(rounds):
            times["bare"].append(_timed_child(urls, extract=False))
            times["ours"].append(_ours(site.base_url, tmp, number))
            times["trafilatura"].append(_timed_child(urls, extract=True))
    pages = len(urls)
    bare, ours, traf = (statistics.median(times[k]) for k in ("bare", "ours", "trafilatura"))
    return [
        (
            "bare Scrapy (fetch only)",
            f"{pages / bare:.0f} pages/s (median of {rounds}: {bare:.1f} s for {pages} pages)",
        ),
        (
            "policywatch crawl (clean, hash, store, detect)",
            f"{pages / ours:.0f} pages/s ({ours:.1f} s): {bare / ours:.0%} of bare",
        ),
        (
            "Scrapy + trafilatura in the callback",
            f"{pages / traf:.0f} pages/s ({traf:.1f} s): {bare / traf:.0%} of bare",
        ),
    ]


if __name__ == "__main__":
    for name, figure in run():
        print(f"{name:50s} {figure}")
