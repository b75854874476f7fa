"""The words around the crawled content of every message, in the reader's language.

The documents are Chinese, and so are most readers: messages speak Chinese by default
(`[notify] language = "zh"`); "en" is there for the rest. Templates take one Wording as `w`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Language = Literal["zh", "en"]


@dataclass(frozen=True)
class Wording:
    kinds: dict[str, str]
    events: str  # "{n} events"
    found: str  # "policywatch found {events}."
    legend: str
    what_changed: str
    draft: str
    reprint_of: str
    repealed_by: str
    republished: str
    attachment_of: str
    attachments: str
    comments_due: str
    characters: str  # "{added} … {removed}"
    key_changes: str
    unsubscribe: str
    manage: str
    digest: dict[str, str]  # rhythm: heading
    reminder: str  # "{n} drafts"
    days_left: str  # "{n}"
    how_to_comment: str
    comments_close: str  # subject: "{count}: comments close by {date}"

    def count(self, n: int) -> str:
        return self.events.format(n=n, s="s" if n != 1 else "")


ZH = Wording(
    kinds={
        "new": "新发布",
        "changed": "已修改",
        "removed": "已删除",
        "restored": "已恢复",
        "finalized": "正式稿",
        "repealed": "已废止",
        "expired": "已失效",
    },
    events="{n} 条动态",
    found="policywatch 发现 {events}。",
    legend="删除的文字标为 [-这样-]，新增的文字标为 {+这样+}。",
    what_changed="查看变化",
    draft="征求意见稿",
    reprint_of="转载自",
    repealed_by="废止依据",
    republished="另有转载",
    attachment_of="附件，所属页面",
    attachments="附件",
    comments_due="意见反馈截止",
    characters="新增 {added} 字，删除 {removed} 字",
    key_changes="要点变化",
    unsubscribe="退订（一键）",
    manage="管理订阅",
    digest={"daily": "每日汇总", "weekly": "每周汇总"},
    reminder="{n} 份征求意见稿即将截止反馈",
    days_left="还剩 {n} 天",
    how_to_comment="反馈方式",
    comments_close="{count}：{date} 截止反馈",
)

EN = Wording(
    kinds={
        "new": "new",
        "changed": "changed",
        "removed": "removed",
        "restored": "restored",
        "finalized": "finalized",
        "repealed": "repealed",
        "expired": "expired",
    },
    events="{n} event{s}",
    found="policywatch found {events}.",
    legend="Deletions are marked [-like this-], insertions {+like this+}.",
    what_changed="What changed",
    draft="Draft",
    reprint_of="Reprint of",
    repealed_by="Repealed by",
    republished="Also republished by",
    attachment_of="Attachment of",
    attachments="Attachments",
    comments_due="Comments due by",
    characters="+{added} / -{removed} characters",
    key_changes="Key changes",
    unsubscribe="Unsubscribe (one click)",
    manage="Change what you receive",
    digest={"daily": "daily digest", "weekly": "weekly digest"},
    reminder="comments on {n} draft(s) close soon",
    days_left="{n} day(s) left",
    how_to_comment="How to comment",
    comments_close="{count}: comments close by {date}",
)

WORDINGS: dict[str, Wording] = {"zh": ZH, "en": EN}


def wording(language: str) -> Wording:
    return WORDINGS.get(language, ZH)
