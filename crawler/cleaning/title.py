"""The document's title: the heading that the browser tab's <title> agrees with."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from .blocks import normalise_space
from .dom import Element, text_of

_TITLE_NAMES = re.compile(r"title|tit\d*\b|headline|bt\b|biaoti|articlename", re.IGNORECASE)
_SITE_SEPARATORS = re.compile(r"\s*(?:[|｜_—–]|-{1,2}|\s-\s|——)\s*")
_STATUS_PREFIX = re.compile(r"^\s*[\[【［](?:已结束|已截止|正在进行|进行中|征集中|已完成)[\]】］]\s*")
_MIN, _MAX = 4, 160
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _text(el: Element) -> str:
    return normalise_space(text_of(el))


def _candidates(root: Element, content: Element | None) -> list[tuple[str, int]]:
    """(text, rank) of headings and title-named elements; a lower rank is more title-like."""
    found: list[tuple[str, int]] = []
    for el in root.iter("h1", "h2", "h3", "h4", "h5", "h6", "div", "p", "span", "td", "strong", "b", "font"):
        if el.tag in _HEADINGS:
            rank = int(el.tag[1])
        elif _TITLE_NAMES.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
            rank = 3
        else:
            continue
        text = _text(el)
        if _MIN <= len(text) <= _MAX and not _inside_link(el):
            found.append((text, rank))
    if content is not None:
        first = next((el for el in content.iter("strong", "b", "p") if _text(el)), None)
        if first is not None and _MIN <= len(_text(first)) <= _MAX:
            found.append((_text(first), 5))
    return found


def _inside_link(el: Element) -> bool:
    return (
        el.tag == "a"
        or any(a.tag == "a" for a in el.iterancestors())
        or (len(el) == 1 and el[0].tag == "a" and not (el.text or "").strip())
    )


def _squash(text: str) -> str:
    return "".join(text.split())


def find_title(root: Element, content: Element | None, tab_title: str, tags: dict[str, str]) -> str:
    for name in ("articletitle", "og:title"):
        if tags.get(name) and _squash(tags[name]) in _squash(tab_title):
            return normalise_space(tags[name])
    tab = _squash(tab_title)
    candidates = _candidates(root, content)
    best, best_score, best_coverage = "", 0.0, 0.0
    for text, rank in candidates:
        squashed = _squash(text)
        if not tab:
            break
        match = SequenceMatcher(None, squashed, tab, autojunk=False).find_longest_match()
        agreement, coverage = match.size / len(squashed), match.size / len(tab)
        score = agreement + 0.5 * coverage - 0.03 * rank
        if agreement >= 0.6 and score > best_score:
            best, best_score, best_coverage = text, score, coverage
    before = _heading_before(root, content)
    # A tab title that is only the site's name ("新闻动态--某某学会官网") agrees with the logo, not
    # with the article: then the heading right above the content is the better witness.
    if best and (best_coverage >= 0.5 or not before):
        return best
    if before:
        return before
    parts = [p for p in _SITE_SEPARATORS.split(tab_title) if p.strip()]
    return max(parts, key=len).strip() if parts else ""


def _heading_before(root: Element, content: Element | None) -> str:
    """When the tab title says nothing (a bare site name), the last heading above the content."""
    if content is None:
        return ""
    last = ""
    for el in root.iter():
        if el is content:
            break
        if el.tag in _HEADINGS and _MIN <= len(text := _text(el)) <= _MAX and not _inside_link(el):
            last = text
    if not last:
        first = next((el for el in content.iter(*_HEADINGS) if _text(el)), None)
        last = _text(first) if first is not None else ""
    return last


def strip_status_prefix(title: str) -> str:
    return _STATUS_PREFIX.sub("", title)
