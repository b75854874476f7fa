"""The document's title: the headline on the page that the browser tab's <title> agrees with.

The tab title is a witness, never the answer when the page has a headline: sites add their name
or a column label to it ("…_某某市人民政府", "通知公告 - …"), and some put counters or dates in it.
The headline itself may sit in any element — a heading, a "title" class, a bold line, a table
cell, a centred paragraph — so every short text block near the body is a candidate, judged by
how much of it the tab title repeats (all matching runs, so one changed figure does not break
the agreement) and by how title-like its element is.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from lxml import etree

from .blocks import TextBlock, normalise_space
from .dom import Element, attribute_values, text_of
from .names import is_chrome_named

_TITLE_NAMES = re.compile(r"title|tit\d*\b|headline|bt\b|biaoti|articlename", re.IGNORECASE)
_TITLE_HINTS = ("tit", "headline", "bt", "biaoti", "articlename")
_SITE_SEPARATORS = re.compile(r"\s*(?:[|｜_—–]|-{1,2}|\s-\s|——)\s*")
_STATUS_PREFIX = re.compile(
    r"^\s*[\[【［](?:已结束|已截止|正在进行|进行中|征集中|已完成|已?废止|已?失效|已?廢止)[\]】］]\s*"
)
_MIN, _MAX = 4, 160
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_EMPHASIS = ("strong", "b", "font")
_BLOCKS_BEFORE = 40  # how far above the body a headline may sit, in text blocks
_AGREEMENT = 0.6
_WHOLE = 0.9
_FIGURE = re.compile(r"\d")
_LINES = 4
_NAMES = etree.XPath("//@class | //@id")  # a headline broken over lines has at most this many


def _text(el: Element) -> str:
    return normalise_space(text_of(el))


def _inside_link(el: Element) -> bool:
    return (
        el.tag == "a"
        or any(a.tag == "a" for a in el.iterancestors())
        or (len(el) == 1 and el[0].tag == "a" and not (el.text or "").strip())
    )


def _title_named(name: str) -> bool:
    """A class or id naming a title; substring tests first, the page may have a thousand names."""
    lowered = name.lower()
    return any(hint in lowered for hint in _TITLE_HINTS) and bool(_TITLE_NAMES.search(name))


def title_rank(el: Element) -> int:
    """How title-like an element is: 1 for <h1> … 6; lower is more title-like."""
    if el.tag in _HEADINGS:
        return int(el.tag[1])
    if _TITLE_NAMES.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
        return 3
    if el.tag in _EMPHASIS or any(child.tag in _EMPHASIS for child in el):
        return 5
    return 6


def _candidates(root: Element, blocks: list[TextBlock], body_start: int) -> list[tuple[str, int]]:
    """(text, rank) of headings and title-named elements anywhere, and of every short block just
    above the body or opening it, alone or joined with its neighbours in the same element (a
    headline broken over lines with <br>)."""
    found: dict[str, int] = {}
    named = [value.getparent() for value in attribute_values(_NAMES, root) if _title_named(value)]
    for el in [*root.iter(*_HEADINGS), *(el for el in named if el is not None)]:
        rank = title_rank(el)
        if rank <= 3 and _MIN <= len(text := _text(el)) <= _MAX and not _inside_link(el):
            found[text] = min(rank, found.get(text, rank))
    window = [b for b in blocks[max(0, body_start - _BLOCKS_BEFORE) : body_start + 3] if b.link_chars * 2 < b.chars]
    for i, block in enumerate(window):
        joined = block.text
        for following in [block, *window[i + 1 : i + _LINES]]:
            if following is not block:
                if following.owner is not block.owner:
                    break
                joined = _join(joined, following.text)
            if _MIN <= len(joined) <= _MAX:
                found.setdefault(joined, title_rank(block.owner))
    return list(found.items())


def _join(first: str, second: str) -> str:
    """Two lines of one headline: no space between Chinese characters."""
    cjk = "\u3000" <= first[-1:] <= "\u9fff" and "\u3000" <= second[:1] <= "\u9fff"
    return first + ("" if cjk else " ") + second


def _squash(text: str) -> str:
    return "".join(text.split())


def _agreement(candidate: str, tab: str) -> tuple[float, float]:
    """(share of the candidate found in the tab title, share of the tab title it covers), figures
    masked and each share counted as whole from 0.9 up: two copies of a headline that differ in
    a figure or a character are equal witnesses, and the more title-like element, then the
    earlier, wins."""
    candidate, tab = _FIGURE.sub("0", candidate), _FIGURE.sub("0", tab)
    if candidate in tab:  # the usual headline: no alignment needed
        return 1.0, (1.0 if len(candidate) >= _WHOLE * len(tab) else len(candidate) / len(tab))
    present = set(tab)
    if sum(ch in present for ch in candidate) < _AGREEMENT * len(candidate):
        return 0.0, 0.0  # cannot agree enough: spare the alignment
    matched = sum(m.size for m in SequenceMatcher(None, candidate, tab, autojunk=False).get_matching_blocks())
    return _counted_whole(matched / len(candidate)), _counted_whole(matched / len(tab))


def _counted_whole(share: float) -> float:
    return 1.0 if share >= _WHOLE else share


def find_title(
    root: Element, content: Element | None, tab_title: str, tags: dict[str, str], blocks: list[TextBlock]
) -> str:
    """The headline; blocks are the page's text blocks, content the element holding the body."""
    for name in ("articletitle", "og:title"):
        if tags.get(name) and _squash(tags[name]) in _squash(tab_title):
            return normalise_space(tags[name])
    body_start = next((i for i, b in enumerate(blocks) if content is not None and _inside(b.owner, content)), 0)
    tab = _squash(tab_title)
    # A plain line repeating the whole tab title, site name and all, is the page's own banner.
    banner = tab if len(_SITE_SEPARATORS.split(tab_title)) > 1 else None
    best, best_score, best_coverage = "", 0.0, 0.0
    for text, rank in _candidates(root, blocks, body_start) if tab else []:
        if banner and rank > 3 and banner in _squash(text):
            continue
        agreement, coverage = _agreement(_squash(text), tab)
        score = agreement + 0.5 * coverage - 0.03 * rank
        if agreement >= _AGREEMENT and score > best_score:
            best, best_score, best_coverage = text, score, coverage
    before = _heading_before(root, content)
    # A tab title that is only the site's name ("新闻动态--某某学会官网") agrees with the logo, not
    # with the article: then the heading right above the content is the better witness.
    if best and _squash(best) == tab and before and _is_site_name(tab, blocks, content):
        return before
    if best and (best_coverage >= 0.5 or not before):
        return best
    if before:
        return before
    parts = [p for p in _SITE_SEPARATORS.split(tab_title) if p.strip()]
    return max(parts, key=len).strip() if parts else ""


def _is_site_name(tab: str, blocks: list[TextBlock], content: Element | None) -> bool:
    """Is the tab title the site's own name: repeated outside the content, in the banner and the
    footer ("主办：某某省人民政府办公厅"), as no article's headline is?"""
    outside = (b for b in blocks if content is None or not _inside(b.owner, content))
    return sum(tab in _squash(b.text) for b in outside) >= 2


def _inside(el: Element, container: Element) -> bool:
    return el is container or any(a is container for a in el.iterancestors())


def _heading_before(root: Element, content: Element | None) -> str:
    """When the tab title says nothing (a bare site name): a title-like element opening the
    content, else the last heading above it that is not in a rail or menu."""
    if content is None:
        return ""
    opening = next((el for el in content.iter() if title_rank(el) <= 3 and _fits(el)), None)
    if opening is not None:
        return _text(opening)
    last = ""
    for el in root.iter():
        if el is content:
            break
        if el.tag in _HEADINGS and _fits(el) and not any(is_chrome_named(a) for a in el.iterancestors()):
            last = _text(el)
    return last


def _fits(el: Element) -> bool:
    return _MIN <= len(_text(el)) <= _MAX and not _inside_link(el)


def strip_status_prefix(title: str) -> str:
    return _STATUS_PREFIX.sub("", title)
