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

HOW_LINES = 3
HOW_CHARS = 300
_HOW = re.compile(r"邮箱|电子邮件|e-?mail|@|传真|联系电话|电话|邮寄|通信地址|来函|反馈|意见建议|截止", re.IGNORECASE)


@dataclass
class OpenDraft:
    document: Document
    version: Version
    deadline: date
    days_left: int


def how_to_comment(text: str) -> str:
    """The call for comments' practical lines, shortened."""
    lines = [line.strip() for line in text.splitlines() if _HOW.search(line)][:HOW_LINES]
    joined = " ".join(lines)
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
