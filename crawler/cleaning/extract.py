"""clean(): from the bytes of a page to the document a reader came for.

decode → parse → prune what a reader never sees → cut into text blocks → weigh each block →
choose the element holding the body → keep the document's blocks in it → title, metadata and
attachment links. Kinds of pages with a shape of their own have a module each (wechat.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from . import dom
from .attachments import find_attachments
from .blocks import HEADING_TAGS, TextBlock, segment
from .body import body_blocks
from .content import Weighed, best_container, block_values, line_container
from .decode import decode_html
from .document import Block, BlockKind, CleanDocument
from .dom import Element, text_of
from .gone import says_not_found
from .meta import extract_meta
from .tables import expand_rowspans
from .title import find_title, strip_status_prefix
from .validity import read_validity
from .wechat import is_wechat, read_wechat

MIN_BODY_CHARS = 40
MIN_COVER_NOTE_CHARS = 10
# Beyond this, a page is not a policy document; cleaning it would only cost time.
MAX_INPUT_BYTES = 8_000_000
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


@dataclass
class Rules:
    """Per-source overrides from the seed file; each wins over the automatic path."""

    content_selector: str | None = None
    title_selector: str | None = None
    drop_selectors: list[str] = field(default_factory=list)


def _kind(block: TextBlock) -> BlockKind:
    if block.is_row:
        return "row"
    if block.owner.tag in HEADING_TAGS:
        return "heading"
    return "paragraph"


def _header_text(blocks: list[TextBlock], body: list[TextBlock]) -> str:
    """Short lines from just before the body to its first lines: where metadata blocks live."""
    if not body:
        return ""
    start = next(i for i, b in enumerate(blocks) if b is body[0])
    before = [b.text for b in blocks[max(0, start - 40) : start] if len(b.text) <= 200]
    opening = [b.text for b in body[:6] if len(b.text) <= 120]
    return "\n".join(before + opening)


def _parse(html: bytes | str, encoding: str | None) -> tuple[Element, str | None] | CleanDocument:
    """(root, encoding used), or a CleanDocument saying why there is nothing to clean."""
    data = None
    if isinstance(html, bytes):
        if not html.strip():
            return CleanDocument(no_document="empty")
        data = html[:MAX_INPUT_BYTES]
        text, used = decode_html(data, encoding)
        exact = "\ufffd" not in text and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"))
        data = data if exact else None
    else:
        text, used = html, None
    text, cut = _without_binary_tail(text)
    if _looks_binary(text):
        return CleanDocument(encoding=used, no_document="not_html")
    data = None if cut else data
    root = dom.parse(text, data, used)
    return CleanDocument(encoding=used, no_document="empty") if root is None else (root, used)


def _title(root: Element, rules: Rules, container: Element | None, tab_title: str, tags: dict, blocks: list) -> str:
    titled = dom.select(root, rules.title_selector) if rules.title_selector else []
    return " ".join(text_of(titled[0]).split()) if titled else find_title(root, container, tab_title, tags, blocks)


def _container(root: Element, rules: Rules, blocks: list[TextBlock], weighed: Weighed) -> Element | None:
    chosen = dom.select(root, rules.content_selector) if rules.content_selector else []
    if chosen:
        return chosen[0]
    found = best_container(blocks, weighed)
    if found is None or sum(b.chars for b, v in zip(blocks, weighed.values, strict=True) if v > 0) < MIN_BODY_CHARS:
        lines = line_container(blocks)  # no prose on the page: a document of short lines?
        return lines if lines is not None else found
    return found


def clean(
    html: bytes | str, url: str | None = None, rules: Rules | None = None, encoding: str | None = None
) -> CleanDocument:
    """Pure: the same bytes always give the same document. Never raises on bad input.

    encoding is the charset the server declared, if any: a hint, checked against the bytes. A
    page nested deeper than its tree can be walked is no document ("too_deep"), never a text
    with its deepest passages silently missing.
    """
    try:
        return _clean(html, url, rules or Rules(), encoding)
    except (dom.TooDeepError, RecursionError):
        return CleanDocument(no_document="too_deep")


def _clean(html: bytes | str, url: str | None, rules: Rules, encoding: str | None) -> CleanDocument:
    parsed = _parse(html, encoding)
    if isinstance(parsed, CleanDocument):
        return parsed
    root, used = parsed
    tab_title, tags = dom.html_title(root), dom.meta_tags(root)
    wechat = read_wechat(root, tags) if is_wechat(root, tags, url) else None  # its facts live in scripts
    dom.prune(root)
    for selector in rules.drop_selectors:
        for el in dom.select(root, selector):
            dom.drop(el)
    expand_rowspans(root)
    blocks = segment(root)
    weighed = block_values(blocks)
    container = wechat.content if wechat and not rules.content_selector else _container(root, rules, blocks, weighed)
    marked_title = (wechat.title if wechat else "") or _title(root, rules, container, tab_title, tags, blocks)
    title = strip_status_prefix(marked_title)  # [已结束], 【已废止】: a state of the document, not its name
    body = body_blocks(blocks, weighed.values, container, title) if container is not None else []

    doc = CleanDocument(title=title, encoding=used)
    if says_not_found(tab_title, title, body, blocks):
        doc.no_document = "not_found_page"
        return doc
    doc.blocks = [Block(kind=_kind(b), text=b.text) for b in body]
    attachments = find_attachments(container, url) if container is not None else []
    chars = sum(b.chars for b in body)
    # A cover note ("现将《…》印发给你们" and the file) is short: its text lives in the attachment.
    if chars < MIN_BODY_CHARS and not (attachments and chars >= MIN_COVER_NOTE_CHARS):
        doc.no_document = "too_little_text"
        return doc
    header, paragraphs = _header_text(blocks, body), [b.text for b in body]
    doc.meta = extract_meta(header, paragraphs, title, tags)
    read_validity(doc.meta, marked_title, header, paragraphs)
    if wechat:
        doc.meta.source = wechat.account or doc.meta.source
        doc.meta.publish_date = wechat.publish_date or doc.meta.publish_date
    doc.attachments = attachments
    return doc


def _without_binary_tail(text: str) -> tuple[str, bool]:
    """A page with bytes after its </html> that are not text (a download that went on past the
    page, a CMS appending a file): the page alone, and whether anything was cut."""
    end = max(text.rfind(tag) for tag in ("</html>", "</HTML>", "</Html>"))
    if end < 0 or not _looks_binary(text[end + 7 :]):
        return text, False
    return text[: end + 7], True


def _looks_binary(text: str) -> bool:
    sample = text[:2000]
    return len(_CONTROL.findall(sample)) > len(sample) * 0.1


__all__ = ["Rules", "clean"]
