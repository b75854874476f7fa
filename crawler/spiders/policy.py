"""A generic spider for a government site section: listing pages, pagination, documents."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from scrapy import Request, Spider
from scrapy.http import Response
from twisted.python.failure import Failure

from ..items import PageFetched
from ..links import read_listing
from ..source import Source

# 404 and 410 mean removed; the spider must see them rather than have Scrapy drop them.
_GONE_STATUSES = [404, 410]


def _charset(response: Response) -> str | None:
    content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
    _, _, charset = content_type.partition("charset=")
    return charset.split(";")[0].strip() or None


class PolicySpider(Spider):
    name = "policy"

    def __init__(
        self,
        source: Source,
        run_id: int,
        source_id: int,
        known_urls: list[str] = (),
        resting_urls: list[str] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(name=f"policy:{source.name}", **kwargs)
        self.source = source
        self.run_id = run_id
        self.source_id = source_id
        self.known_urls = list(known_urls)
        # Documents not due for a visit yet are skipped even when a listing links them.
        self.resting = set(resting_urls)
        self.requested: set[str] = set()

    async def start(self) -> AsyncIterator[Request]:
        for url in self.source.start_urls:
            yield self._listing_request(url, page=1)
        for url in self.known_urls:
            if request := self._document_request(url):
                yield request

    def _listing_request(self, url: str, page: int) -> Request:
        return Request(
            url,
            callback=self.parse_listing,
            errback=self.failed,
            cb_kwargs={"page": page},
            meta={"kind": "listing", "page_url": url},
            priority=10,
        )

    def _document_request(self, url: str) -> Request | None:
        if url in self.requested or url in self.resting or len(self.requested) >= self.source.max_documents:
            return None
        self.requested.add(url)
        return Request(
            url,
            callback=self.parse_document,
            errback=self.failed,
            meta={"kind": "document", "page_url": url, "handle_httpstatus_list": _GONE_STATUSES},
        )

    def parse_listing(self, response: Response, page: int) -> Iterator[PageFetched | Request]:
        listing = read_listing(
            response.body,
            response.url,
            self.source.hosts,
            encoding=_charset(response),
            document_pattern=self.source.document_pattern,
        )
        yield PageFetched(
            url=response.meta["page_url"],
            kind="listing",
            status=response.status,
            final_url=response.url,
            documents_found=len(listing.documents),
            body=b"",
        )
        for url in listing.documents:
            if request := self._document_request(url):
                yield request
        if page < self.source.max_pages:
            for url in listing.next_pages:
                yield self._listing_request(url, page + 1)

    def parse_document(self, response: Response) -> Iterator[PageFetched]:
        yield PageFetched(
            url=response.meta["page_url"],
            kind="document",
            status=response.status,
            body=response.body,
            encoding=_charset(response),
            final_url=response.url,
            not_modified="cached" in response.flags,
        )

    def failed(self, failure: Failure) -> Iterator[PageFetched]:
        request = failure.request
        response = getattr(failure.value, "response", None)
        yield PageFetched(
            url=request.meta.get("page_url", request.url),
            kind=request.meta.get("kind", "document"),
            status=response.status if response is not None else None,
            error=failure.getErrorMessage()[:500] or failure.type.__name__,
        )
