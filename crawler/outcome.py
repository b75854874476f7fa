"""What a document fetch means.

Every page becomes a Fetch row. Only a page that cleans into a document becomes (or confirms) a
version; a 404/410, a "page not found" page or a redirect to the site's front page marks the
document gone; anything else is a failed fetch and leaves the document as it was.
"""

from __future__ import annotations

from dataclasses import asdict
from urllib.parse import urlsplit

from storage.recording import Content, Outcome

from .cleaning import CLEANER_VERSION, CleanDocument, clean
from .items import PageFetched
from .source import Source


def _redirected_away(page: PageFetched, source: Source) -> bool:
    """A removed page often redirects to the site's front page or back to the listing."""
    if not page.final_url or page.final_url == page.url:
        return False
    path = urlsplit(page.final_url).path
    return path in ("", "/") or path.rsplit("/", 1)[-1].startswith("index.") or page.final_url in source.start_urls


def classify(page: PageFetched, source: Source) -> tuple[Outcome, Content | None, str | None]:
    """What a document fetch means: (outcome, cleaned content if ok, error text)."""
    if page.status in (404, 410):
        return "gone", None, f"HTTP {page.status}"
    if page.status is None or not 200 <= page.status < 300:
        return "failed", None, page.error or f"HTTP {page.status}"
    if _redirected_away(page, source):
        return "gone", None, f"redirected to {page.final_url}"
    doc = clean(page.body, page.final_url or page.url, source.rules, encoding=page.encoding)
    if doc.no_document == "not_found_page":
        return "gone", None, "the page says it was not found"
    if not doc.found:
        return "failed", None, f"no document in the page ({doc.no_document})"
    return "ok", content_of(doc, page.body), None


def content_of(doc: CleanDocument, raw_html: bytes) -> Content:
    """A cleaned page as storage keeps it, noting which cleaner made it."""
    return Content(
        title=doc.title,
        text=doc.text,
        content_hash=doc.content_hash,
        status=doc.meta.status,
        meta=doc.meta.as_dict(),
        attachments=[asdict(a) for a in doc.attachments],
        raw_html=raw_html,
        encoding=doc.encoding,
        cleaner=CLEANER_VERSION,
    )
