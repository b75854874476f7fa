"""What a dry run on one URL found: a listing (its documents, next pages, first documents
cleaned), a document, or nothing, with the reason why in words a newcomer can act on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Literal
from urllib.parse import urlsplit

from crawler.cleaning import clean, dom
from crawler.cleaning.blocks import segment
from crawler.cleaning.decode import decode_html
from crawler.files import FileLimits, FileText, sniff
from crawler.items import PageFetched
from crawler.links import Listing
from crawler.outcome import classify, file_content
from crawler.source import Politeness, Source
from crawler.spiders.policy import runs_scripts
from storage.recording import Content

from .probe import crawl_once

LINES_SHOWN = 5
LIST_SHARE = 0.5  # a page whose cleaned text is mostly its list's titles is a listing
_PASSWORD = re.compile(rb"<input\b[^>]*type\s*=\s*['\"]?password", re.IGNORECASE)


@dataclass
class Seen:
    """One document as a crawl would store it, or why it would not."""

    url: str
    title: str = ""
    meta: dict = field(default_factory=dict)
    attachments: list[dict] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    chars: int = 0
    cut: list[str] = field(default_factory=list)  # visible blocks left out as chrome
    cut_chars: int = 0
    error: str | None = None


@dataclass
class Findings:
    url: str
    kind: Literal["listing", "document", "nothing"]
    rendered: bool = False
    documents: list[dict] = field(default_factory=list)  # title, date, url as the listing shows them
    next_pages: list[str] = field(default_factory=list)
    first: list[Seen] = field(default_factory=list)
    problem: str | None = None  # what was seen when nothing was found
    page_title: str = ""


def _root(page: PageFetched) -> dom.Element | None:
    """The page's tree, or None (nothing to parse, or nested too deeply to read whole)."""
    try:
        return dom.parse(decode_html(page.body, page.encoding)[0])
    except dom.TooDeepError:
        return None


def _tab_title(page: PageFetched) -> str:
    root = _root(page)
    return dom.html_title(root) if root is not None else ""


def chrome_cut(page: PageFetched, text: str) -> list[str]:
    """The page's visible blocks that are not in the document's text: what cleaning cut."""
    root = _root(page)
    if root is None:
        return []
    dom.prune(root)
    kept = set(text.split("\n"))
    return [b.text for b in segment(root) if b.text not in kept]


def seen(page: PageFetched, limits: FileLimits) -> Seen:
    """A document page or file, judged exactly as the store worker judges it."""
    outcome, content, error = classify(page, Source(name="try", start_urls=[page.url]), limits)
    if isinstance(content, FileText):
        content = file_content(content, None, page.url, page.body)
    if outcome != "ok" or not isinstance(content, Content):
        return Seen(page.url, error=error or outcome)
    lines = [line for line in content.text.split("\n") if line.strip()]
    cut = [] if content.file_type else chrome_cut(page, content.text)
    return Seen(
        page.url,
        content.title,
        {k: v for k, v in content.meta.items() if v},
        content.attachments,
        lines[:LINES_SHOWN],
        len(content.text),
        cut,
        sum(len(c) for c in cut),
    )


def is_document_page(page: PageFetched, listing: Listing | None) -> bool:
    """A file, or a page whose cleaned text is its own rather than its list's titles (a document
    page with a "相关文件" rail names a few documents too; a listing's "text" is its list)."""
    if sniff(page.body, page.final_url or page.url, page.content_type):
        return True
    if listing is not None and listing.documents and listing.next_pages:
        return False  # a list with a pager is a listing, even of one item a page
    doc = clean(page.body, page.final_url or page.url, encoding=page.encoding)
    if not doc.found or _only_footer(doc.text):
        return False
    titles = listing.titles.values() if listing else []
    listed = sum(len(t) for t in titles if t and t in doc.text)
    return listed < LIST_SHARE * len(doc.text)


_SITE_FACTS = re.compile(r"主办|承办|地址|邮编|邮政编码|电话|传真|备案|ICP|网站标识码|版权|技术支持")


def _only_footer(text: str) -> bool:
    """A "document" that is the site's footer (主办, 地址, 邮编, ICP备…) is no document."""
    lines = [line for line in text.splitlines() if line.strip()]
    footer = sum(bool(_SITE_FACTS.search(line)) for line in lines)
    return bool(lines) and footer * 2 >= len(lines) and len(text) < 300


def _listing_findings(
    url: str, start: PageFetched, pages: list[PageFetched], rendered: bool, limits: FileLimits
) -> Findings:
    listing = start.listing or Listing()
    documents = [
        {"title": listing.titles.get(u, ""), "date": listing.dates.get(u), "url": u} for u in listing.documents
    ]
    fetched = {p.url: p for p in pages if p.kind == "document"}
    first = [seen(fetched[u], limits) for u in listing.documents if u in fetched]
    return Findings(url, "listing", rendered, documents, listing.next_pages, first, page_title=_tab_title(start))


def why_nothing(start: PageFetched | None, tried_browser: bool) -> str:
    """One paragraph on what the dry run saw when it found neither a list nor a document."""
    if start is None:
        return "Nothing came back for this address (the crawl ended before fetching it)."
    if start.error and "robots.txt" in start.error.lower():
        host = urlsplit(start.url)
        return (
            f"{host.scheme}://{host.netloc}/robots.txt does not allow crawlers to fetch this page, and policywatch "
            "keeps to it. Ask the site, or watch another address of the same documents."
        )
    if start.status in (401, 403) or _PASSWORD.search(start.body):
        return (
            f"The page asks for a login (HTTP {start.status}{', a password field' if start.body else ''}); "
            "policywatch watches public pages only."
        )
    if start.status is not None and not 200 <= start.status < 300:
        return f"The server answered HTTP {start.status}: is the address right, and public?"
    if start.status is None:
        return f"The page could not be fetched: {start.error or 'no answer'}."
    if runs_scripts(start.body):
        tail = (
            "it was rendered in the browser too and still showed none"
            if tried_browser
            else "try again with --render browser"
        )
        return (
            "The page names no documents in its HTML and holds no document text, but runs scripts: "
            f"{tail}. If its list comes from a search form or a login, policywatch cannot watch it."
        )
    return (
        "The page holds no document text, and none of its links forms a list of documents (titles "
        "beside dates). A section's front page? Try the address of its full list (its 更多 link), or "
        "name the documents' addresses with document_pattern in the seed."
    )


def look(url: str, politeness: Politeness, render: str) -> Findings:
    """Dry-run a crawl of url as a source would, and say what it found."""
    limits = FileLimits(politeness.attachment_seconds, politeness.attachment_memory_mb)
    rendered = render == "browser"
    pages = crawl_once(url, politeness, "browser" if rendered else "static")
    start = next((p for p in pages if p.kind == "listing"), None)
    if start is not None and start.status == 200 and is_document_page(start, start.listing):
        page = replace(start, kind="document")
        return Findings(url, "document", rendered, first=[seen(page, limits)], page_title=_tab_title(start))
    static = start.listing if start is not None and start.listing and start.listing.documents else None
    scripts = render == "auto" and start is not None and start.status == 200 and runs_scripts(start.body)
    if start is not None and static is not None and not (static.found_little and scripts):
        return _listing_findings(url, start, pages, rendered, limits)
    if start is not None and scripts:  # nothing, a weak list or a script pager: what does a browser see?
        browsed = crawl_once(url, politeness, "browser")
        rendered_start = next((p for p in browsed if p.kind == "listing"), None)
        if rendered_start is not None and rendered_start.listing and rendered_start.listing.documents:
            return _listing_findings(url, rendered_start, browsed, True, limits)
        if static is not None:
            return _listing_findings(url, start, pages, rendered, limits)
        return Findings(url, "nothing", True, problem=why_nothing(start, tried_browser=True))
    return Findings(url, "nothing", rendered, problem=why_nothing(start, tried_browser=rendered))
