"""The spider: listing pages, pagination, documents and their attachments, for many runs at once.

Every request carries its run (crawler/feed/runs.py counts what each run still waits for and
closes it when done), and is checked against that run's source: its scope, its politeness, its
time limit. Render modes: "static" fetches every page as served; "auto" (the default) does too,
and notes a listing that names no documents but runs scripts, so the same run goes on in the
browser; "browser" renders listings (clicking pagers that only scripts understand) and renders a
document only when its static HTML holds no document. A process has one spider for static pages
and, once a run needs one, a second that renders; both take their runs from one RunBook.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, cast

from scrapy import Request, Spider, signals
from scrapy.crawler import Crawler
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from ..cleaning import clean
from ..feed.runs import Mode, RunBook, RunJob
from ..files import FILE_TYPES, file_links
from ..files.sniff import extension
from ..items import PageFetched
from ..links import Listing, read_listing
from ..politeness import register
from ..scope import GuardedResolver, explain

# 404 and 410 mean removed; the spider must see them rather than have Scrapy drop them.
_GONE_STATUSES = [404, 410]
MAX_URL_LENGTH = 2083  # what browsers and Scrapy's (disabled) URL-length filter take
# A script with code or a source: what builds a list or a text in the browser.
_SCRIPT = re.compile(rb"<script\b[^>]*(?:\bsrc\s*=|>\s*[^<\s])", re.IGNORECASE)


def _content_type(response: Response) -> str:
    return (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()


def _charset(response: Response) -> str | None:
    _, _, charset = _content_type(response).partition("charset=")
    return charset.split(";")[0].strip() or None


def runs_scripts(body: bytes) -> bool:
    return bool(_SCRIPT.search(body))


def settles(callback: Callable[..., Iterator[Any]]) -> Callable[..., Iterator[Any]]:
    """A callback or errback that, once run to its end, tells the book its request is settled."""

    @functools.wraps(callback)
    def wrapper(self: PolicySpider, answer: Response | Failure, *args: Any, **kwargs: Any) -> Iterator[Any]:
        try:
            yield from callback(self, answer, *args, **kwargs)
        finally:
            self.book.settled(_request_of(answer))

    return wrapper


def _request_of(answer: Response | Failure) -> Request:
    """The request a response or a failure answers (Scrapy sets a failure's request itself)."""
    return cast(Request, answer.request if isinstance(answer, Response) else getattr(answer, "request", None))


def settles_async(callback: Callable[..., AsyncIterator[Any]]) -> Callable[..., AsyncIterator[Any]]:
    @functools.wraps(callback)
    async def wrapper(self: PolicySpider, answer: Response | Failure, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
        try:
            async for output in callback(self, answer, *args, **kwargs):
                yield output
        finally:
            self.book.settled(_request_of(answer))

    return wrapper


class PolicySpider(Spider):
    name = "policy"

    def __init__(self, book: RunBook, mode: Mode = "static", **kwargs: Any) -> None:
        super().__init__(name=f"policy-{mode}", **kwargs)
        self.book, self.mode = book, mode
        self.recycler: Any = None  # the browser's Recycler, in browser mode

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> PolicySpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.book.settled, signal=signals.request_dropped)
        return spider

    async def start(self) -> AsyncIterator[Request]:
        if self.mode == "browser":
            from ..browser.pages import Recycler  # Playwright is loaded only by crawls that render

            self.recycler = Recycler(self.settings["POLICYWATCH_BROWSER"].restart_pages)
            self.settings["PLAYWRIGHT_ABORT_REQUEST"].bind(self.crawler, self.book.browser_scopes)
        while (jobs := await self.book.next_jobs(self.mode)) is not None:
            for job in jobs:
                GuardedResolver.trusted |= job.scope.seed_hosts
                register(self.crawler, job.source.delay, job.source.concurrency, job.source.hosts)
                for request in self._start_requests(job):
                    yield request
                self.book.started(job)
        if self.mode == "static":
            for follower in self.book.followers:
                await follower  # the browser's crawl closes before the process may end

    def _start_requests(self, job: RunJob) -> Iterator[Request]:
        for url in job.source.start_urls:
            yield self._listing_request(job, url, page=1)
        for url in [*job.source.documents, *job.known_urls]:
            if request := self._document_request(job, url):
                yield request

    def refusal(self, request: Request) -> str | None:
        """Why the request may not go out: its run has ended, or it is outside the run's scope
        (crawler/scope.py and crawler/politeness.py ask this of every request)."""
        if ended := self.book.refusal(request):
            return ended
        job = self.book.jobs.get(request.meta.get("run", 0))
        if job is None:
            return None  # robots.txt, asked for on behalf of a request already checked
        return job.scope.refusal(request.url)

    # -- requests --------------------------------------------------------------------------------

    def _rendered(self, meta: dict[str, Any]) -> dict[str, Any]:
        """A request's meta for rendering in the browser, in the context the recycler names."""
        return meta | {
            "playwright": True,
            "playwright_include_page": True,  # released through the recycler
            "playwright_context": self.recycler.context(),
            "playwright_page_goto_kwargs": {"wait_until": "networkidle"},
        }

    def _listing_request(self, job: RunJob, url: str, page: int) -> Request:
        meta = {"kind": "listing", "page_url": url}
        if self.mode == "browser":
            request = Request(
                url,
                callback=self.parse_rendered_listing,
                errback=self.failed,
                cb_kwargs={"page": page},
                meta=self._rendered(meta),
                priority=10,
                dont_filter=True,
            )
        else:
            request = Request(
                url, callback=self.parse_listing, errback=self.failed, cb_kwargs={"page": page}, meta=meta, priority=10
            )
        return self.book.tag(request, job)

    def _document_request(self, job: RunJob, url: str, listed: dict[str, str] | None = None) -> Request | None:
        if url in job.requested or url in job.resting or len(job.requested) >= job.source.max_documents:
            return None
        if len(url) > MAX_URL_LENGTH:
            return None
        job.requested.add(url)
        meta: dict[str, Any] = {"kind": "document", "page_url": url, "handle_httpstatus_list": _GONE_STATUSES}
        if listed:
            meta["listed"] = listed  # what the listing's catalogue row says of it
        if extension(url) in FILE_TYPES:  # a file linked straight from the listing
            meta["download_maxsize"] = self.settings.getint("POLICYWATCH_FILE_MAX_BYTES")
        return self.book.tag(Request(url, callback=self.parse_document, errback=self.failed, meta=meta), job)

    def _attachment_requests(self, job: RunJob, response: Response) -> Iterator[Request]:
        """The files a document page links, fetched beside it (which of them belong to the
        document is decided when it is stored)."""
        limit = self.settings.getint("POLICYWATCH_ATTACHMENTS_PER_DOCUMENT", 20)
        decoded = lambda: response.text if isinstance(response, TextResponse) else None  # noqa: E731
        for url in file_links(response.body, decoded, response.url, limit):
            if len(url) > MAX_URL_LENGTH:
                continue
            meta = {
                "kind": "attachment",
                "page_url": url,
                "parent_url": response.meta["page_url"],
                "download_maxsize": self.settings.getint("POLICYWATCH_FILE_MAX_BYTES"),
                "handle_httpstatus_list": _GONE_STATUSES,
            }
            yield self.book.tag(Request(url, callback=self.parse_attachment, errback=self.failed, meta=meta), job)

    def _run_of(self, response: Response) -> RunJob | None:
        """The response's run, unless it has ended (its answers are no longer wanted)."""
        job = self.book.jobs.get(response.meta.get("run", 0))
        return job if job is not None and job.ended is None and not job.closed else None

    # -- listings --------------------------------------------------------------------------------

    def _read(self, job: RunJob, body: bytes, url: str, encoding: str | None) -> Listing:
        return read_listing(body, url, job.scope, encoding=encoding, document_pattern=job.source.document_pattern)

    @settles
    def parse_listing(self, response: Response, page: int) -> Iterator[PageFetched | Request]:
        if (job := self._run_of(response)) is None:
            return
        listing = self._read(job, response.body, response.url, _charset(response))
        script_built = job.render == "auto" and page == 1 and listing.found_little and runs_scripts(response.body)
        job.needs_browser |= script_built
        yield PageFetched(
            url=response.meta["page_url"],
            kind="listing",
            run_id=job.run_id,
            status=response.status,
            body=response.body,
            encoding=_charset(response),
            final_url=response.url,
            error=listing.unreadable,
            documents_found=len(listing.documents),
            script_built=script_built,
            listing=listing,
        )
        yield from self._follow(job, listing, page)

    def _follow(self, job: RunJob, listing: Listing, page: int) -> Iterator[Request]:
        for url in listing.documents:
            if request := self._document_request(job, url, listing.catalogue.get(url)):
                yield request
        if page < job.source.max_pages:
            for url in listing.next_pages:
                if len(url) <= MAX_URL_LENGTH:
                    yield self._listing_request(job, url, page + 1)

    @settles_async
    async def parse_rendered_listing(self, response: Response, page: int) -> AsyncIterator[PageFetched | Request]:
        """The rendered list; then, while a script-driven pager or "load more" control shows
        more (up to max_pages views), each next view."""
        from ..browser.pages import next_view

        browser_page = response.meta["playwright_page"]
        job = self._run_of(response)
        refused = self._left_scope(job, response, "listing") if job is not None else None
        if job is None or refused is not None:
            await self.recycler.release(browser_page, response.meta["playwright_context"])
            if refused is not None:
                yield refused
            return
        html: bytes | None = response.body
        view, encoding = page, _charset(response)
        try:
            while html is not None:
                listing = self._read(job, html, response.url, encoding)
                job.rendered_documents += len(listing.documents)
                yield PageFetched(
                    url=response.meta["page_url"],
                    kind="listing",
                    run_id=job.run_id,
                    status=response.status,
                    body=html,
                    encoding=encoding,
                    final_url=response.url,
                    documents_found=len(listing.documents),
                    rendered=True,
                    listing=listing,
                )
                for request in self._follow(job, listing, view):
                    yield request
                if listing.next_pages or view >= job.source.max_pages:
                    break
                shown = await next_view(browser_page)
                html, view, encoding = (shown.encode("utf-8") if shown else None), view + 1, "utf-8"
        finally:
            await self.recycler.release(browser_page, response.meta["playwright_context"])

    def _left_scope(self, job: RunJob, response: Response, kind: str) -> PageFetched | None:
        """A rendered page the browser was redirected to outside the source's scope: refused."""
        refusal = job.scope.refusal(response.url)
        if refusal is None:
            return None
        return PageFetched(url=response.meta["page_url"], kind=kind, run_id=job.run_id, error=refusal, rendered=True)  # type: ignore[arg-type]

    # -- documents -------------------------------------------------------------------------------

    @settles
    def parse_document(self, response: Response) -> Iterator[PageFetched | Request]:
        if (job := self._run_of(response)) is None:
            return
        if self.mode == "browser" and response.status == 200 and self._script_built_document(job, response):
            meta = self._rendered({"kind": "document", "page_url": response.meta["page_url"]})
            yield self.book.tag(
                Request(
                    response.url,
                    callback=self.parse_rendered_document,
                    errback=self.failed,
                    meta=meta,
                    dont_filter=True,
                ),
                job,
            )
            return
        yield PageFetched(
            url=response.meta["page_url"],
            kind="document",
            run_id=job.run_id,
            status=response.status,
            body=response.body,
            encoding=_charset(response),
            final_url=response.url,
            not_modified="cached" in response.flags,
            content_type=_content_type(response),
            listed=response.meta.get("listed"),
        )
        if response.status == 200:
            yield from self._attachment_requests(job, response)

    @settles
    def parse_attachment(self, response: Response) -> Iterator[PageFetched]:
        if (job := self._run_of(response)) is None:
            return
        yield PageFetched(
            url=response.meta["page_url"],
            kind="attachment",
            run_id=job.run_id,
            status=response.status,
            body=response.body,
            final_url=response.url,
            not_modified="cached" in response.flags,
            parent_url=response.meta["parent_url"],
            content_type=_content_type(response),
        )

    def _script_built_document(self, job: RunJob, response: Response) -> bool:
        """No document in the static HTML, but scripts that may write one."""
        doc = clean(response.body, response.url, job.source.rules, encoding=_charset(response))
        return doc.no_document == "too_little_text" and runs_scripts(response.body)

    @settles_async
    async def parse_rendered_document(self, response: Response) -> AsyncIterator[PageFetched]:
        await self.recycler.release(response.meta["playwright_page"], response.meta["playwright_context"])
        if (job := self._run_of(response)) is None:
            return
        if refused := self._left_scope(job, response, "document"):
            yield refused
            return
        yield PageFetched(
            url=response.meta["page_url"],
            kind="document",
            run_id=job.run_id,
            status=response.status,
            body=response.body,
            encoding="utf-8",
            final_url=response.url,
            rendered=True,
        )

    @settles_async
    async def failed(self, failure: Failure) -> AsyncIterator[PageFetched]:
        request = _request_of(failure)
        page = request.meta.get("playwright_page")
        if page is not None and self.recycler is not None:
            await self.recycler.release(page, request.meta["playwright_context"])
        job = self.book.jobs.get(request.meta.get("run", 0))
        if job is None or job.closed:
            return
        response = getattr(failure.value, "response", None)
        yield PageFetched(
            url=request.meta.get("page_url", request.url),
            kind=request.meta.get("kind", "document"),
            run_id=job.run_id,
            status=response.status if response is not None else None,
            error=explain(request.url, failure.getErrorMessage() or getattr(failure.type, "__name__", "error"))[:500],
            rendered=bool(request.meta.get("playwright")),
            parent_url=request.meta.get("parent_url"),
        )
