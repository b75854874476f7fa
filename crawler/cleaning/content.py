"""Finding the main content: the element whose text is most body-like and least chrome-like.

Every text block gets a value: positive for prose (long, punctuated, few links), negative for
chrome (link lists, short unpunctuated labels). An element's score is the sum over the blocks it
holds, so the best element is the subtree with the most body and the least chrome around it:
one bottom-up pass, linear in the page size, no per-site rules.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from .blocks import BLOCK_TAGS, TextBlock
from .body import is_furniture
from .dom import Element
from .names import is_chrome_named
from .official import FORM_LINE_VALUE, is_form_line
from .shapes import Shapes

# Sentence and clause punctuation, Chinese and Western. Prose has it; menus and link lists do not.
_PUNCTUATION = re.compile(r"[，。；：！？、]|[,.;:!?](?=\s|$)")
# Site footers: registration numbers and rights notices. Scored as chrome, never dropped from a body.
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
# One alternation of literals: on Python 3.11 it beats a loop of substring tests fourfold.
FOOTER = re.compile("|".join(map(re.escape, _FOOTER_WORDS)))
_SENTENCE_END = re.compile("[。！？；]")
_DUPLICATE_MIN_CHARS = 30
_HOLDS = 0.9
_MOSTLY = 0.5


def block_value(block: TextBlock) -> float:
    chars = block.chars
    if chars == 0:
        return 0.0
    text = block.text
    if block.link_chars * 2 >= chars or FOOTER.search(text):
        return -float(chars)
    own = chars - block.link_chars
    if _SENTENCE_END.search(text):
        return float(own)
    if own >= 40 and len(_PUNCTUATION.findall(block.text)) >= 2:
        return 0.5 * own
    if is_form_line(text):  # an addressee, a signature, a date, an attachment note (official.py)
        return FORM_LINE_VALUE
    return 0.0  # a heading, a label: neither body nor chrome on its own


FEED_WEIGHT = 0.2  # a sentence in a comment, a rail's summary or a photo caption (shapes.py)
CHROME_WEIGHT = 0.3  # a sentence inside a container named like chrome (nav, sidebar, related…)
EMBEDDED_LINKS_WEIGHT = 0.1  # a link block inside the article's own paragraphs (shapes.py)


@dataclass
class Weighed:
    """Each block's value where it sits (values), and the same with every discounted sentence —
    in chrome, in a feed — at zero (plain): those help find the article's region at all (an
    article in a container oddly named like chrome), but never pull the choice up to a wider one."""

    values: list[float]
    plain: list[float]


def block_values(blocks: list[TextBlock]) -> Weighed:
    """Value per block, weighed by where it sits; a repeated long block (the hidden or elder-care
    copy of the body) counts zero."""
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
        values.append(block_value(block))
    _value_data_rows(blocks, values)
    plain = list(values)
    shapes = Shapes(blocks, values)
    for i, block in enumerate(blocks):
        if values[i] > 0:
            if chrome(block.owner):
                values[i] *= CHROME_WEIGHT
            if shapes.in_feed_item(block.owner):
                values[i] *= FEED_WEIGHT
            if values[i] != plain[i]:
                plain[i] = 0.0
        elif values[i] < 0 and block.link_chars * 2 >= block.chars and shapes.in_prose_parent(block.owner):
            values[i] *= EMBEDDED_LINKS_WEIGHT
            plain[i] = values[i]
    return Weighed(values, plain)


DATA_ROWS_MIN = 3  # rows of two or more cells: fewer is a layout or a label table
ROW_WEIGHT = 1.0  # a row counts as its letters: a data table is as much the document as prose


def _value_data_rows(blocks: list[TextBlock], values: list[float]) -> None:
    """Rows of a data table (a penalty disclosure, a name list) count as body: their cells are
    short and unpunctuated, so on their own they weigh nothing, and a table that is the whole
    document would lose to any sentence in the footer. Labels and link rows do not count."""
    rows_of: dict[Element, list[int]] = defaultdict(list)
    for i, block in enumerate(blocks):
        if block.is_row and values[i] == 0.0 and "\t" in block.text and not is_furniture(block):
            table = next(block.owner.iterancestors("table"), None)
            if table is not None:
                rows_of[table].append(i)
    for rows in rows_of.values():
        if len(rows) >= DATA_ROWS_MIN:
            for i in rows:
                values[i] = ROW_WEIGHT * sum(ch.isalpha() for ch in blocks[i].text)  # a calendar's digits: none


def _totals(blocks: list[TextBlock], weighed: Weighed) -> tuple[dict[Element, float], dict[Element, float]]:
    """Each element's sum of its blocks' values and of their plain values: added at the owners,
    then carried up in reversed document order (every descendant before its ancestors), so each
    element is visited once."""
    totals: dict[Element, float] = defaultdict(float)
    plain: dict[Element, float] = defaultdict(float)
    for block, value, core in zip(blocks, weighed.values, weighed.plain, strict=True):
        if value:
            totals[block.owner] += value
            plain[block.owner] += core
    if not totals:
        return totals, plain
    root = blocks[0].owner.getroottree().getroot()
    for el in reversed(list(root.iter())):
        if el in totals and (parent := el.getparent()) is not None:
            totals[parent] += totals[el]
            plain[parent] += plain[el]
    return totals, plain


def best_container(blocks: list[TextBlock], weighed: Weighed) -> Element | None:
    """The element with the highest total block value, then the deepest element holding nearly
    all of it, counting plain values: a stray positive block far away (a hidden summary, a
    caption in the footer, a discounted rail) must not pull the choice up to a wider element."""
    totals, plain = _totals(blocks, weighed)
    if not totals:
        return None
    top = max(totals, key=totals.__getitem__)
    if totals[top] <= 0:
        return None
    # When the top's mass is mostly discounted (a photo story of captions, an article in a box
    # named like a sidebar), the plain values cannot judge: weigh as found.
    measure = plain if plain[top] >= _MOSTLY * totals[top] else totals
    held = measure[top] * _HOLDS
    candidates = [el for el in totals if measure[el] >= held]
    best = max(candidates, key=lambda el: (_depth(el), totals[el]))
    # A single paragraph is not a container: take the element that holds it and its headings.
    parent = best.getparent()
    if (
        parent is not None
        and not any(d.tag in BLOCK_TAGS for d in best.iterdescendants())
        and (totals.get(parent, 0.0) >= totals[best])
    ):
        return parent
    return best


def _depth(el: Element) -> int:
    return sum(1 for _ in el.iterancestors())


LINES_MIN, LINES_MIN_CHARS = 8, 150


def line_container(blocks: list[TextBlock]) -> Element | None:
    """For a page with no prose at all — a journal's table of contents, a list of names, a
    catalogue — the element holding the most plain (unlinked) lines, counted by their length;
    links and footers still count against. None unless it holds LINES_MIN lines and
    LINES_MIN_CHARS characters: a script shell or a login wall stays "no document"."""
    values = [
        -float(b.chars) if b.link_chars * 2 >= b.chars or FOOTER.search(b.text) else float(b.chars) for b in blocks
    ]
    best = best_container(blocks, Weighed(values, values))
    if best is None:
        return None
    lines = [
        b for b, v in zip(blocks, values, strict=True) if v > 0 and (b.owner is best or best in b.owner.iterancestors())
    ]
    return best if len(lines) >= LINES_MIN and sum(b.chars for b in lines) >= LINES_MIN_CHARS else None
