"""Parsing and pruning: the tree the extractor scores, without what a reader never sees."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

# libxml2 ends the document at the first </html> or </body>; real pages have stray ones
# (server-side includes) before their content, so they are removed and libxml2 closes the tree.
_END_TAGS = re.compile(r"</(?:html|body)\s*>", re.IGNORECASE)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, no_network=True, default_doctype=False)

INVISIBLE_TAGS = frozenset(
    "script style noscript template svg canvas iframe object embed select option button input textarea "
    "map audio video head link meta".split()
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)


def parse(text: str) -> lxml.html.HtmlElement | None:
    """The document element, or None when there is nothing to parse."""
    if not text.strip():
        return None
    try:
        return lxml.html.document_fromstring(_END_TAGS.sub("", text), parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def html_title(root: lxml.html.HtmlElement) -> str:
    node = root.find(".//title")
    return " ".join(node.text_content().split()) if node is not None else ""


def meta_tags(root: lxml.html.HtmlElement) -> dict[str, str]:
    """<meta name|property=... content=...> pairs, names lower-cased, first occurrence wins."""
    found: dict[str, str] = {}
    for node in root.iter("meta"):
        name = (node.get("name") or node.get("property") or "").strip().lower()
        content = (node.get("content") or "").strip()
        if name and content:
            found.setdefault(name, content)
    return found


def prune(root: lxml.html.HtmlElement) -> None:
    """Remove invisible elements in place, keeping the tail text that follows them."""
    doomed = [
        node
        for node in root.iter()
        if not isinstance(node.tag, str)
        or node.tag in INVISIBLE_TAGS
        or node.get("hidden") is not None
        or _HIDDEN_STYLE.search(node.get("style") or "")
    ]
    for node in doomed:
        if node.getparent() is not None:
            node.drop_tree()
