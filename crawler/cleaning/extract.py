"""clean(): from the bytes of a page to the document a reader came for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from . import dom
from .blocks import HEADING_TAGS, TextBlock, segment
from .content import best_container, block_values
from .decode import decode_html
from .document import Attachment, Block, CleanDocument
from .dom import Element, text_of
from .meta import extract_meta
from .title import find_title, strip_status_prefix

MIN_BODY_CHARS = 40
# Beyond this, a page is not a policy document; cleaning it would only cost time.
MAX_INPUT_BYTES = 8_000_000
_ATTACHMENT = re.compile(r"\.(?:pdf|docx?|wps|xlsx?|ofd|zip|rar|7z|et)(?:$|[?#])", re.IGNORECASE)
# A bare 404 counts only in a short title ("404", "错误404"): a long one may number a document "（404）".
_BARE_404 = re.compile(r"(?<![\d第])404(?![\d号])")
_BARE_404_TITLE_MAX = 15
_NOT_FOUND = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要访问的|您访问的)?页面|页面已删除|文章不存在|信息不存在|内容不存在|"
    r"已被删除|已删除或|无法找到|not\s+found|頁面不存在|找不到頁面",
    re.IGNORECASE,
)
# A short line saying the page is gone: anywhere on a page, it outweighs the chrome around it.
_GONE_MESSAGE = re.compile(
    r"页面不存在|页面未找到|找不到(?:该|您要访问的|您访问的|您要查看的)?页面|您(?:所|要)?(?:访问|查看|请求)的页面|"
    r"(?:信息|文章|内容|页面|稿件)(?:已|已经|已被)(?:删除|撤下|下线)|(?:信息|文章|内容|稿件)不存在|"
    r"頁面不存在|找不到頁面|404\s*not\s*found|page\s+not\s+found",
    re.IGNORECASE,
)
_GONE_MESSAGE_MAX = 80
# A line of page furniture: counters, dates, sources, font-size and share widgets, with labels and
# values but no sentence.
_FURNITURE = re.compile(
    r"(?:发布时间|发布日期|發布時間|来源|來源|浏览次数|浏览量|瀏覽次數|访问量|阅读量|阅读次数|点击数|点击次|点击量|"
    r"点击率|字号|字体|字號|分享到?|打印|关闭|收藏|扫一扫|责任编辑|编辑|作者|【大|【中|【小|\[大|\[中|\[小|"
    r"索\s*引\s*号|索引號|分\s*类|分類|发文机关|發文機關|成文日期|标\s*题|標題|发文字号|文\s*号|文號|主题分类|有效性|"
    r"公开日期|公開日期|发布机构|访问者|访客|访问次数|阅读数|次浏览|更新时间|生成时间|今天是|当前时间)"
)
_FURNITURE_MAX = 90
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


@dataclass
class Rules:
    """Per-source overrides from the seed file; each wins over the automatic path."""

    content_selector: str | None = None
    title_selector: str | None = None
    drop_selectors: list[str] = field(default_factory=list)


def _is_furniture(block: TextBlock) -> bool:
    text = block.text
    return (
        len(text) <= _FURNITURE_MAX
        and "。" not in text
        and bool(_FURNITURE.search(text))
        and (any(ch.isdigit() for ch in text) or "：" in text or ":" in text or len(text) <= 12)
    )


def _inside(el: Element, container: Element) -> bool:
    return el is container or any(a is container for a in el.iterancestors())


def _body_blocks(blocks: list[TextBlock], container: Element) -> list[TextBlock]:
    """The container's blocks without link lists (attachment lines stay) and page furniture."""
    return [
        b
        for b in blocks
        if _inside(b.owner, container)
        and not (b.link_chars * 2 >= b.chars and not _names_attachment(b))
        and not _is_furniture(b)
    ]


def _names_attachment(block: TextBlock) -> bool:
    """An attachment line belongs to the body ("附件1：….xlsx"); a "PDF下载" button does not."""
    return bool(_ATTACHMENT.search(" ".join(block.hrefs))) and (
        "附件" in block.text or bool(_ATTACHMENT.search(block.text))
    )


def _kind(block: TextBlock) -> str:
    if block.is_row:
        return "row"
    if block.owner.tag in HEADING_TAGS:
        return "heading"
    return "paragraph"


def _attachments(root: Element, container: Element, url: str | None) -> list[Attachment]:
    scope = container.getparent() if container.getparent() is not None else container
    found: dict[str, Attachment] = {}
    for link in scope.iter("a"):
        href = (link.get("href") or "").strip()
        if not _ATTACHMENT.search(href):
            continue
        absolute = urljoin(url, href) if url else href
        name = " ".join(text_of(link).split()) or absolute.rsplit("/", 1)[-1]
        found.setdefault(absolute, Attachment(name=name, url=absolute))
    return list(found.values())


def _header_text(blocks: list[TextBlock], body: list[TextBlock]) -> str:
    """Short lines from just before the body to its first lines: where metadata blocks live."""
    if not body:
        return ""
    start = next(i for i, b in enumerate(blocks) if b is body[0])
    before = [b.text for b in blocks[max(0, start - 40) : start] if len(b.text) <= 200]
    opening = [b.text for b in body[:6] if len(b.text) <= 120]
    return "\n".join(before + opening)


def clean(
    html: bytes | str, url: str | None = None, rules: Rules | None = None, encoding: str | None = None
) -> CleanDocument:
    """Pure: the same bytes always give the same document. Never raises on bad input.

    encoding is the charset the server declared, if any: a hint, checked against the bytes.
    """
    rules = rules or Rules()
    if isinstance(html, bytes):
        if not html.strip():
            return CleanDocument(no_document="empty")
        if len(html) > MAX_INPUT_BYTES:
            html = html[:MAX_INPUT_BYTES]
        text, used = decode_html(html, encoding)
    else:
        text, used = html, None
    if _looks_binary(text):
        return CleanDocument(encoding=used, no_document="not_html")
    root = dom.parse(text)
    if root is None:
        return CleanDocument(encoding=used, no_document="empty")
    tab_title = dom.html_title(root)
    tags = dom.meta_tags(root)
    dom.prune(root)
    for selector in rules.drop_selectors:
        for el in dom.select(root, selector):
            dom.drop(el)

    blocks = segment(root)
    values = block_values(blocks)
    chosen = dom.select(root, rules.content_selector) if rules.content_selector else []
    container = chosen[0] if chosen else best_container(blocks, values)
    body = _body_blocks(blocks, container) if container is not None else []
    titled = dom.select(root, rules.title_selector) if rules.title_selector else []
    title = " ".join(text_of(titled[0]).split()) if titled else find_title(root, container, tab_title, tags)
    title = strip_status_prefix(title)

    doc = CleanDocument(title=title, encoding=used)
    if _is_not_found_page(tab_title, title, body) or _says_gone(blocks):
        doc.no_document = "not_found_page"
        return doc
    doc.blocks = [Block(kind=_kind(b), text=b.text) for b in body]
    if sum(b.chars for b in body) < MIN_BODY_CHARS:
        doc.no_document = "too_little_text"
        return doc
    paragraphs = [b.text for b in body]
    doc.meta = extract_meta(_header_text(blocks, body), paragraphs, title, tags)
    doc.attachments = _attachments(root, container, url)
    return doc


def _is_not_found_page(tab_title: str, title: str, body: list[TextBlock]) -> bool:
    for heading in (tab_title, title):
        if _NOT_FOUND.search(heading) or (len(heading) <= _BARE_404_TITLE_MAX and _BARE_404.search(heading)):
            return True
    text = "".join(b.text for b in body)
    return len(text) < 300 and bool(_NOT_FOUND.search(text))


def _says_gone(blocks: list[TextBlock]) -> bool:
    return any(
        b.chars <= _GONE_MESSAGE_MAX and b.link_chars * 2 < b.chars and _GONE_MESSAGE.search(b.text) for b in blocks
    )


def _looks_binary(text: str) -> bool:
    sample = text[:2000]
    return len(_CONTROL.findall(sample)) > len(sample) * 0.1


__all__ = ["Rules", "clean"]
