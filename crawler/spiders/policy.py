"""A generic spider for a government site section: listing pages, pagination, documents.

Render modes: "static" fetches every page as served; "auto" (the default) does too, and notes a
listing that names no documents but runs scripts, so the crawl can try it again in a browser;
"browser" renders listings in a real browser (clicking pagers that only scripts understand) and
renders a document only when its static HTML holds no document.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

from scrapy import Request, Spider
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from ..cleaning import clean
from ..files import FILE_TYPES, file_links
from ..files.sniff import extension
from ..items import PageFetched
from ..links import read_listing
from ..scope import GuardedResolver, Scope, explain
from ..source import Source

# 404 and 410 mean removed; the spider must see them rather than have Scrapy drop them.
_GONE_STATUSES = [404, 410]
Render = Literal["static", "auto", "browser"]
# A script with code or a source: what builds a list or a text in the browser.
_SCRIPT = re.compile(rb"<script\b[^>]*(?:\bsrc\s*=|>\s*[^<\s])", re.IGNORECASE)


def _content_type(response: Response) -> str:
    return response.headers.get(b"Content-Type", b"").decode("latin-1").lower()


def _charset(response: Response) -> str | None:
    _, _, charset = _content_type(response).partition("charset=")
    return charset.split(";")[0].strip() or None


def runs_scripts(body: bytes) -> bool:
    return bool(_SCRIPT.search(body))


class PolicySpider(Spider):
    name = "policy"

    def __init__(
        self,
        source: Source,
        run_id: int,
        source_id: int,
        known_urls: list[str] = (),
        resting_urls: list[str] = (),
        render: Render = "auto",
        **kwargs: Any,
    ) -> None:
        super().__init__(name=f"policy:{source.name}", **kwargs)
        self.source = source
        self.run_id = run_id
        self.source_id = source_id
        self.known_urls = list(known_urls)
        self.render = render
        self.recycler: Any = None  # the browser's Recycler, in browser mode
        # Documents not due for a visit yet are skipped even when a listing links them.
        self.resting = set(resting_urls)
        self.requested: set[str] = set()
        self.scope = source.scope
        GuardedResolver.trusted |= self.scope.seed_hosts

    def scope_of(self, request: Request) -> Scope:
        """What the request's source may fetch (crawler/scope.py checks every request)."""
        return self.scope

    async def start(self) -> AsyncIterator[Request]:
        if self.render == "browser":
            from ..browser.pages import Recycler  # Playwright is loaded only by crawls that render

            self.recycler = Recycler(self.settings["POLICYWATCH_BROWSER"].restart_pages)
            self.settings["PLAYWRIGHT_ABORT_REQUEST"].bind(self.crawler)
        for url in self.source.start_urls:
            yield self._listing_request(url, page=1)
        for url in [*self.source.documents, *self.known_urls]:
            if request := self._document_request(url):
                yield request

    # -- requests --------------------------------------------------------------------------------

    def _rendered(self, meta: dict) -> dict:
        """A request's meta for rendering in the browser, in the context the recycler names."""
        return meta | {
            "playwright": True,
            "playwright_include_page": True,  # released through the recycler
            "playwright_context": self.recycler.context(),
            "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
        }

    def _listing_request(self, url: str, page: int) -> Request:
        meta = {"kind": "listing", "page_url": url}
        if self.render == "browser":
            return Request(
                url,
                callback=self.parse_rendered_listing,
                errback=self.failed,
                cb_kwargs={"page": page},
                meta=self._rendered(meta),
                priority=10,
                dont_filter=True,
            )
        return Request(
            url, callback=self.parse_listing, errback=self.failed, cb_kwargs={"page": page}, meta=meta, priority=10
        )

    def _document_request(self, url: str) -> Request | None:
        if url in self.requested or url in self.resting or len(self.requested) >= self.source.max_documents:
            return None
        self.requested.add(url)
        meta = {"kind": "document", "page_url": url, "handle_httpstatus_list": _GONE_STATUSES}
        if extension(url) in FILE_TYPES:  # a file linked straight from the listing
            meta["download_maxsize"] = self.settings.getint("POLICYWATCH_FILE_MAX_BYTES")
        return Request(url, callback=self.parse_document, errback=self.failed, meta=meta)

    def _attachment_requests(self, response: Response) -> Iterator[Request]:
        """The files a document page links, fetched beside it (which of them belong to the
        document is decided when it is stored)."""
        limit = self.settings.getint("POLICYWATCH_ATTACHMENTS_PER_DOCUMENT", 20)
        decoded = lambda: response.text if isinstance(response, TextResponse) else None  # noqa: E731
        for url in file_links(response.body, decoded, response.url, limit):
            yield Request(
                url,
                callback=self.parse_attachment,
                errback=self.failed,
                meta={
                    "kind": "attachment",
                    "page_url": url,
                    "parent_url": response.meta["page_url"],
                    "download_maxsize": self.settings.getint("POLICYWATCH_FILE_MAX_BYTES"),
                    "handle_httpstatus_list": _GONE_STATUSES,
                },
            )

    # -- listings --------------------------------------------------------------------------------

    def _read(self, body: bytes, url: str, encoding: str | None) -> Any:
        return read_listing(body, url, self.scope, encoding=encoding, document_pattern=self.source.document_pattern)

    def parse_listing(self, response: Response, page: int) -> Iterator[PageFetched | Request]:
        listing = self._read(response.body, response.url, _charset(response))
        yield PageFetched(
            url=response.meta["page_url"],
            kind="listing",
            status=response.status,
            body=response.body,
            encoding=_charset(response),
            final_url=response.url,
            error=listing.unreadable,
            documents_found=len(listing.documents),
            script_built=self.render == "auto" and page == 1 and not listing.documents and runs_scripts(response.body),
            listing=listing,
        )
        yield from self._follow(listing, page)

    def _follow(self, listing: Any, page: int) -> Iterator[Request]:
        for url in listing.documents:
            if request := self._document_request(url):
                yield request
        if page < self.source.max_pages:
            for url in listing.next_pages:
                yield self._listing_request(url, page + 1)

    async def parse_rendered_listing(self, response: Response, page: int) -> AsyncIterator[PageFetched | Request]:
        """The rendered list; then, while a script-driven pager or "load more" control shows
        more (up to max_pages views), each next view."""
        from ..browser.pages import next_view

        browser_page = response.meta["playwright_page"]
        html, view, encoding = response.body, page, _charset(response)
        if refused := self._left_scope(response, "listing"):
            await self.recycler.release(browser_page, response.meta["playwright_context"])
            yield refused
            return
        try:
            while html is not None:
                listing = self._read(html, response.url, encoding)
                yield PageFetched(
                    url=response.meta["page_url"],
                    kind="listing",
                    status=response.status,
                    body=html,
                    encoding=encoding,
                    final_url=response.url,
                    documents_found=len(listing.documents),
                    rendered=True,
                    listing=listing,
                )
                for request in self._follow(listing, view):
                    yield request
                if listing.next_pages or view >= self.source.max_pages:
                    break
                shown = await next_view(browser_page)
                html, view, encoding = (shown.encode("utf-8") if shown else None), view + 1, "utf-8"
        finally:
            await self.recycler.release(browser_page, response.meta["playwright_context"])

    # -- documents -------------------------------------------------------------------------------

    def parse_document(self, response: Response) -> Iterator[PageFetched | Request]:
        if self.render == "browser" and response.status == 200 and self._script_built_document(response):
            yield Request(
                response.url,
                callback=self.parse_rendered_document,
                errback=self.failed,
                meta=self._rendered({"kind": "document", "page_url": response.meta["page_url"]}),
                dont_filter=True,
            )
            return
        yield PageFetched(
            url=response.meta["page_url"],
            kind="document",
            status=response.status,
            body=response.body,
            encoding=_charset(response),
            final_url=response.url,
            not_modified="cached" in response.flags,
            content_type=_content_type(response),
        )
        if response.status == 200:
            yield from self._attachment_requests(response)

    def parse_attachment(self, response: Response) -> Iterator[PageFetched]:
        yield PageFetched(
            url=response.meta["page_url"],
            kind="attachment",
            status=response.status,
            body=response.body,
            final_url=response.url,
            not_modified="cached" in response.flags,
            parent_url=response.meta["parent_url"],
            content_type=_content_type(response),
        )

    def _script_built_document(self, response: Response) -> bool:
        """No document in the static HTML, but scripts that may write one."""
        doc = clean(response.body, response.url, self.source.rules, encoding=_charset(response))
        return doc.no_document == "too_little_text" and runs_scripts(response.body)

    def _left_scope(self, response: Response, kind: str) -> PageFetched | None:
        """A rendered page the browser was redirected to outside the source's scope: refused."""
        refusal = self.scope_of(response.request).refusal(response.url)
        if refusal is None:
            return None
        return PageFetched(url=response.meta["page_url"], kind=kind, error=refusal, rendered=True)  # type: ignore[arg-type]

    async def parse_rendered_document(self, response: Response) -> AsyncIterator[PageFetched]:
        await self.recycler.release(response.meta["playwright_page"], response.meta["playwright_context"])
        if refused := self._left_scope(response, "document"):
            yield refused
            return
        yield PageFetched(
            url=response.meta["page_url"],
            kind="document",
            status=response.status,
            body=response.body,
            encoding="utf-8",
            final_url=response.url,
            rendered=True,
        )

    async def failed(self, failure: Failure) -> AsyncIterator[PageFetched]:
        request = failure.request
        page = request.meta.get("playwright_page")
        if page is not None and self.recycler is not None:
            await self.recycler.release(page, request.meta["playwright_context"])
        response = getattr(failure.value, "response", None)
        yield PageFetched(
            url=request.meta.get("page_url", request.url),
            kind=request.meta.get("kind", "document"),
            status=response.status if response is not None else None,
            error=explain(request.url, failure.getErrorMessage() or failure.type.__name__)[:500],
            rendered=bool(request.meta.get("playwright")),
            parent_url=request.meta.get("parent_url"),
        )
