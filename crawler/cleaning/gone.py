"""Pages that say the document is gone ("页面不存在", "信息已删除", a bare 404 title), served with
status 200 in the site's chrome: a removal, never a new version."""

from __future__ import annotations

import re

from .blocks import TextBlock

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
_GONE_HINTS = ("页", "頁", "删除", "撤下", "下线", "不存在", "ound")
_SHORT_BODY = 300


def says_not_found(tab_title: str, title: str, body: list[TextBlock], blocks: list[TextBlock]) -> bool:
    """The page's titles, its short body, or one short line anywhere say the page is not there."""
    for heading in (tab_title, title):
        if _NOT_FOUND.search(heading) or (len(heading) <= _BARE_404_TITLE_MAX and _BARE_404.search(heading)):
            return True
    text = "".join(b.text for b in body)
    if len(text) < _SHORT_BODY and _NOT_FOUND.search(text):
        return True
    return any(
        b.chars <= _GONE_MESSAGE_MAX
        and b.link_chars * 2 < b.chars
        and _may_say_gone(b.text)
        and _GONE_MESSAGE.search(b.text)
        for b in blocks
    )


def _may_say_gone(text: str) -> bool:
    """Every gone message has one of these; most lines have none, and the regex is costly."""
    return any(hint in text for hint in _GONE_HINTS)
