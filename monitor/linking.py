"""Draft → final linking: which later document is the final version of a draft for comment.

A final is usually published at another address, by another office, under another title:
"[已结束]关于征求《关于推动…的实施意见(征求意见稿)》意见的通知" becomes "宁夏回族自治区人民政府
办公厅关于推动…的实施意见". Two witnesses must agree: the titles' cores (wrappers, draft marks,
status and office prefixes removed) and the bodies (the share of the final's character 3-grams
found in the draft, which the comment-call wrapper around a draft does not dilute). Regional
implementations of one national policy have near-identical titles but different bodies, so the
body decides; the title guards against a final that merely quotes a draft.
"""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from storage import Document, Version
from storage.models import Link

from .diff import similarity

TITLE_AGREEMENT = 0.6
BODY_CONTAINMENT = 0.5
BODY_ALONE = 0.85  # a body this close links even when the title was largely rewritten
CANDIDATE_TITLES = 0.3  # drafts whose title cores agree less are not read at all
MAX_CANDIDATES = 10  # of those, only the best-agreeing titles are read
SHINGLE = 3

_STATUS_PREFIX = re.compile(r"^\s*[\[【［(（][^\]】］)）]{1,6}[\]】］)）]\s*")
_WRAPPER = re.compile(r"^.*?关于(?:公开)?(?:征求|徵求)\s*[《<](.+?)[》>].*?(?:意见|意見|建议).*$")
_DRAFT_MARK = re.compile(
    r"[（(]\s*(?:征求意见稿|徵求意見稿|草案|送审稿|送審稿|修订草案|意见征求稿|公开征求意见稿)\s*[)）]"
)
_OFFICE_PREFIX = re.compile(
    r"^[\u4e00-\u9fff]{2,30}?(?:人民政府办公厅|人民政府办公室|人民政府|人民政府辦公廳|人民政府辦公室|办公厅|办公室|委员会|"
    r"辦公廳|辦公室|委員會|厅|廳|局|委|管委会|管委會|行政公署|省|市|县|縣|区|區|盟|州|旗)(?=关于|關於)"
)
_YEARS = re.compile(r"[（(]\s*\d{4}\s*[-—–－至]\s*\d{4}\s*年?\s*[)）]")
_NOISE = re.compile(r"[\s\W_]+")
_CALL_FOR_COMMENTS = re.compile(r"征求意见|徵求意見|意见反馈|反馈意见|截止|提出意见|意见建议")


def title_core(title: str) -> str:
    """The title a draft and its final share."""
    core = _STATUS_PREFIX.sub("", title.strip())
    wrapped = _WRAPPER.match(core)
    if wrapped:
        core = wrapped.group(1)
    core = _DRAFT_MARK.sub("", core)
    core = _YEARS.sub("", core)
    core = _OFFICE_PREFIX.sub("", core)
    return _NOISE.sub("", core)


def _shingles(text: str) -> set[str]:
    squashed = _NOISE.sub("", text)
    return {squashed[i : i + SHINGLE] for i in range(len(squashed) - SHINGLE + 1)}


def containment(part: str | set[str], whole: str) -> float:
    """Share of part's 3-grams (or of a precomputed 3-gram set) found in whole."""
    mine = part if isinstance(part, set) else _shingles(part)
    return len(mine & _shingles(whole)) / len(mine) if mine else 0.0


def without_comment_call(title: str, text: str) -> str:
    """The draft itself: the notice calling for comments (how to send them, the deadline, the
    contacts) cut off before the draft's own heading, and the draft marks removed."""
    paragraphs = text.splitlines()
    core = title_core(title)
    for i, paragraph in enumerate(paragraphs[1:], start=1):
        if len(paragraph) <= 80 and similarity(title_core(paragraph), core) >= 0.8:
            if _CALL_FOR_COMMENTS.search("\n".join(paragraphs[:i])):
                paragraphs = paragraphs[i:]
            break
    cleaned = (_DRAFT_MARK.sub("", p).strip() for p in paragraphs)
    return "\n".join(p for p in cleaned if p and not _YEARS.fullmatch(p))


@dataclass(frozen=True)
class Match:
    draft_id: int
    score: float


def match_score(draft_title: str, draft_text: str, final_title: str, final_text: str | set[str]) -> float | None:
    """How surely the final is the draft's final version (None: it is not). final_text may be the
    final's 3-gram set, when one final is matched against several drafts."""
    titles = similarity(title_core(draft_title), title_core(final_title))
    body = containment(final_text, draft_text)
    if body >= BODY_ALONE or (titles >= TITLE_AGREEMENT and body >= BODY_CONTAINMENT):
        return round((titles + 2 * body) / 3, 3)
    return None


def _published_before(draft_meta: dict | None, final_meta: dict | None) -> bool:
    draft_date, final_date = (draft_meta or {}).get("publish_date"), (final_meta or {}).get("publish_date")
    return not (draft_date and final_date) or draft_date <= final_date


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)}


def find_draft(session: Session, final: Document, final_version: Version) -> Match | None:
    """The unlinked draft, on any source and not published after it, that this document finalizes.

    Drafts sharing the final's title core exactly are tried first (an indexed lookup); otherwise
    the stored cores of all open drafts are compared (short strings, one query), and only the
    texts of the few best are read.
    """
    core = title_core(final_version.title)
    open_drafts = select(Document.id).where(
        Document.status == "draft", Document.id != final.id, Document.id.not_in(select(Link.draft_id))
    )
    exact = list(session.scalars(open_drafts.where(Document.title_core == core)))
    best = _best_match(session, exact, final_version) if exact else None
    if best is not None:
        return best
    mine = _bigrams(core)
    if not mine:
        return None
    # The database narrows the drafts first (a LIKE scan runs in C): a draft whose core shares
    # none of the final core's first, middle and last two characters cannot agree with it enough.
    ordered = [core[i : i + 2] for i in range(len(core) - 1)]
    probes = {ordered[0], ordered[len(ordered) // 2], ordered[-1]}
    narrowed = open_drafts.add_columns(Document.title_core).where(
        or_(*(Document.title_core.contains(p) for p in probes))
    )
    scored = []
    for draft_id, draft_core in session.execute(narrowed).all():
        theirs = _bigrams(draft_core)
        score = 2 * len(mine & theirs) / (len(mine) + len(theirs))
        if score >= CANDIDATE_TITLES:
            scored.append((score, draft_id))
    candidates = [draft_id for _score, draft_id in heapq.nlargest(MAX_CANDIDATES, scored)]
    return _best_match(session, candidates, final_version) if candidates else None


def _best_match(session: Session, draft_ids: list[int], final_version: Version) -> Match | None:
    best: Match | None = None
    rows = session.execute(
        select(Document.id, Version.title, Version.text, Version.meta)
        .join(Version, Version.id == Document.current_version_id)
        .where(Document.id.in_(draft_ids))
    ).all()
    final_grams = _shingles(final_version.text)
    for draft_id, title, text, meta in rows:
        if not _published_before(meta, final_version.meta):
            continue
        score = match_score(title, text, final_version.title, final_grams)
        if score is not None and (best is None or score > best.score):
            best = Match(draft_id, score)
    return best
