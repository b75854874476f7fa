"""Attachment links: the files (PDF, Word, WPS, OFD, spreadsheets, archives) a document page
links as part of the document, often where the text itself lives."""

from __future__ import annotations

import re
from urllib.parse import urljoin

from .blocks import TextBlock
from .document import Attachment
from .dom import Element, text_of

FILE_LINK = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|ofd|rtf|txt|zip|rar|7z|et)(?:$|[?#])", re.IGNORECASE)


def names_attachment(block: TextBlock) -> bool:
    """An attachment line belongs to the body ("附件1：….xlsx"); a "PDF下载" button does not."""
    return bool(FILE_LINK.search(" ".join(block.hrefs))) and (
        "附件" in block.text or bool(FILE_LINK.search(block.text))
    )


def find_attachments(container: Element, url: str | None) -> list[Attachment]:
    """File links in the body's container and beside it (attachment lists often follow the text)."""
    scope = container.getparent() if container.getparent() is not None else container
    found: dict[str, Attachment] = {}
    for link in scope.iter("a"):
        href = (link.get("href") or "").strip()
        if not FILE_LINK.search(href):
            continue
        absolute = urljoin(url, href) if url else href
        name = " ".join(text_of(link).split()) or absolute.rsplit("/", 1)[-1]
        found.setdefault(absolute, Attachment(name=name, url=absolute))
    return list(found.values())
