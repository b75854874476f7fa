"""Cutting a page into the text blocks a reader sees, each tied to the element that holds it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .dom import Element

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


class _Segmenter:
    def __init__(self) -> None:
        self.blocks: list[TextBlock] = []
        self.current: TextBlock | None = None

    def add(self, text: str, owner: Element, link: bool, is_row: bool = False) -> None:
        if not text:
            return
        if self.current is None or self.current.owner is not owner:
            if text.isspace():  # indentation between tags does not start a block
                return
            self.flush()
            self.current = TextBlock(owner=owner, is_row=is_row)
        self.current.parts.append(text)
        if link:
            self.current.link_parts.append(text)

    def flush(self) -> None:
        block, self.current = self.current, None
        if block is None:
            return
        block.text = normalise_space("".join(block.parts))
        if not block.text:
            return
        block.chars = len(block.text) - block.text.count(" ")
        block.link_chars = len("".join("".join(block.link_parts).split())) if block.link_parts else 0
        self.blocks.append(block)

    def walk(self, el: Element, owner: Element, link: bool, row: Element | None) -> None:
        tag = el.tag
        if row is not None:
            # Inside a data row: cells are separated by a tab, everything belongs to the row.
            if tag in _CELL_TAGS:
                self.add("\t", row, link, True)
            inner_owner = row
        elif tag in BLOCK_TAGS:
            self.flush()
            inner_owner = el
            if tag == "tr" and not any(d.tag in _BREAKING_IN_ROW for d in el.iterdescendants()):
                row = el
        else:
            inner_owner = owner
        if tag == "br" and row is None:
            self.flush()
        in_link = link or tag == "a"
        if in_link and tag == "a" and el.get("href"):
            self._note_href(el.get("href"), inner_owner)
        self.add(el.text, inner_owner, in_link, row is not None)
        for child in el:
            if isinstance(child.tag, str):
                self.walk(child, inner_owner, in_link, row)
            self.add(child.tail, inner_owner, in_link, row is not None)
        if (tag in BLOCK_TAGS and row is None) or (tag == "tr" and row is el):
            self.flush()

    def _note_href(self, href: str, owner: Element) -> None:
        if self.current is None or self.current.owner is not owner:
            self.flush()
            self.current = TextBlock(owner=owner)
        self.current.hrefs.append(href)


def segment(root: Element) -> list[TextBlock]:
    """Text blocks in document order. A data-table row is one block with tab-separated cells."""
    segmenter = _Segmenter()
    segmenter.walk(root, root, False, None)
    segmenter.flush()
    for block in segmenter.blocks:
        if block.is_row:
            block.text = "\t".join(c for c in (normalise_space(p) for p in "".join(block.parts).split("\t")) if c)
    return segmenter.blocks
