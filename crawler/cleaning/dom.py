"""Parsing and pruning: the tree the extractor scores, without what a reader never sees."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import cast

from cssselect import GenericTranslator, SelectorError
from lxml import etree

# Plain lxml.etree elements: lxml.html's element classes cost a Python lookup per element.
Element = etree._Element

# libxml2 ends the document at the first </html> or </body>; real pages have stray ones
# (server-side includes) before their content, so they are removed and libxml2 closes the tree.
_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)


# huge_tree: libxml2 otherwise drops everything past a nesting depth of 256 without a word.
def _html_parser(encoding: str | None = None) -> etree.HTMLParser:
    return etree.HTMLParser(
        encoding=encoding,
        remove_comments=True,
        remove_pis=True,
        no_network=True,
        default_doctype=False,  # type: ignore[call-arg]  # real since lxml 2.3; the stubs lack it
        huge_tree=True,
    )


_PARSER = _html_parser()
_CSS = GenericTranslator()

# Control characters (an ESC that would drive a terminal, C1 codes) and the bidirectional
# overrides that reorder what a reader sees: never part of a policy's text.
CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

INVISIBLE_TAGS = frozenset(
    "script style noscript template svg canvas iframe object embed select option button input textarea "
    "map audio video head link meta".split()
)
# display:none hides for good. visibility:hidden alone is how pages hide their content until a
# script has run (WeChat articles, Vue templates): it is pruned only on an element with no size.
_HIDDEN_STYLE = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden.*(?:height|width|font-size)\s*:\s*0(?![.\d])|"
    r"(?:height|width|font-size)\s*:\s*0(?![.\d]).*visibility\s*:\s*hidden",
    re.IGNORECASE,
)


# Bytes already known to decode cleanly in these are parsed as bytes: libxml2 then decodes them
# itself, which is faster than handing it a Python string.
_BYTE_PARSERS = {name: _html_parser(name) for name in ("utf-8", "gb18030")}
_END_TAGS_BYTES = re.compile(rb"</(?:html|body)\s*>", re.IGNORECASE)


# What libxml2 keeps in a text node but lxml refuses to write back (drop() moves tails about).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_NOT_XML_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class TooDeepError(ValueError):
    """A page nested deeper than the parser (or a walk of its tree) can follow: reading it would
    lose text silently, so it is not read at all."""


def parse(text: str, data: bytes | None = None, encoding: str | None = None) -> Element | None:
    """The document element, or None when there is nothing to parse. When data are the bytes
    text was decoded from, exactly and without a byte-order mark, they are parsed instead.
    Raises TooDeepError for a tree past libxml2's depth limit (2048 with huge_tree)."""
    if not text.strip():
        return None
    if data is not None and _NOT_XML_BYTES.search(data):
        data = None
    if data is None and _NOT_XML.search(text):
        text = _NOT_XML.sub("", text)
    parser = _BYTE_PARSERS[encoding] if data is not None and encoding in _BYTE_PARSERS else _PARSER
    try:
        if parser is _PARSER:
            root = etree.fromstring(_END_TAGS.sub("", text), parser=parser)
        else:
            root = etree.fromstring(_END_TAGS_BYTES.sub(b"", data or b""), parser=parser)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    if any("Excessive depth" in error.message for error in parser.error_log):
        raise TooDeepError("the page is nested too deeply to read whole")
    return root


def text_of(el: Element) -> str:
    # An HTML tree's text is str; the stubs allow bytes for XML read as bytes.
    return "".join(cast("Iterator[str]", el.itertext()))


def drop(el: Element) -> None:
    """Remove an element and its children, keeping the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


@lru_cache(maxsize=256)
def _xpath(selector: str) -> etree.XPath | None:
    """A CSS selector compiled once (seeds and this package use a handful, page after page)."""
    try:
        return etree.XPath(_CSS.css_to_xpath(selector))
    except (SelectorError, etree.XPathSyntaxError):
        return None


def select(root: Element, selector: str) -> list[Element]:
    """Elements matching a CSS selector; none for a selector that does not parse."""
    compiled = _xpath(selector)
    try:
        return cast(list[Element], compiled(root)) if compiled is not None else []
    except etree.XPathError:
        return []


def html_title(root: Element) -> str:
    node = root.find(".//title")
    return " ".join(CONTROLS.sub("", text_of(node)).split()) if node is not None else ""


def meta_tags(root: Element) -> dict[str, str]:
    """<meta name|property=... content=...> pairs, names lower-cased, first occurrence wins."""
    found: dict[str, str] = {}
    for node in root.iter("meta"):
        name = (node.get("name") or node.get("property") or "").strip().lower()
        content = CONTROLS.sub("", node.get("content") or "").strip()
        if name and content:
            found.setdefault(name, content)
    return found


def is_hidden(el: Element) -> bool:
    """Hidden by its own hidden attribute or inline style (what prune() removes)."""
    return el.get("hidden") is not None or _hides(el.get("style") or "")


def _hides(style: str) -> bool:
    """Does an inline style hide its element? A substring test first: the hiding regex is
    costly, and most styles hide nothing."""
    lowered = style.lower()
    return ("none" in lowered or "hidden" in lowered) and bool(_HIDDEN_STYLE.search(style))


_STYLES = etree.XPath("//@style | //@hidden")


def attribute_values(query: etree.XPath, root: Element) -> list[etree._ElementUnicodeResult]:
    """The attribute values an XPath query ending in @name selects: lxml gives each its name
    (attrname) and its element (getparent)."""
    return cast(list[etree._ElementUnicodeResult], query(root))


def prune(root: Element) -> None:
    """Remove invisible elements in place, keeping the tail text that follows them. Tags go in
    lxml's strip_elements and style attributes are found by one XPath query, both in C."""
    hidden = [
        value.getparent() for value in attribute_values(_STYLES, root) if value.attrname == "hidden" or _hides(value)
    ]
    etree.strip_elements(root, *INVISIBLE_TAGS, with_tail=False)
    for node in hidden:
        if node is not None:
            drop(node)
