"""Shapes of the page around a text block that change what the block is worth.

Feed items. Comments, "为你推荐 / 相关新闻" rails with a summary under each title, and photo
rails with a caption under each picture are written in sentences, so they read like prose; what
gives them away is their shape: three or more sibling items of one kind (same tag and class),
each short, each holding a picture, or a title linking elsewhere and more text (a title and its
summary). Sections of an article (a heading, a "更多" link, a paragraph) are not feeds. Their
sentences count little.

Prose parents. An element whose children are the body's paragraphs is the article itself; a
link block inside it (a card for a place or a product, inline related links) is furniture of the
article, not chrome beside it, and weighs less against it. Chrome beside the article — menus,
sidebars, footers — sits under elements that hold no paragraphs of their own and keeps its full
weight.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from .blocks import TextBlock
from .dom import Element, text_of

ITEM_TAGS = frozenset(("li", "div", "dd", "dl", "article", "section"))
FEED_MIN_ITEMS = 3
FEED_ITEM_CHARS = 300
TITLE_LINK_CHARS = 5
ITEM_LEVELS = 4  # how far above a block's own element its feed item may be
PARAGRAPH_VALUE = 15.0  # a block worth this much is a paragraph of prose
PROSE_PARENT_PARAGRAPHS = 3


class Shapes:
    """Answers, for the blocks of one page: is this block in a feed item, in a prose parent?"""

    def __init__(self, blocks: list[TextBlock], values: list[float]) -> None:
        self._by_owner: defaultdict[Element, list[TextBlock]] = defaultdict(list)
        for block in blocks:
            self._by_owner[block.owner].append(block)
        self._prose_parents = _prose_parents(blocks, values)
        self._signatures: dict[Element, Counter[tuple[str, str]]] = {}
        self._feed: dict[Element, bool] = {}
        self._in_prose: dict[Element, bool] = {}

    def in_feed_item(self, owner: Element) -> bool:
        for level, el in enumerate([owner, *owner.iterancestors()]):
            if level > ITEM_LEVELS:
                return False
            if self._is_feed_item(el):
                return True
        return False

    def _is_feed_item(self, el: Element) -> bool:
        if el not in self._feed:
            parent = el.getparent()
            self._feed[el] = (
                el.tag in ITEM_TAGS
                and parent is not None
                and self._siblings_like(parent, el) >= FEED_MIN_ITEMS
                and self._looks_like_item(el)
            )
        return self._feed[el]

    def _looks_like_item(self, el: Element) -> bool:
        """Short, with a picture, or with a title link and more text."""
        pieces = [b for d in el.iter() for b in self._by_owner.get(d, ())]
        if sum(b.chars for b in pieces) > FEED_ITEM_CHARS:
            return False
        return el.find(".//img") is not None or (len(pieces) >= 2 and _has_title_link(el))

    def _siblings_like(self, parent: Element, el: Element) -> int:
        if parent not in self._signatures:
            self._signatures[parent] = Counter(
                (child.tag, child.get("class") or "") for child in parent if isinstance(child.tag, str)
            )
        return self._signatures[parent][(el.tag, el.get("class") or "")]

    def in_prose_parent(self, owner: Element) -> bool:
        """Is the block's element, or one of its ancestors, the parent of the body's paragraphs?"""
        chain = []
        el: Element | None = owner
        found = False
        while el is not None:
            if el in self._in_prose:
                found = self._in_prose[el]
                break
            chain.append(el)
            if el in self._prose_parents:
                found = True
                break
            el = el.getparent()
        for visited in chain:
            self._in_prose[visited] = found
        return found


def _has_title_link(el: Element) -> bool:
    """A link that names another page (a title), not a "更多" or "回复" button."""
    return any(len("".join(text_of(a).split())) >= TITLE_LINK_CHARS for a in el.iter("a") if a.get("href"))


def _prose_parents(blocks: list[TextBlock], values: list[float]) -> set[Element]:
    """Elements holding PROSE_PARENT_PARAGRAPHS paragraphs: as their children, or as lines of
    their own text (a body written with <br> between paragraphs)."""
    per_owner: Counter[Element] = Counter(b.owner for b, v in zip(blocks, values, strict=True) if v >= PARAGRAPH_VALUE)
    holders: defaultdict[Element, int] = defaultdict(int)
    for owner, count in per_owner.items():
        parent = owner.getparent()
        holders[owner if count >= 2 or parent is None else parent] += count
    return {el for el, count in holders.items() if count >= PROSE_PARENT_PARAGRAPHS}
