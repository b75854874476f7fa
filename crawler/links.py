"""Reading a listing page: which links are documents, which lead to the next listing page.

Listing pages carry many link lists (menus, a rotating news sidebar, footer link farms). The
document list is the group of links sharing one DOM path whose anchors read like titles and sit
next to dates, outside chrome-named containers. Pagination is a 下一页 link, an index_N.html
link, or the TRS CMS createPageHTML(...) call that writes the pager in JavaScript.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from .cleaning import dom
from .cleaning.blocks import normalise_space
from .cleaning.content import is_chrome_named
from .cleaning.decode import decode_html
from .cleaning.dom import Element, text_of
from .cleaning.meta import DATE

_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后页|下一頁|next|next\s*page|>|›|»|>>)\s*$", re.IGNORECASE)
_PAGER_SCRIPT = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_NUMBERED_PAGE = re.compile(r"(?:^|/)(index|list|default)_(\d+)\.(s?html?)$")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
_FILE = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|ofd|zip|rar|jpe?g|png|gif|mp4|mp3)$", re.IGNORECASE)
_MIN_TITLE_CHARS = 5
_PATH_DEPTH = 5


@dataclass
class Listing:
    documents: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


def _path_key(anchor: Element) -> str:
    """The anchor's place in the page: tag, class and id of its nearest ancestors."""
    parts = []
    for el in [anchor, *anchor.iterancestors()][:_PATH_DEPTH]:
        parts.append(f"{el.tag}.{el.get('class') or ''}#{el.get('id') or ''}")
    return ">".join(reversed(parts))


def _item_text(anchor: Element) -> str:
    """The text of the list item around the anchor, where a date usually sits."""
    for el in anchor.iterancestors():
        if el.tag in ("li", "tr", "dd", "dl", "p", "div"):
            return text_of(el)[:300]
    return ""


def _same_site(url: str, hosts: set[str]) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == h or host.endswith("." + h) for h in hosts)


def _candidates(root: Element, base: str, hosts: set[str]) -> list[tuple[Element, str, str]]:
    found = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(base, href)).url
        if urlsplit(url).scheme not in ("http", "https") or not _same_site(url, hosts) or _FILE.search(url):
            continue
        text = normalise_space(text_of(anchor) or anchor.get("title") or "")
        found.append((anchor, url, text))
    return found


def _document_links(candidates: list[tuple[Element, str, str]], page_url: str) -> list[str]:
    groups: dict[str, list[tuple[Element, str, str]]] = defaultdict(list)
    for anchor, url, text in candidates:
        if len(text.replace(" ", "")) >= _MIN_TITLE_CHARS and url != page_url:
            groups[_path_key(anchor)].append((anchor, url, text))

    def score(members: list[tuple[Element, str, str]]) -> float:
        total = 0.0
        for anchor, _url, text in members:
            weight = min(len(text), 60) * (2.0 if DATE.search(_item_text(anchor)) else 1.0)
            total += weight
        if any(is_chrome_named(el) for el in members[0][0].iterancestors()):
            total *= 0.2
        return total

    if not groups:
        return []
    best = max(groups.values(), key=score)
    return list(dict.fromkeys(url for _a, url, _t in best))


def _next_pages(text: str, page_url: str, candidates: list[tuple[Element, str, str]]) -> list[str]:
    pages = [url for _a, url, label in candidates if _NEXT_TEXT.match(label) and url != page_url]
    pager = _PAGER_SCRIPT.search(text)
    if pager:
        count, current, prefix, suffix = int(pager[1]), int(pager[2]), pager[3], pager[4]
        if current + 1 < count:
            pages.append(urljoin(page_url, f"{prefix}_{current + 1}.{suffix}"))
    if not pages:
        numbered = [(int(m[2]), url) for _a, url, _t in candidates if (m := _NUMBERED_PAGE.search(urlsplit(url).path))]
        current = _NUMBERED_PAGE.search(urlsplit(page_url).path)
        want = (int(current[2]) if current else 0) + 1
        pages.extend(url for n, url in numbered if n == want)
    return list(dict.fromkeys(pages))


def read_listing(
    body: bytes, page_url: str, hosts: set[str], *, encoding: str | None = None, document_pattern: str | None = None
) -> Listing:
    """Document links in page order and the next listing page(s). Never raises on bad HTML."""
    text, _ = decode_html(body, encoding)
    root = dom.parse(text)
    if root is None:
        return Listing()
    dom.prune(root)
    candidates = _candidates(root, page_url, hosts)
    next_pages = _next_pages(text, page_url, candidates)
    if document_pattern:
        pattern = re.compile(document_pattern)
        documents = list(dict.fromkeys(url for _a, url, _t in candidates if pattern.search(url)))
    else:
        documents = [u for u in _document_links(candidates, page_url) if u not in next_pages]
    return Listing(documents=documents, next_pages=next_pages)
