"""Cutting a page into the text blocks a reader sees, each tied to the element that holds it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dom import CONTROLS, Element

BLOCK_TAGS = frozenset(
    "address article aside blockquote body caption center dd details dialog div dl dt fieldset figcaption "
    "figure footer form h1 h2 h3 h4 h5 h6 header hr html li main nav ol p pre section summary table tbody "
    "td tfoot th thead tr ul".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_CELL_TAGS = frozenset(("td", "th"))
_BREAKING_IN_ROW = (BLOCK_TAGS - _CELL_TAGS) | {"br"}

_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_LINE_BREAK_BETWEEN_CJK = re.compile(f"(?<=[{_CJK}])[ \t]*[\r\n]\\s*(?=[{_CJK}])")


def normalise_space(text: str) -> str:
    """One space for any run of whitespace; none for a source line break between Chinese characters."""
    if "\n" in text or "\r" in text:
        text = _LINE_BREAK_BETWEEN_CJK.sub("", text)
    if "\u200b" in text or "\ufeff" in text:  # zero-width characters are not whitespace to str.split()
        text = text.replace("\u200b", "").replace("\ufeff", "")
    if CONTROLS.search(text):
        text = CONTROLS.sub("", text)
    return " ".join(text.split())  # str.split() knows \u3000 and \xa0


@dataclass
class TextBlock:
    owner: Element
    is_row: bool = False
    parts: list[str] = field(default_factory=list)
    link_parts: list[str] = field(default_factory=list)
    hrefs: list[str] = field(default_factory=list)
    text: str = ""
    link_chars: int = 0
    chars: int = 0  # characters without spaces


def _finish(block: TextBlock) -> bool:
    """Join a block's parts; False when nothing visible is left."""
    if block.is_row:
        block.text = "\t".join(c for c in (normalise_space(p) for p in "".join(block.parts).split("\t")) if c)
    else:
        block.text = normalise_space("".join(block.parts))
    if not block.text:
        return False
    block.chars = len(block.text) - block.text.count(" ")
    block.link_chars = len("".join("".join(block.link_parts).split())) if block.link_parts else 0
    return True


def _simple_row(tr: Element) -> bool:
    """A row with no paragraphs or lists in its cells: one block, cells separated by a tab."""
    return not any(d.tag in _BREAKING_IN_ROW for d in tr.iterdescendants())


def segment(root: Element) -> list[TextBlock]:
    """Text blocks in document order. A data-table row is one block with tab-separated cells.

    A block is a run of text with one owner, the nearest block element or a whole simple row; a
    block element's start and end and a <br> end the run. This walk runs for every element of
    every page, so it keeps to locals and plain tests.
    """
    blocks: list[TextBlock] = []
    current: list[TextBlock | None] = [None]
    new_block = blocks.append

    def add(text: str, owner: Element, link: bool, row: Element | None) -> None:
        block = current[0]
        if block is None or block.owner is not owner:
            if text.isspace():  # indentation between tags does not start a block
                return
            block = current[0] = TextBlock(owner=owner, is_row=row is not None)
            new_block(block)
        block.parts.append(text)
        if link:
            block.link_parts.append(text)

    def walk(el: Element, owner: Element, link: bool, row: Element | None) -> None:
        tag = el.tag
        if row is not None:
            if tag in _CELL_TAGS:
                add("\t", row, link, row)
        elif tag in BLOCK_TAGS:
            current[0], owner = None, el
            if tag == "tr" and _simple_row(el):
                row = el
        elif tag == "br":
            current[0] = None
        if tag == "a":
            link = True
            if href := el.get("href"):
                block = current[0]
                if block is None or block.owner is not owner:
                    block = current[0] = TextBlock(owner=owner)
                    new_block(block)
                block.hrefs.append(href)
        if text := el.text:
            add(text, owner, link, row)
        for child in el:
            if child.tag.__class__ is str:  # not a comment or entity
                walk(child, owner, link, row)
            if tail := child.tail:
                add(tail, owner, link, row)
        if (tag in BLOCK_TAGS and row is None) or row is el:
            current[0] = None

    walk(root, root, False, None)
    return [block for block in blocks if _finish(block)]
