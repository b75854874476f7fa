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
from .cleaning.wechat import article_url

_NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|后页|下一頁|next|next\s*page|>|›|»|>>)\s*$", re.IGNORECASE)
_PAGER_SCRIPT = re.compile(
    r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"](\w+)['\"]\s*,\s*['\"](\w+)['\"]"
)
_NUMBERED_PAGE = re.compile(r"(?:^|/)(index|list|default)_(\d+)\.(s?html?)$")
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "#")
_FILE = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|ofd|zip|rar|jpe?g|png|gif|mp4|mp3)$", re.IGNORECASE)
_MIN_TITLE_CHARS = 5
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_DATASTORE = re.compile(r"<datastore>.*?</datastore>", re.DOTALL | re.IGNORECASE)
_PATH_DEPTH = 6
_ITEM_LEVELS = 3


@dataclass
class Listing:
    documents: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)


def _path_key(anchor: Element) -> str:
    """The anchor's place in the page. The item levels (a, li, ul or a, td, tr) count by tag only,
    because sites mark rows "odd"/"even" or "first"; the containers above count by class and id."""
    parts = []
    for level, el in enumerate([anchor, *anchor.iterancestors()][:_PATH_DEPTH]):
        parts.append(el.tag if level < _ITEM_LEVELS else f"{el.tag}.{el.get('class') or ''}#{el.get('id') or ''}")
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
    """Same-site links, and links to WeChat articles (offices publish there too), canonical."""
    found = []
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_SKIP_SCHEMES):
            continue
        url = urldefrag(urljoin(base, href)).url
        wechat = article_url(url)
        url = wechat or url
        if urlsplit(url).scheme not in ("http", "https") or not (wechat or _same_site(url, hosts)) or _FILE.search(url):
            continue
        text = normalise_space(text_of(anchor) or anchor.get("title") or "")
        found.append((anchor, url, text))
    return found


def _document_links(candidates: list[tuple[Element, str, str]], page_url: str) -> list[str]:
    groups: dict[str, list[tuple[Element, str, str]]] = defaultdict(list)
    for anchor, url, text in candidates:
        if len(text.replace(" ", "")) >= _MIN_TITLE_CHARS and url != page_url:
            groups[_path_key(anchor)].append((anchor, url, text))

    folder = page_url.rsplit("/", 1)[0] + "/"

    def score(members: list[tuple[Element, str, str]]) -> float:
        """Title-like text, more for a longer list, much more when items carry dates or live under
        the listing's own folder (a rotating sidebar rarely does either), little inside chrome."""
        count = len(members)
        length = sum(min(len(text), 60) for _a, _u, text in members) / count
        dated = sum(1 for anchor, _u, _t in members if DATE.search(_item_text(anchor))) / count
        local = sum(1 for _a, url, _t in members if url.startswith(folder)) / count
        chrome = 0.2 if any(is_chrome_named(el) for el in members[0][0].iterancestors()) else 1.0
        return length * count**0.5 * (1 + 2 * dated) * (1 + local) * chrome

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


def _unwrap_records(text: str) -> str:
    """Hanweb (大汉) JCMS lists ship their items as <record><![CDATA[<li>…</li>]]></record> inside a
    <script type="text/xml"> that JavaScript renders; put the items into the page itself."""
    if "<recordset" not in text:
        return text
    items = "".join(_RECORD.findall(text))
    return _DATASTORE.sub("", text) + f"<div class='records'>{items}</div>"


def read_listing(
    body: bytes, page_url: str, hosts: set[str], *, encoding: str | None = None, document_pattern: str | None = None
) -> Listing:
    """Document links in page order and the next listing page(s). Never raises on bad HTML."""
    text, _ = decode_html(body, encoding)
    root = dom.parse(_unwrap_records(text))
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
