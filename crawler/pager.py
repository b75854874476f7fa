"""The way from a listing page to the next: one model for the pagers government sites write.

Read in this order, the first that answers wins:
1. a 下一页 / next / › link — also one in a hidden block (sites keep static links for crawlers in a
   `display:none` div while a script draws the visible pager);
2. a pager script's arguments: TRS `createPageHTML(count, current, "index", "shtml")` and its newer
   form with the container first;
3. page-number links (1 2 [3] 4 5): the current page is the number the pager does not link, the
   next page is the link labelled one more — whatever the addresses look like (`index_2.html`,
   `list_958_198.html` counting down, `?page=3`);
4. numbered addresses alone (`index_1.html` beside `index.html`, `?page=2` beside `?page=1`):
   the address whose number comes next after this page's.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urljoin, urlsplit

from .cleaning.dom import Element, text_of

NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后页|下一頁|next|next\s*page|>|›|»|>>)\s*$", re.IGNORECASE)
# TRS's pager, written by script: createPageHTML(count, current, "index", "shtml"), and the newer
# createPageHTML('page_div', count, current, 'list', 'shtml', total) with the container first.
_PAGER_SCRIPT = re.compile(
    r"createPageHTML\(\s*(?:['\"][^'\"]*['\"]\s*,\s*)?['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*"
    r"['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_NUMBERED_PAGE = re.compile(r"(?:^|/)([A-Za-z]+(?:_\d+)*)_(\d+)\.(s?html?|jsp|php|aspx?)$")
_PAGE_PARAMETERS = ("page", "pageNo", "pageno", "pageIndex", "pageindex", "p", "currentPage", "curpage", "pn")
_MAX_PAGE_LABEL = 100_000


def next_pages(text: str, page_url: str, links: list[tuple[str, str]], hidden: list[tuple[str, str]]) -> list[str]:
    """The next listing page(s) of page_url; links are (url, label) of the visible page, hidden
    those of the whole page before anything invisible was pruned."""
    for found in (
        _by_text(page_url, hidden or links),
        _by_script(text, page_url),
        _by_labels(page_url, links),
        _by_address(page_url, links),
    ):
        if found:
            return list(dict.fromkeys(found))
    return []


_CONTROLS = ("a", "button", "span", "input", "li", "div")


def has_script_pager(root: Element) -> bool:
    """A next-page control that a script drives: 下一页 on a button, or on a link whose address
    is javascript: or missing, with an onclick (a static first page, the rest fetched by script)."""
    for el in root.iter(*_CONTROLS):
        label = el.get("value") if el.tag == "input" else text_of(el)
        if not label or not NEXT_TEXT.match(label):
            continue
        href = (el.get("href") or "").strip().lower()
        if el.get("onclick") or href.startswith("javascript:") or (el.tag == "button"):
            return True
    return False


def _by_text(page_url: str, links: list[tuple[str, str]]) -> list[str]:
    return [url for url, label in links if NEXT_TEXT.match(label) and url != page_url]


def _by_script(text: str, page_url: str) -> list[str]:
    pager = _PAGER_SCRIPT.search(text)
    if not pager:
        return []
    count, current, prefix, suffix = int(pager[1]), int(pager[2]), pager[3], pager[4]
    return [urljoin(page_url, f"{prefix}_{current + 1}.{suffix}")] if current + 1 < count else []


def _by_labels(page_url: str, links: list[tuple[str, str]]) -> list[str]:
    """Page-number links: the current page is the lowest number missing between linked ones."""
    numbered = {int(label.strip()): url for url, label in links if label.strip().isdigit() and url != page_url}
    numbered = {n: url for n, url in numbered.items() if 0 < n < _MAX_PAGE_LABEL}
    if len(numbered) < 2:
        return []
    current = next(n for n in range(1, max(numbered) + 2) if n not in numbered)
    return [numbered[current + 1]] if current + 1 in numbered else []


def _address(url: str) -> tuple[str, int | None, bool]:
    """(the address without its page number, the number or None, whether a query parameter
    carries it): index_3.html, list_958_197.html and ?page=3 alike."""
    parts = urlsplit(url)
    params = parse_qsl(parts.query)
    for name, value in params:
        if name in _PAGE_PARAMETERS and value.isdigit():
            rest = sorted((k, v) for k, v in params if k != name)
            return f"{parts.path}?{rest}", int(value), True
    if match := _NUMBERED_PAGE.search(parts.path):
        return f"{parts.path[: match.start(2) - 1]}.{match[3]}?{sorted(params)}", int(match[2]), False
    return f"{parts.path}?{sorted(params)}", None, False


def _by_address(page_url: str, links: list[tuple[str, str]]) -> list[str]:
    """Numbered addresses beside this page's: the one whose number follows this page's. A first
    page has no number (index.html before index_1.html, list.html before list_2.html, a bare
    address before ?page=2): its next is its lowest-numbered sibling (?page=1 being itself)."""
    key, number, _ = _address(page_url)
    siblings = [(n, url, query) for url, _label in links for k, n, query in [_address(url)] if k == key and n]
    if number is not None:
        return [url for n, url, _q in siblings if n == number + 1]
    later = sorted((n, url) for n, url, query in siblings if not (query and n == 1))
    return [later[0][1]] if later else []
