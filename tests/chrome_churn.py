"""Chrome churn: variants of a real page whose chrome changes the way live sites change between
two crawls, while the document itself (its body, title and metadata block) stays put.

Outside the protected elements (those the gold selectors name), a variant changes every digit
(counters, dates, clocks), rotates the items of every list (rotating sidebars and rails), or
shuffles link texts among the links (recommendation rails, hot lists); "all" does all three. A
cleaner that holds on the page gives byte-identical title and text for every variant. The
"edit" variant changes one figure inside the body instead: the text must change.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

from cssselect import GenericTranslator
from lxml import etree

from crawler.cleaning import dom
from crawler.cleaning.decode import decode_html

_DIGIT = re.compile(r"\d")
_LISTS = ("ul", "ol", "tbody", "dl")
_CSS = GenericTranslator()


def _protected(root: etree._Element, selectors: list[str]) -> set[etree._Element]:
    """The elements the document lives in, and everything inside them."""
    found: set[etree._Element] = set()
    for selector in selectors:
        for group in selector.split(","):
            for el in root.xpath(_CSS.css_to_xpath(group.strip())):
                found.update(el.iter())
    return found


def _outside(root: etree._Element, protected: set[etree._Element]) -> Iterator[etree._Element]:
    """Elements that neither are nor hold a protected element."""
    holding = {a for el in protected for a in el.iterancestors()}
    for el in root.iter():
        if isinstance(el.tag, str) and el not in protected and el not in holding:
            yield el


def _next_digit(match: re.Match[str]) -> str:
    return str((int(match.group(0)) + 1) % 10)


def _change_digits(root: etree._Element, protected: set[etree._Element], _rng: random.Random) -> None:
    for el in root.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style"):
            continue
        if el.text and el not in protected:
            el.text = _DIGIT.sub(_next_digit, el.text)
        parent = el.getparent()  # a tail is its parent's text
        if el.tail and parent is not None and parent not in protected:
            el.tail = _DIGIT.sub(_next_digit, el.tail)


def _rotate_lists(root: etree._Element, protected: set[etree._Element], _rng: random.Random) -> None:
    for el in list(_outside(root, protected)):
        items = [child for child in el if isinstance(child.tag, str)]
        if el.tag in _LISTS and len(items) >= 2:
            first = items[0]
            tail, first.tail = first.tail, None
            el.remove(first)
            items[-1].addnext(first)
            first.tail = tail


def _shuffle_links(root: etree._Element, protected: set[etree._Element], rng: random.Random) -> None:
    anchors = [a for a in _outside(root, protected) if a.tag == "a" and len(a) == 0 and (a.text or "").strip()]
    texts = [a.text for a in anchors]
    rng.shuffle(texts)
    for anchor, text in zip(anchors, texts, strict=True):
        anchor.text = text


def _squash(text: str) -> str:
    return "".join(text.split())


def _edit_body(root: etree._Element, body: set[etree._Element], gold: str) -> None:
    """One figure of the document's text changes, as an edited policy's amounts and dates do."""
    for el in root.iter():
        if el not in body or el.tag in ("script", "style"):
            continue
        for attr in ("text", "tail"):
            owner = el if attr == "text" else el.getparent()
            value = getattr(el, attr)
            if owner in body and value and _DIGIT.search(value) and len(_squash(value)) >= 6 and _squash(value) in gold:
                setattr(el, attr, _DIGIT.sub(_next_digit, value, count=1))
                return


CHANGES: dict[str, list[Callable[[etree._Element, set[etree._Element], random.Random], None]]] = {
    "digits": [_change_digits],
    "lists": [_rotate_lists],
    "links": [_shuffle_links],
    "all": [_change_digits, _rotate_lists, _shuffle_links],
}


def variants(page: bytes, body: str, others: list[str], gold_text: str, seed: int = 7) -> dict[str, bytes]:
    """{"original": the page re-serialized unchanged, name: changed page, ...} in UTF-8; body and
    others are the CSS selectors of the document's body and of its title and metadata block,
    gold_text the body's text (the edit lands on a figure a reader sees in it).

    Every variant goes through the same parse and serialization, so the only difference
    between the original and a variant is the change itself.
    """
    text, _ = decode_html(page)
    out: dict[str, bytes] = {}
    for name in ("original", "edit", *CHANGES):
        root = dom.parse(text)  # the cleaner's own parse, stray </body> tags and all
        if name == "edit":
            _edit_body(root, _protected(root, [body]), _squash(gold_text))
        protected = _protected(root, [body, *others])
        for change in CHANGES.get(name, []):
            change(root, protected, random.Random(seed))
        out[name] = etree.tostring(root, encoding="utf-8", method="html", doctype="<!DOCTYPE html>")
    return out
