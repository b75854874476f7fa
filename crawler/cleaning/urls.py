"""The one check for a link policywatch keeps, follows or shows: http, https (and, to show, mailto);
nothing else.

A crawled page's hrefs are hostile: `javascript:`, `JaVaScRiPt:`, `java\tscript:`,
`\x01javascript:`, `vbscript:`, `data:`; or not URLs at all (`http://[`), which make Python's
URL functions raise. A browser reads an href the WHATWG way: leading and trailing control
characters and spaces dropped, tabs and newlines removed anywhere. So this reads it the same way
before it looks at the scheme, and answers None rather than raising. Used by the cleaner (only
such attachment links are recorded), the listing reader and the spider (only such links are
followed), and by every template that renders an href (the web page, e-mail, chat).
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlsplit

FETCHED_SCHEMES = frozenset(("http", "https"))
SHOWN_SCHEMES = frozenset(("http", "https", "mailto"))
_TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))


def absolute_link(href: str | None, base: str | None = None, schemes: frozenset[str] = FETCHED_SCHEMES) -> str | None:
    """href made absolute against base if its scheme is one of schemes; None for anything else,
    and for an href no URL parser takes."""
    if not href:
        return None
    cleaned = _TABS_AND_NEWLINES.sub("", href).strip(_C0_AND_SPACE)
    if not cleaned:
        return None
    try:
        url = urljoin(base, cleaned) if base else cleaned
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not one
    except ValueError:
        return None
    if parts.scheme not in schemes:
        return None
    if parts.scheme in FETCHED_SCHEMES and not parts.hostname:
        return None
    return url


def shown_link(url: str | None) -> str | None:
    """An address as a page or a message may link it: http(s) or mailto, else None."""
    return absolute_link(url, None, SHOWN_SCHEMES)


def link_or_nothing(url: str | None) -> str:
    """For templates: the address if it may be linked, else "#" (a link to nowhere)."""
    return shown_link(url) or "#"
