"""Reading a listing page: which links are documents, which lead to the next listing page.

Listing pages carry many link lists (menus, a rotating news sidebar, footer link farms). The
document list is the group of links sharing one DOM path whose anchors read like titles and sit
next to dates, outside chrome-named containers. Pagination is a 下一页 link, an index_N.html
link, or the TRS CMS createPageHTML(...) call that writes the pager in JavaScript.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urlsplit

from . import pager
from .catalogue import catalogue_row
from .cleaning import dom
from .cleaning.blocks import normalise_space
from .cleaning.body import names_a_rail
from .cleaning.decode import decode_html
from .cleaning.dom import Element, text_of
from .cleaning.meta import DATE
from .cleaning.names import is_chrome_named
from .cleaning.urls import absolute_link
from .cleaning.wechat import article_url
from .panes import reveal_panes
from .scope import Scope

# A date without a year, as list items write it: 10-19, [03-05], 3月5日.
_SHORT_DATE = re.compile(r"(?<![\d.\-/])(?:0?[1-9]|1[0-2])\s*[-/.月]\s*(?:0?[1-9]|[12]\d|3[01])\s*日?(?![\d.\-/])")
_MORE_TEXT = re.compile(r"^\s*(?:更多|更多信息|查看更多|more)\s*[>›»》]*\s*$", re.IGNORECASE)
_BOXES = ("div", "section", "td", "table", "dl")
_BOX_LEVELS = 3
_DATED = 0.5  # a list whose items mostly carry dates
_ALSO_LISTED = 0.3  # another dated list this strong beside the best one is listed too
CHROME_UNDATED_WEIGHT = 0.2  # evidence, not a veto: see _weighed
_HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6", "strong", "b"))
# Not documents: pictures, media, archives. Files that hold a text (PDF, Word, WPS, OFD,
# spreadsheets) are documents of the listing like pages.
_NOT_DOCUMENTS = re.compile(r"\.(?:zip|rar|7z|jpe?g|png|gif|bmp|mp4|mp3|avi|flv|swf)$", re.IGNORECASE)
_MIN_TITLE_CHARS = 5
_RECORD = re.compile(r"<record>\s*<!\[CDATA\[(.*?)\]\]>\s*</record>", re.DOTALL | re.IGNORECASE)
_DATASTORE = re.compile(r"<datastore>.*?</datastore>", re.DOTALL | re.IGNORECASE)
_PATH_DEPTH = 6
_ITEM_LEVELS = 3


@dataclass
class Listing:
    documents: list[str] = field(default_factory=list)
    next_pages: list[str] = field(default_factory=list)
    titles: dict[str, str] = field(default_factory=dict)  # a document's link text, as the list shows it
    dates: dict[str, str] = field(default_factory=dict)  # the date beside it, as written
    unreadable: str | None = None  # why the page could not be read whole (its fetch fails)
    # A catalogue table's row for each document (政府信息公开目录): 文号, 索引号, 发文机关, dates.
    catalogue: dict[str, dict[str, str]] = field(default_factory=dict)
    # The best list is only undated links in a column named like chrome: perhaps a rail beside a
    # list that scripts fill, so with scripts about a crawl on render "auto" looks in a browser.
    weak: bool = False
    # A 下一页 control with no address to follow (onclick, javascript:): only a browser turns the page.
    script_pager: bool = False

    @property
    def found_little(self) -> bool:
        """Nothing, a weak list, or a pager only a script turns: a page running scripts is worth
        a look in the browser (the crawl on render "auto", and `try`)."""
        return not self.documents or self.weak or self.script_pager


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


def _addresses(root: Element, base: str, scope: Scope) -> dict[Element, str]:
    """Each link the source may follow (its scope; WeChat articles too, canonical) and where it
    goes, each read on its own: one malformed href is skipped, never the listing."""
    found = {}
    for anchor in root.iter("a"):
        href = (anchor.get("href") or "").strip()
        url = absolute_link(href, base) if href and not href.startswith("#") else None
        if url is None:
            continue
        url = urldefrag(url).url
        url = article_url(url) or url
        if scope.allows(url) and not _NOT_DOCUMENTS.search(urlsplit(url).path):
            found[anchor] = url
    return found


def _candidates(root: Element, addresses: dict[Element, str]) -> list[tuple[Element, str, str]]:
    """(anchor, address, label) of the followable links still in the tree, labelled as shown."""
    return [
        (anchor, addresses[anchor], normalise_space(text_of(anchor) or anchor.get("title") or ""))
        for anchor in root.iter("a")
        if anchor in addresses
    ]


@dataclass
class _Group:
    """Links sharing one place in the page, and what they look like."""

    members: list[tuple[Element, str, str]]
    dated: float  # share of items with a date beside the link
    local: float  # share of links under the listing's own folder
    chrome: bool  # inside a container named like chrome (nav, side, footer…)
    named_rail: bool = False  # under a heading that calls it a rail (热点新闻, 相关阅读)

    def score(self) -> float:
        """Title-like text, more for a longer list, much more when items carry dates or live under
        the listing's own folder (a rotating sidebar rarely does either)."""
        count = len(self.members)
        length = sum(min(len(text), 60) for _a, _u, text in self.members) / count
        return length * count**0.5 * (1 + 2 * self.dated) * (1 + self.local)


def _has_date(anchor: Element) -> bool:
    """A date in the item around the link; one without a year (10-19, [03-05]) only beside the
    link, so a figure in a title is not a date."""
    item = _item_text(anchor)
    return bool(DATE.search(item) or _SHORT_DATE.search(item.replace(text_of(anchor), " ", 1)))


def _groups(candidates: list[tuple[Element, str, str]], page_url: str) -> list[_Group]:
    by_place: dict[str, list[tuple[Element, str, str]]] = defaultdict(list)
    for anchor, url, text in candidates:
        if len(text.replace(" ", "")) >= _MIN_TITLE_CHARS and url != page_url:
            by_place[_path_key(anchor)].append((anchor, url, text))
    folder = page_url.rsplit("/", 1)[0] + "/"
    groups = []
    for members in by_place.values():
        count = len(members)
        groups.append(
            _Group(
                members,
                dated=sum(_has_date(anchor) for anchor, _u, _t in members) / count,
                local=sum(url.startswith(folder) for _a, url, _t in members) / count,
                chrome=any(is_chrome_named(el) for el in members[0][0].iterancestors()),
                named_rail=_under_rail_heading(members[0][0]),
            )
        )
    return groups


def _weighed(group: _Group) -> float:
    """A group of undated links inside a container named like chrome is usually a rail of hot
    news: it weighs less, but it is never ruled out, so a page whose only list sits in a column
    named like furniture (side01, a gazette's table of contents) still lists its documents. Only
    such a list whose own heading also calls it a rail (热点新闻, 相关阅读) is none: the page
    says so twice, in its class and in its words."""
    if group.named_rail and group.chrome and group.dated < _DATED:
        return 0.0
    return group.score() * (CHROME_UNDATED_WEIGHT if group.chrome and group.dated < _DATED else 1.0)


def _under_rail_heading(anchor: Element) -> bool:
    """Is the list holding this link introduced by a heading naming a rail? The heading is the
    first text of the list's container, before the list itself (<div><h3>热点新闻</h3><ul>…)."""
    for container in list(anchor.iterancestors())[1:4]:
        first = next((el for el in container.iter() if el.tag in _HEADING_TAGS and text_of(el).strip()), None)
        if first is not None:
            return names_a_rail(text_of(first))
    return False


def _document_groups(candidates: list[tuple[Element, str, str]], page_url: str) -> list[_Group]:
    """The document list, and any other dated list beside it (通知公告 and 政策文件 side by side);
    a dated list counts fully even in a content column whose class holds a chrome word (side01)."""
    groups = [g for g in _groups(candidates, page_url) if _weighed(g) > 0]
    if not groups:
        return []
    best = max(groups, key=_weighed)
    alike = [
        g
        for g in groups
        if g is not best and not g.chrome and g.dated >= _DATED and g.score() >= _ALSO_LISTED * best.score()
    ]
    return [best, *alike]


def _labels(candidates: list[tuple[Element, str, str]], documents: list[str]) -> tuple[dict, dict]:
    """Each document's title and date as its list item shows them (a title cut short with "…"
    is often whole in the link's title attribute)."""
    titles, dates, wanted = {}, {}, set(documents)
    for anchor, url, text in candidates:
        if url not in wanted or url in titles:
            continue
        full, shown = normalise_space(anchor.get("title") or ""), text.rstrip(".…· ")
        titles[url] = full if shown and len(full) > len(text) and full.startswith(shown) else text
        item = _item_text(anchor)
        found = DATE.search(item) or _SHORT_DATE.search(item.replace(text_of(anchor), " ", 1))
        if found:
            dates[url] = found.group(0).strip()
    return titles, dates


def _document_links(groups: list[_Group]) -> list[str]:
    """In a dated list, a row without a date is its header or a portal link (在线举报平台)."""
    urls = [url for group in groups for anchor, url, _t in group.members if group.dated < _DATED or _has_date(anchor)]
    return list(dict.fromkeys(urls))


def _more_pages(groups: list[_Group], candidates: list[tuple[Element, str, str]]) -> list[str]:
    """A section page shows a few items and a "更多" link to the whole listing: the nearest box
    around the list that holds exactly one such link (more at once belong to other boxes)."""
    if not groups:
        return []
    more = [(anchor, url) for anchor, url, label in candidates if _MORE_TEXT.match(label)]
    for level, box in enumerate(groups[0].members[0][0].iterancestors(*_BOXES)):
        inside = {url for anchor, url in more if any(a is box for a in anchor.iterancestors())}
        if inside or level + 1 >= _BOX_LEVELS:
            return list(inside) if len(inside) == 1 else []
    return []


def _unwrap_records(text: str) -> str:
    """Hanweb (大汉) JCMS lists ship their items as <record><![CDATA[<li>…</li>]]></record> inside a
    <script type="text/xml"> that JavaScript renders; put the items into the page itself."""
    if "<recordset" not in text:
        return text
    items = "".join(_RECORD.findall(text))
    return _DATASTORE.sub("", text) + f"<div class='records'>{items}</div>"


def read_listing(
    body: bytes,
    page_url: str,
    scope: Scope | Iterable[str],
    *,
    encoding: str | None = None,
    document_pattern: str | None = None,
) -> Listing:
    """Document links in page order and the next listing page(s), among the links the scope
    allows (host names stand for the page's own origin and those hosts). Never raises."""
    if not isinstance(scope, Scope):
        scope = Scope.of([page_url, *(f"http://{host}/" for host in scope)], [])
    text, _ = decode_html(body, encoding)
    try:
        return _read(text, page_url, scope, document_pattern)
    except (dom.TooDeepError, RecursionError):
        return Listing(unreadable="the page is nested too deeply to read whole")


def _read(text: str, page_url: str, scope: Scope, document_pattern: str | None) -> Listing:
    root = dom.parse(_unwrap_records(text))
    if root is None:
        return Listing()
    addresses = _addresses(root, page_url, scope)  # resolved once: pruning changes no address
    everything = [(url, label) for _a, url, label in _candidates(root, addresses)]  # hidden ones too
    reveal_panes(root)
    dom.prune(root)
    candidates = _candidates(root, addresses)
    next_pages = pager.next_pages(text, page_url, [(url, label) for _a, url, label in candidates], everything)
    if document_pattern:
        pattern = re.compile(document_pattern)
        documents = list(dict.fromkeys(url for _a, url, _t in candidates if pattern.search(url)))
        return Listing(documents, next_pages, *_labels(candidates, documents))
    groups = _document_groups(candidates, page_url)
    if not next_pages:
        next_pages = _more_pages(groups, candidates)
    documents = [u for u in _document_links(groups) if u not in next_pages]
    weak = bool(groups) and _weighed(groups[0]) < groups[0].score()
    listed = set(documents)
    catalogue = {url: row for anchor, url, _t in candidates if url in listed and (row := catalogue_row(anchor))}
    script_pager = not next_pages and pager.has_script_pager(root)
    return Listing(
        documents,
        next_pages,
        *_labels(candidates, documents),
        catalogue=catalogue,
        weak=weak,
        script_pager=script_pager,
    )
