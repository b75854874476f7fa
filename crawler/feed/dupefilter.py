"""Duplicates within one run only: a long-lived crawl process fetches the same listing and
documents again at the source's next run, which Scrapy's process-wide filter would drop."""

from __future__ import annotations

from collections import defaultdict

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.dupefilters import BaseDupeFilter
from scrapy.utils.request import RequestFingerprinterProtocol

RUN_CLOSED = object()  # a signal: sent with run_id when a run is closed


class RunDupeFilter(BaseDupeFilter):
    def __init__(self, fingerprinter: RequestFingerprinterProtocol) -> None:
        self.fingerprinter = fingerprinter
        self.seen: defaultdict[int, set[bytes]] = defaultdict(set)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RunDupeFilter:
        dupefilter = cls(crawler.request_fingerprinter)
        crawler.signals.connect(dupefilter.forget, signal=RUN_CLOSED)
        return dupefilter

    def request_seen(self, request: Request) -> bool:
        seen = self.seen[request.meta.get("run", 0)]
        fingerprint = self.fingerprinter.fingerprint(request)
        if fingerprint in seen:
            return True
        seen.add(fingerprint)
        return False

    def forget(self, run_id: int) -> None:
        self.seen.pop(run_id, None)


__all__ = ["RUN_CLOSED", "RunDupeFilter", "signals"]
