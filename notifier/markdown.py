"""Markdown for chat apps from hostile text. Every value a template prints is escaped (Jinja's
`finalize`), so a crawled title cannot open a heading, a link or an @-mention; only addresses
passed through the `url` filter are printed as they are, and only http(s) ones."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined

from crawler.cleaning.urls import FETCHED_SCHEMES, absolute_link

_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~@=$])")
_URL_UNSAFE = "()<>[] \"'\\`"


@dataclass(frozen=True)
class Trusted:
    text: str


def escape(value: object) -> str:
    """Text as literal Markdown: one line, every markup character backslash-escaped."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(value).split()))


def url(value: str) -> Trusted:
    """An http(s) address safe inside (…) of a Markdown link; anything else becomes empty."""
    checked = absolute_link(value, None, FETCHED_SCHEMES)
    if checked is None:
        return Trusted("")
    return Trusted("".join(quote(c, safe="") if c in _URL_UNSAFE else c for c in checked))


def _finalize(value: object) -> str:
    if isinstance(value, Trusted):
        return value.text
    return "" if value is None else escape(value)


environment = Environment(
    loader=PackageLoader("notifier", "templates"),
    finalize=_finalize,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    autoescape=False,  # Markdown, not HTML: finalize escapes every value
)
environment.filters["url"] = url


def fit(body: str, limit: int, tail: str) -> str:
    """The body within an app's size limit, cut at a paragraph, with a tail saying so."""
    if not limit or len(body) <= limit:
        return body
    room = max(0, limit - len(tail) - 2)
    cut = body.rfind("\n\n", 0, room)
    return body[: cut if cut > 0 else room].rstrip() + "\n\n" + tail
