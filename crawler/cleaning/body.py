"""Which of the container's blocks are the document.

The chosen container often holds more than the document: the headline repeated above the text,
a line of page furniture (date, source, counter, font-size buttons), link lists before and after
the text, and after it a disclaimer, a reprint notice, or a "为你推荐 / 相关阅读" rail. Leaving
any of these in makes a false alert the next time they change, and whether they are in depends
on how wide a container won, so they are cut here whatever the container: then two containers
that score alike give the same text.
"""

from __future__ import annotations

import re

from .attachments import is_file_link, names_attachment
from .blocks import TextBlock
from .dom import Element
from .official import ATTACHMENT_NOTE, NUMBERED_ITEM
from .title import title_rank

# A line of page furniture: counters, dates, sources, font-size and share widgets, with labels and
# values but no sentence.
_FURNITURE = re.compile(
    r"(?:发布时间|发布日期|發布時間|来源|來源|浏览次数|浏览量|瀏覽次數|访问量|阅读量|阅读次数|点击数|点击次|点击量|"
    r"点击率|字号|字体|字號|分享到?|打印|关闭|收藏|扫一扫|责任编辑|编辑|作者|【大|【中|【小|\[大|\[中|\[小|"
    r"索\s*引\s*号|索引號|分\s*类|分類|发文机关|發文機關|成文日期|标\s*题|標題|发文字号|文\s*号|文號|主题分类|有效性|"
    r"公开日期|公開日期|发布机构|访问者|访客|访问次数|阅读数|次浏览|更新时间|生成时间|今天是|当前时间)"
)
_FURNITURE_MAX = 90
# The site's notices appended to every article: disclaimers and reprint terms.
_NOTICE = re.compile(
    r"^[【\[（(]?(?:免责声明|版权声明|特别声明|声明)[】\]）)]?\s*[:：]|未经.{0,6}(?:授权|许可|同意).{0,8}(?:转载|使用|复制)|"
    r"(?:转载|转发)请注明|(?:禁止|谢绝|严禁|不得).{0,4}转载"
)
_NOTICE_MAX = 160
# A heading that starts a rail of other articles after the document.
_RAIL_HEADING = re.compile(
    r"^(?:相关|推荐|热门|热点|精彩|延伸|往期|更多|最新|猜你|为你|为您|大家都在|编辑|今日|网友|点击)"
    r"(?:阅读|新闻|文章|推荐|资讯|报道|专题|链接|回顾|精彩|喜欢|都在看|排行|热文|评论)"
)
_RAIL_HEADING_MAX = 12


def is_furniture(block: TextBlock) -> bool:
    text = block.text
    return (
        len(text) <= _FURNITURE_MAX
        and "。" not in text
        and bool(_FURNITURE.search(text))
        and (any(ch.isdigit() for ch in text) or "：" in text or ":" in text or len(text) <= 12)
    )


def is_notice(block: TextBlock) -> bool:
    return len(block.text) <= _NOTICE_MAX and bool(_NOTICE.search(block.text))


def _is_rail_heading(block: TextBlock) -> bool:
    return names_a_rail(block.text)


def names_a_rail(text: str) -> bool:
    """A heading that says what follows is a rail of other articles (相关阅读, 热点新闻, 为你推荐)."""
    text = text.strip(" :：>》»|")
    return len(text) <= _RAIL_HEADING_MAX and bool(_RAIL_HEADING.match(text))


def inside(el: Element, container: Element) -> bool:
    return el is container or any(a is container for a in el.iterancestors())


def _squash(text: str) -> str:
    return "".join(text.split())


def _is_headline(block: TextBlock, title: str) -> bool:
    """The page's headline element, inside a container wide enough to hold it; a paragraph of the
    document that repeats the title is the document's own heading and stays."""
    return title_rank(block.owner) <= 3 and _squash(block.text) == _squash(title)


def _continues_attachments(block: TextBlock, kept: list[TextBlock]) -> bool:
    """The second and later items of a numbered attachment list ("附件：1．…" then "2．…"):
    a numbered link to a file right after an attachment line."""
    return (
        bool(kept)
        and any(is_file_link(href) for href in block.hrefs)
        and bool(NUMBERED_ITEM.match(block.text))
        and bool(ATTACHMENT_NOTE.match(kept[-1].text) or NUMBERED_ITEM.match(kept[-1].text))
    )


def body_blocks(blocks: list[TextBlock], values: list[float], container: Element, title: str) -> list[TextBlock]:
    """The document's blocks in the container. Link blocks stay only between two paragraphs of
    prose (a card or a reference inside the text) or when they name an attachment."""
    within = set(container.iter())
    mine = [(b, v) for b, v in zip(blocks, values, strict=True) if b.owner in within]
    prose = [i for i, (_b, v) in enumerate(mine) if v > 0]
    first, last = (prose[0], prose[-1]) if prose else (0, -1)
    total, seen = sum(v for _b, v in mine if v > 0), 0.0
    kept: list[TextBlock] = []
    for i, (block, value) in enumerate(mine):
        if _is_rail_heading(block) and seen >= total / 2:
            break  # everything after it is the rail
        seen += max(value, 0.0)
        linked = block.link_chars * 2 >= block.chars
        if linked and not (names_attachment(block) or _continues_attachments(block, kept)) and not first < i < last:
            continue
        if is_furniture(block) or is_notice(block) or (not kept and _is_headline(block, title)):
            continue
        kept.append(block)
    return kept
