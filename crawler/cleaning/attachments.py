"""Attachment links: the files (PDF, Word, WPS, OFD, spreadsheets, archives) a document page
links as part of the document, often where the text itself lives."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from .blocks import TextBlock
from .document import Attachment
from .dom import Element, text_of
from .urls import absolute_link

FILE_EXTENSIONS = frozenset("pdf doc docx wps xls xlsx ofd rtf txt zip rar 7z et".split())
FILE_LINK = re.compile(rf"\.(?:{'|'.join(sorted(FILE_EXTENSIONS))})(?:$|[?#])", re.IGNORECASE)


def is_file_link(href: str) -> bool:
    """Does the URL's path end in a file extension (plain string work: a page has hundreds)."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    return "." in path and path.rsplit(".", 1)[1].lower() in FILE_EXTENSIONS


def names_attachment(block: TextBlock) -> bool:
    """An attachment line belongs to the body ("附件1：….xlsx"); a "PDF下载" button does not."""
    return any(is_file_link(href) for href in block.hrefs) and (
        "附件" in block.text or bool(FILE_LINK.search(block.text))
    )


def find_attachments(container: Element, url: str | None) -> list[Attachment]:
    """File links in the body's container and beside it (attachment lists often follow the text)."""
    scope = container.getparent()
    if scope is None:
        scope = container
    found: dict[str, Attachment] = {}
    for link in scope.iter("a"):
        href = (link.get("href") or "").strip()
        if not is_file_link(href):
            continue
        absolute = absolute_link(href, url) if url else _relative(href)
        if absolute is None:  # javascript:…/附件1.pdf and the like: never recorded
            continue
        name = " ".join(text_of(link).split()) or absolute.rsplit("/", 1)[-1]
        found.setdefault(absolute, Attachment(name=name, url=absolute))
    return list(found.values())


def _relative(href: str) -> str | None:
    """Without the page's address (a saved file), a relative link as it is, if it is one."""
    try:
        return href if not urlsplit(href).scheme else absolute_link(href)
    except ValueError:
        return None
