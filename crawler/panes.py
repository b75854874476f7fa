"""Tab panes: a section page shows one list at a time (通知公告 | 政策文件 | 解读), the others in
sibling blocks of the same shape hidden by style until their tab is clicked. All of them are the
section's lists, so before the invisible is pruned from a listing, hidden panes are shown."""

from __future__ import annotations

import re
from collections import defaultdict

from .cleaning.dom import Element, is_hidden

# Class words that mark the shown pane (or tab) rather than the kind of block.
_STATE_WORDS = re.compile(r"\b(?:active|on|cur|current|curr|show|shown|selected|sel|in|block|hover)\b", re.IGNORECASE)
_BOXES = ("div", "ul", "ol", "table", "section", "dl")


def _shape(el: Element) -> tuple[str, str]:
    """A block's shape: its tag and its class without the words saying whether it is shown."""
    words = _STATE_WORDS.sub(" ", el.get("class") or "")
    return el.tag if isinstance(el.tag, str) else "", " ".join(sorted(words.split()))


def reveal_panes(root: Element) -> int:
    """Show hidden blocks that are panes: siblings of one shape, one of them shown, each holding
    links. Returns how many were shown."""
    shown = 0
    parents = {el.getparent() for el in root.iter(*_BOXES) if is_hidden(el)}
    for parent in (p for p in parents if p is not None):
        by_shape: dict[tuple[str, str], list[Element]] = defaultdict(list)
        for child in parent:
            if isinstance(child.tag, str) and child.tag in _BOXES:
                by_shape[_shape(child)].append(child)
        for blocks in by_shape.values():
            hidden = [b for b in blocks if is_hidden(b)]
            if len(blocks) >= 2 and len(hidden) < len(blocks) and all(_holds_links(b) for b in blocks):
                for block in hidden:
                    for name in ("style", "hidden"):
                        if name in block.attrib:
                            del block.attrib[name]
                    shown += 1
    return shown


def _holds_links(block: Element) -> bool:
    return next(block.iter("a"), None) is not None
