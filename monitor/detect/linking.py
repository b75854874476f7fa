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
from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import literal_column, select
from sqlalchemy.orm import Session

from storage import Document, Version, utcnow
from storage.models import Link

from ..diff import bigrams, similarity
from .substance import attached_texts, not_part_of_a_cover_note, substance

TITLE_AGREEMENT = 0.6
BODY_CONTAINMENT = 0.5
BODY_ALONE = 0.85  # a body this close links even when the title was largely rewritten
CANDIDATE_TITLES = 0.3  # drafts whose title cores agree less are not read at all
MAX_CANDIDATES = 10  # of those, only the best-agreeing titles are read
RARE_PAIRS = 6  # a final's rarest title pairs find its candidate drafts
MAX_WEIGHED = 100  # of those, at most this many are weighed
DRAFT_HORIZON = timedelta(days=730)  # a draft first seen longer ago is no longer waiting for its final
QUICK_SAMPLE, QUICK_CONTAINMENT = 64, 0.3  # a first look at the bodies, well below BODY_CONTAINMENT
SHINGLE = 3

_STATUS_PREFIX = re.compile(r"^\s*[\[【［(（][^\]】］)）]{1,6}[\]】］)）]\s*")
_WRAPPER = re.compile(r"^.*?关于(?:公开)?(?:征求|徵求)\s*[《<](.+?)[》>].*?(?:意见|意見|建议).*$")
# A cover note issuing a document: "关于印发《…办法》的通知" is about the 办法.
_ISSUING = re.compile(r"^.*?关于(?:印发|发布|颁布|公布|转发|印發|發布|頒布)\s*[《<](.+?)[》>].{0,8}$")
_DRAFT_MARK = re.compile(
    r"[（(]\s*(?:征求意见稿|徵求意見稿|草案|送审稿|送審稿|修订草案|意见征求稿|公开征求意见稿)\s*[)）]"
)
_OFFICE_PREFIX = re.compile(
    r"^[\u4e00-\u9fff]{2,30}?(?:人民政府办公厅|人民政府办公室|人民政府|人民政府辦公廳|人民政府辦公室|办公厅|办公室|委员会|"
    r"辦公廳|辦公室|委員會|厅|廳|局|委|管委会|管委會|行政公署|省|市|县|縣|区|區|盟|州|旗)(?=关于|關於)"
)
_YEARS = re.compile(r"[（(]\s*\d{4}\s*[-—–－至]\s*\d{4}\s*年?\s*[)）]")
_NOISE = re.compile(r"[\s\W_]+")
_WORD_RUN = re.compile(rf"[^\W_]{{{SHINGLE}}}")
_CALL_FOR_COMMENTS = re.compile(r"征求意见|徵求意見|意见反馈|反馈意见|截止|提出意见|意见建议")


def title_core(title: str) -> str:
    """The title a draft and its final share."""
    core = _STATUS_PREFIX.sub("", title.strip())
    wrapped = _WRAPPER.match(core) or _ISSUING.match(core)
    if wrapped:
        core = wrapped.group(1)
    core = _DRAFT_MARK.sub("", core)
    core = _YEARS.sub("", core)
    core = _OFFICE_PREFIX.sub("", core)
    return _NOISE.sub("", core)


@lru_cache(maxsize=32)
def shingles(text: str) -> frozenset[str]:
    """A text's character 3-grams; cached, because one draft is weighed against many finals."""
    squashed = _NOISE.sub("", text)
    return frozenset(squashed[i : i + SHINGLE] for i in range(len(squashed) - SHINGLE + 1))


def containment(part: str | frozenset[str], whole: str | frozenset[str]) -> float:
    """Share of part's 3-grams found in whole's (either may be a precomputed 3-gram set)."""
    mine = part if isinstance(part, frozenset) else shingles(part)
    theirs = whole if isinstance(whole, frozenset) else shingles(whole)
    return len(mine & theirs) / len(mine) if mine else 0.0


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


def match_score(
    draft_title: str, draft_text: str | frozenset[str], final_title: str, final_text: str | frozenset[str]
) -> float | None:
    """How surely the final is the draft's final version (None: it is not). Either text may be
    given as its 3-gram set, when texts are matched many times over."""
    titles = similarity(title_core(draft_title), title_core(final_title))
    body = containment(final_text, draft_text)
    if body >= BODY_ALONE or (titles >= TITLE_AGREEMENT and body >= BODY_CONTAINMENT):
        return round((titles + 2 * body) / 3, 3)
    return None


def _published_before(draft_meta: dict | None, final_meta: dict | None) -> bool:
    """A draft is published for comment before its final is signed (成文日期, when the final's
    text has one: a reprint's page date may be much later), else before the final's page date."""
    draft, final = draft_meta or {}, final_meta or {}
    draft_date = draft.get("publish_date") or draft.get("signed_on")
    final_date = final.get("signed_on") or final.get("publish_date")
    return not (draft_date and final_date) or draft_date <= final_date


class DraftIndex:
    """The open (not yet linked) drafts' title cores, loaded once per detection and searched by
    shared character pairs, so a crawl with many new finals reads the drafts once, not per final."""

    def __init__(self, rows: list[tuple[int, str]]) -> None:
        self._texts: dict[int, tuple[str, str, dict | None]] = {}  # read on first need, once
        self._grams: dict[int, frozenset[str]] = {}  # built on first need, once
        self.pairs_of: dict[int, set[str]] = {}
        self.core_of: dict[int, str] = dict(rows)
        self.by_core: dict[str, set[int]] = defaultdict(set)
        self.by_pair: dict[str, set[int]] = defaultdict(set)
        for draft_id, core in rows:
            self.pairs_of[draft_id] = bigrams(core)
            self.by_core[core].add(draft_id)
            for pair in self.pairs_of[draft_id]:
                self.by_pair[pair].add(draft_id)

    @classmethod
    def load(cls, session: Session) -> DraftIndex:
        """The open drafts of the last DRAFT_HORIZON: older ones are not waiting for a final, and
        loading them all would make every detection cost more as the years go by."""
        rows = session.execute(
            select(Document.id, Document.title_core).where(
                Document.status == literal_column("'draft'"),  # a literal: the partial index's own condition
                Document.first_seen_at >= utcnow() - DRAFT_HORIZON,
                Document.id.not_in(select(Link.draft_id)),
                not_part_of_a_cover_note(),
            )
        ).all()
        return cls([(draft_id, core) for draft_id, core in rows])

    def texts(self, session: Session, draft_ids: list[int]) -> list[tuple[int, str, str, dict | None]]:
        """(id, title, text, meta) of the drafts' current versions."""
        missing = [d for d in draft_ids if d not in self._texts]
        if missing:
            attached = attached_texts(session, missing)
            for draft_id, title, text, meta in session.execute(
                select(Document.id, Version.title, Version.text, Version.meta)
                .join(Version, Version.id == Document.current_version_id)
                .where(Document.id.in_(missing))
            ):
                self._texts[draft_id] = (title, substance(text, attached.get(draft_id)), meta)
        return [(d, *self._texts[d]) for d in draft_ids if d in self._texts]

    def grams(self, draft_id: int) -> frozenset[str]:
        """The draft's 3-gram set: many finals may be weighed against one draft."""
        if draft_id not in self._grams:
            self._grams[draft_id] = shingles(self._texts[draft_id][1])
        return self._grams[draft_id]

    def remove(self, draft_id: int) -> None:
        for pair in self.pairs_of.pop(draft_id, ()):
            self.by_pair[pair].discard(draft_id)
        self.by_core[self.core_of.pop(draft_id, "")].discard(draft_id)

    def exact(self, core: str, exclude: int) -> list[int]:
        return sorted(self.by_core.get(core, set()) - {exclude})

    def similar(self, core: str, exclude: int) -> list[int]:
        """Drafts whose cores agree enough (bigram Dice), best first, at most MAX_CANDIDATES.

        Candidates are the drafts sharing one of the core's RARE_PAIRS rarest character pairs:
        common pairs (关于, 通知, 意见) are shared by thousands of drafts and tell nothing, and
        walking their lists would make each lookup cost as much as the history is long.
        """
        mine = bigrams(core)
        candidates: set[int] = set()
        for pair in heapq.nsmallest(RARE_PAIRS, mine, key=lambda pair: len(self.by_pair.get(pair, ()))):
            postings = self.by_pair.get(pair, set())
            if candidates and len(candidates) + len(postings) > MAX_WEIGHED:
                break  # enough candidates from the rarer pairs: the cost of a lookup stays bounded
            candidates |= postings
        candidates.discard(exclude)
        scored = [(2 * len(mine & self.pairs_of[d]) / (len(mine) + len(self.pairs_of[d])), d) for d in candidates]
        return [d for score, d in heapq.nlargest(MAX_CANDIDATES, scored) if score >= CANDIDATE_TITLES]


def find_draft(
    session: Session,
    final: Document,
    final_version: Version,
    index: DraftIndex | None = None,
    text: str | None = None,
) -> Match | None:
    """The unlinked draft, on any source and not published after it, that this document finalizes
    (text: what the final says, when not its version's own text: a cover note's attachments).

    Drafts sharing the final's title core exactly are tried first; then those whose cores agree
    most; only the texts of those few are read.
    """
    index = index or DraftIndex.load(session)
    core = title_core(final_version.title)
    weighed: _Final | None = None
    for candidates in (index.exact(core, final.id), index.similar(core, final.id)):
        if not candidates:
            continue
        weighed = weighed or _Final(final_version, text)
        best = _best_match(index, index.texts(session, candidates), weighed)
        if best is not None:
            return best
    return None


class _Final:
    """A final weighed against drafts: a sample of its 3-grams, looked up in each draft's 3-gram
    set, turns look-alike drafts away before its own full set is built."""

    def __init__(self, version: Version, text: str | None = None) -> None:
        self.version = version
        self.text = text if text is not None else version.text
        # The first run of three word characters at each sampled place: a 3-gram of the squashed
        # text too, found without squashing the whole text (six times cheaper).
        text = self.text
        step = max(1, len(text) // QUICK_SAMPLE)
        found = (_WORD_RUN.search(text, i, i + 4 * SHINGLE) for i in range(0, max(0, len(text) - SHINGLE + 1), step))
        self.sample = frozenset(match.group() for match in found if match)
        self._grams: frozenset[str] | None = None

    @property
    def grams(self) -> frozenset[str]:
        if self._grams is None:
            self._grams = shingles(self.text)
        return self._grams

    def may_be_in(self, draft_grams: frozenset[str]) -> bool:
        return not self.sample or len(self.sample & draft_grams) / len(self.sample) >= QUICK_CONTAINMENT


def _best_match(index: DraftIndex, rows: list[tuple[int, str, str, dict | None]], final: _Final) -> Match | None:
    best: Match | None = None
    for draft_id, title, _text, meta in rows:
        if not _published_before(meta, final.version.meta):
            continue
        grams = index.grams(draft_id)
        if not final.may_be_in(grams):
            continue
        score = match_score(title, grams, final.version.title, final.grams)
        if score is not None and (best is None or score > best.score):
            best = Match(draft_id, score)
    return best
