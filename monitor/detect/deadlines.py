"""Drafts for comment (征求意见稿) whose comment deadline is near, and how to comment on them.

A draft is open while it is not removed and no final has been linked to it. How to comment is
the call for comments that the draft-to-final diff leaves out: the lines that say where to send
comments (mail, e-mail, fax, telephone) and by when, wherever the page puts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import Document, Version
from storage.models import Link

HOW_LINES = 12
HOW_CHARS = 1200
_HOW = re.compile(r"邮箱|电子邮件|e-?mail|@|传真|联系电话|电话|邮寄|通信地址|来函|反馈|意见建议|截止", re.IGNORECASE)
# The ways a call for comments lists, each on lines of its own: post (地址, 邮编, 信封上注明), online.
_WAY = re.compile(
    r"邮箱|电子邮件|e-?mail|@|传真|电话|邮寄|信函|来函|地址|邮编|邮政编码|信封|注明|网站|网址|在线|登录|平台|留言|"
    r"https?://|联系人|反馈|意见|截止",
    re.IGNORECASE,
)
_ITEM = re.compile(r"^\s*(?:[（(]?[一二三四五六七八九十\d]{1,2}[)）.、．]|[①-⑩])")


@dataclass
class OpenDraft:
    document: Document
    version: Version
    deadline: date
    days_left: int


def how_to_comment(text: str) -> str:
    """The call for comments' whole block of ways (e-mail, post with its address lines, fax,
    online), one line each: from its first practical line, while lines name a way or are items
    of its list."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if _HOW.search(line)), None)
    if start is None:
        return ""
    block = [lines[start]]
    for line in lines[start + 1 : start + HOW_LINES]:
        if not (_WAY.search(line) or _ITEM.match(line)) or len(line) > 200:
            break
        block.append(line)
    joined = "\n".join(block)
    return joined if len(joined) <= HOW_CHARS else joined[: HOW_CHARS - 1] + "…"


def _deadline(meta: dict | None) -> date | None:
    try:
        return date.fromisoformat(str((meta or {}).get("comment_deadline"))[:10])
    except ValueError:
        return None


def drafts_closing(session: Session, today: date, days: int) -> list[OpenDraft]:
    """Open drafts whose deadline is today or within the next days, soonest first."""
    finalized = select(Link.draft_id)
    rows = session.execute(
        select(Document, Version)
        .join(Version, Version.id == Document.current_version_id)
        .where(Document.status == "draft", Document.gone_since.is_(None), Document.id.not_in(finalized))
    )
    found = []
    for document, version in rows:
        deadline = _deadline(version.meta)
        if deadline is not None and 0 <= (deadline - today).days <= days:
            found.append(OpenDraft(document, version, deadline, (deadline - today).days))
    return sorted(found, key=lambda d: d.deadline)
