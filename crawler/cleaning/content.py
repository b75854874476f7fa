"""Finding the main content: the element whose text is most body-like and least chrome-like.

Every text block gets a value: positive for prose (long, punctuated, few links), negative for
chrome (link lists, short unpunctuated labels). An element's score is the sum over the blocks it
holds, so the best element is the subtree with the most body and the least chrome around it:
one bottom-up pass, linear in the page size, no per-site rules.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .blocks import BLOCK_TAGS, TextBlock
from .dom import Element

# Sentence and clause punctuation, Chinese and Western. Prose has it; menus and link lists do not.
_PUNCTUATION = re.compile(r"[，。；：！？、]|[,.;:!?](?=\s|$)")
# Class and id words of containers that hold chrome, and of those that hold the article.
_CHROME_NAMES = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer?|bottom|header|side|sidebar|aside|breadcrumbs?|crumbs?|related|"
    r"recommend|tuijian|xiangguan|hot|rank|paihang|comments?|copyright|banquan|banner|toolbar|links?|friend|"
    r"ad|ads|advert|login|search|topbar|location|position|pager|pagination)(?:$|[-_\s\d])",
    re.IGNORECASE,
)
# Site footers: registration numbers and rights notices. Scored as chrome, never dropped from a body.
# Plain substring tests: a regex alternation costs several times more on every block of every page.
_FOOTER_WORDS = (
    "ICP备",
    "ICP证",
    "公网安备",
    "网站标识码",
    "網站標識碼",
    "版权所有",
    "版權所有",
    "opyright",
    "OPYRIGHT",
    "Rights Reserved",
    "©",
    "主办单位",
    "承办单位",
    "技术支持",
    "主辦單位",
    "承辦單位",
    "许可证编号",
)
_SENTENCE_ENDS = "。！？；"
_DUPLICATE_MIN_CHARS = 30
_HOLDS = 0.9


def block_value(block: TextBlock) -> float:
    chars = block.chars
    if chars == 0:
        return 0.0
    text = block.text
    if block.link_chars * 2 >= chars or any(word in text for word in _FOOTER_WORDS):
        return -float(chars)
    own = chars - block.link_chars
    if any(mark in text for mark in _SENTENCE_ENDS):
        return float(own)
    if own >= 40 and len(_PUNCTUATION.findall(block.text)) >= 2:
        return 0.5 * own
    return 0.0  # a heading, a label, a date: neither body nor chrome on its own


def is_chrome_named(el: Element) -> bool:
    return el.tag in ("nav", "footer", "aside") or bool(
        _CHROME_NAMES.search(f"{el.get('class') or ''} {el.get('id') or ''}")
    )


def block_values(blocks: list[TextBlock]) -> list[float]:
    """Value per block; a repeated long block (the hidden or elder-care copy of the body) counts zero."""
    seen: set[str] = set()
    in_chrome: dict[Element, bool] = {}

    def chrome(el: Element | None) -> bool:
        if el is None:
            return False
        if el not in in_chrome:
            in_chrome[el] = is_chrome_named(el) or chrome(el.getparent())
        return in_chrome[el]

    values = []
    for block in blocks:
        if block.chars >= _DUPLICATE_MIN_CHARS:
            if block.text in seen:
                values.append(0.0)
                continue
            seen.add(block.text)
        value = block_value(block)
        if value > 0 and chrome(block.owner):
            value *= 0.3
        values.append(value)
    return values


def _ancestors(el: Element) -> list[Element]:
    return [el, *el.iterancestors()]


def best_container(blocks: list[TextBlock], values: list[float]) -> Element | None:
    """The element with the highest total block value; the deepest one on ties."""
    totals: dict[Element, float] = defaultdict(float)
    depth: dict[Element, int] = {}
    for block, value in zip(blocks, values, strict=True):
        if value == 0:
            continue
        chain = _ancestors(block.owner)
        for level, el in enumerate(reversed(chain)):
            totals[el] += value
            depth.setdefault(el, level)
    if not totals:
        return None
    top = max(totals.values())
    if top <= 0:
        return None
    # The deepest element holding nearly all of the best total: a stray positive block far away
    # (a hidden summary, a caption in the footer) must not pull the choice up to <body>.
    best = max((el for el, total in totals.items() if total >= _HOLDS * top), key=lambda el: (depth[el], totals[el]))
    # A single paragraph is not a container: take the element that holds it and its headings.
    parent = best.getparent()
    if (
        parent is not None
        and not any(d.tag in BLOCK_TAGS for d in best.iterdescendants())
        and (totals.get(parent, 0.0) >= totals[best])
    ):
        return parent
    return best
