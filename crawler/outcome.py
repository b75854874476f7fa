"""What a document fetch means.

Every page becomes a Fetch row. Only a page that cleans into a document becomes (or confirms) a
version; a 404/410, a "page not found" page or a redirect to the site's front page marks the
document gone; anything else is a failed fetch and leaves the document as it was.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from urllib.parse import urlsplit

from storage.recording import Content, Outcome

from .cleaning import CLEANER_VERSION, CleanDocument, clean
from .files import FileError, FileLimits, FileText, extract, file_document, sniff
from .items import PageFetched
from .source import Source

# A file's own bytes are kept (compressed) up to this size, so a better extractor can re-read
# them; a bigger file keeps only its text.
KEEP_FILE_BYTES = 20_000_000
Verdict = tuple[Outcome, Content | FileText | None, str | None]
Stored = tuple[Outcome, Content | None, str | None]  # a verdict whose file text became content


def _redirected_away(page: PageFetched, source: Source) -> bool:
    """A removed page often redirects to the site's front page or back to the listing."""
    if not page.final_url or page.final_url == page.url:
        return False
    path = urlsplit(page.final_url).path
    return path in ("", "/") or path.rsplit("/", 1)[-1].startswith("index.") or page.final_url in source.start_urls


def classify(page: PageFetched, source: Source, limits: FileLimits) -> Verdict:
    """What a document fetch means: (outcome, cleaned content or a file's text if ok, error text)."""
    if page.status in (404, 410):
        return "gone", None, f"HTTP {page.status}"
    if page.status is None or not 200 <= page.status < 300:
        return "failed", None, page.error or f"HTTP {page.status}"
    if _redirected_away(page, source):
        return "gone", None, f"redirected to {page.final_url}"
    file_type = sniff(page.body, page.final_url or page.url, page.content_type)
    if file_type is not None:
        try:
            return "ok", extract(page.body, file_type, limits), None
        except FileError as exc:
            return "failed", None, f"{file_type}: {exc}"
    if page.kind == "attachment":
        return "skipped", None, "the file link serves a web page"
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


def file_content(text: FileText, name: str | None, url: str, raw: bytes) -> Content:
    """A file's text as storage keeps it. Its hash is its text's alone (a renamed link is no
    change), or for a scan without text its bytes'."""
    doc = file_document(text, name, url)
    body = "\n".join("".join(p.split()) for p in text.paragraphs)
    identity = raw if text.scanned else body.encode("utf-8")
    meta = doc.meta.as_dict() | {"file_type": text.file_type, "pages": text.pages, "tool": text.tool}
    if text.scanned:
        meta["scanned"] = True
    return Content(
        title=doc.title,
        text=doc.text,
        content_hash=hashlib.sha256(identity).hexdigest(),
        status=doc.meta.status,
        meta=meta,
        raw_html=raw if len(raw) <= KEEP_FILE_BYTES else b"",
        cleaner=CLEANER_VERSION,
        file_type=text.file_type,
    )
