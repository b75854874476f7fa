"""File links on a document page, found by the spider without parsing the page: a regular
expression over the anchors, run only on pages that name a file extension at all. Which of them
are the document's attachments is the cleaner's call (the store worker checks), so this only has
to find every candidate cheaply."""

from __future__ import annotations

import html
import re
from collections.abc import Callable

from w3lib.url import safe_url_string

from ..cleaning.urls import absolute_link
from .sniff import FILE_TYPES, extension

_ANY_FILE = re.compile(rb"\.(?:" + b"|".join(t.encode() for t in FILE_TYPES) + rb")\b", re.IGNORECASE)
_HREF = re.compile(r"""<a\b[^>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """One spelling for a URL: percent-encoded the way Scrapy requests it, without a fragment."""
    return safe_url_string(url.split("#", 1)[0])


def file_links(body: bytes, decoded: Callable[[], str | None], base: str, limit: int) -> list[str]:
    """Up to `limit` distinct absolute URLs of readable files the page links (decoded: the page as
    text, asked for only when its bytes name a file extension at all)."""
    if limit <= 0 or not _ANY_FILE.search(body):
        return []
    text = decoded()
    if text is None:
        return []
    found: dict[str, None] = {}
    for match in _HREF.finditer(text):
        href = html.unescape(next(group for group in match.groups() if group is not None))
        url = absolute_link(href, base)
        if url is not None and extension(url) in FILE_TYPES:
            found.setdefault(url)
            if len(found) >= limit:
                break
    return list(found)
