"""Change detection: each document's state compared with the last event told about it.

Derived from stored state alone, so running it twice (or after a crash) finds nothing new the
second time, and events and their outbox messages are written in one transaction.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.orm import Session, aliased, object_session

from notifier import compose
from notifier.notices import Mark, Notice, Passage
from notifier.wording import ZH
from storage import Change, Document, Fetch, Run, Version, utcnow
from storage.db import row
from storage.models import Link
from storage.runqueue import OPEN

from ..diff import DocumentDiff, diff_texts
from ..diff.excerpt import excerpts
from .flapping import held
from .linking import DraftIndex, find_draft, title_core, without_comment_call
from .reprints import mark_reprints
from .substance import attached_texts, not_part_of_a_cover_note, substance
from .validity import ENDED_KINDS, expire_due, record_validity

EXCERPTS_PER_EVENT = 8
CONTENT_KINDS = ("new", "changed", "removed", "restored", "finalized")  # what a page's content did
SUMMARY_CHARS = 160


def _decide(current: int | None, gone: bool, last: Change | None) -> tuple[str, int | None] | None:
    """(kind, old version id) of the event a document's state calls for, if any."""
    if current is None:
        return None
    if gone:
        return None if last is not None and last.kind == "removed" else ("removed", current)
    if last is None:
        return "new", None
    if last.kind == "removed":
        return "restored", last.old_version_id
    if last.new_version_id != current:
        return "changed", last.new_version_id
    return None


def pending_runs(session: Session, runs: list[Run]) -> list[int]:
    """These runs, and earlier finished runs of their sources whose changes were never detected
    (the process died between crawl and detection): their documents are looked at too."""
    sources = {run.source_id for run in runs}
    undetected = session.execute(  # all sources' (few, through ix_runs_undetected), not a year of theirs
        select(Run.id, Run.source_id).where(Run.changes_detected.is_(False), Run.status.notin_(OPEN))
    )
    return sorted({run_id for run_id, source_id in undetected if source_id in sources} | {run.id for run in runs})


def detect(
    session: Session, run_ids: list[int], run_by_source: dict[int, int] | None = None, confirm_crawls: int = 1
) -> list[Change]:
    """Create the events the documents fetched in these runs call for; returns them (flushed,
    with ids). Only those documents can have changed, so the cost follows the runs, not the
    history; each document's last event about its content is found through its index, not by
    grouping them all (repealed and expired say nothing about the content). A change waits while
    the page flaps or until confirm_crawls fetches saw it (flapping.py)."""
    fetched = select(Fetch.document_id).where(Fetch.run_id.in_(run_ids), Fetch.document_id.is_not(None))
    last_change = aliased(Change)
    last_id = (
        select(func.max(Change.id))
        .where(Change.document_id == Document.id, Change.kind.in_(CONTENT_KINDS))
        .correlate(Document)
    )
    rows = session.execute(
        select(
            Document.id,
            Document.source_id,
            Document.current_version_id,
            Document.gone_since,
            Document.flapping_since,
            func.length(func.replace(Version.text, "\n", "")).label("length"),  # as the diff counts
            last_change,
        )
        .outerjoin(Version, Version.id == Document.current_version_id)
        .outerjoin(last_change, last_change.id == last_id.scalar_subquery())
        .where(Document.id.in_(fetched))
        .order_by(Document.id)
    ).all()
    now = utcnow()
    changes = []
    with session.no_autoflush:
        for row in rows:
            decision = _decide(row.current_version_id, row.gone_since is not None, row[-1])
            # held() first, even with no event due: a flapping page that settled loses its mark.
            if held(session, row.id, row.flapping_since, decision and decision[0], confirm_crawls, now) or not decision:
                continue
            kind, old_id = decision
            change = Change(
                document_id=row.id,
                kind=kind,
                old_version_id=old_id,
                detected_at=now,
                new_version_id=None if kind == "removed" else row.current_version_id,
                run_id=(run_by_source or {}).get(row.source_id),
            )
            if kind == "new":
                change.added_chars = row.length or 0
            elif kind == "removed":
                change.removed_chars = row.length or 0
            else:
                stats = cached_diff(_text(session, old_id), _text(session, row.current_version_id)).stats
                change.added_chars, change.removed_chars = stats.added_chars, stats.removed_chars
            changes.append(change)
    session.add_all(changes)
    session.flush()
    return changes


def _text(session: Session, version_id: int | None) -> str:
    return (session.scalar(select(Version.text).where(Version.id == version_id)) or "") if version_id else ""


def change_texts(change: Change) -> tuple[str, str]:
    """The old and new text a change compares; a draft without its call for comments, and for
    cover notes what their attachments say."""
    old, new = change.old_version, change.new_version
    old_text, new_text = (old.text if old else ""), (new.text if new else "")
    if change.kind == "finalized" and old is not None:
        session = object_session(change)
        if session is not None:
            related = change.related_document_id
            attached = attached_texts(session, [change.document_id] + ([related] if related else []))
            old_text = substance(old_text, attached.get(related) if related else None)
            new_text = substance(new_text, attached.get(change.document_id))
        old_text = without_comment_call(old.title, old_text)
    return old_text, new_text


@lru_cache(maxsize=32)
def cached_diff(old_text: str, new_text: str) -> DocumentDiff:
    """Detection counts a change's characters and the notice shows its passages: one diff for both."""
    return diff_texts(old_text, new_text)


def change_diff(change: Change) -> DocumentDiff:
    return cached_diff(*change_texts(change))


def _update_document_columns(session: Session, changes: list[Change]) -> None:
    """What a document's new version says that is looked up by index: its title core (linking,
    reprints, repeals by title), its 文号 (repeals by number), the last day it says it is valid."""
    document_of = {c.new_version_id: c.document_id for c in changes if c.new_version_id is not None}
    if not document_of:
        return
    rows = session.execute(select(Version.id, Version.title, Version.meta).where(Version.id.in_(document_of))).all()
    table = cast(Table, Document.__table__)
    session.execute(
        update(table)
        .where(table.c.id == bindparam("document"))
        .values(title_core=bindparam("core"), doc_number=bindparam("number"), valid_until=bindparam("until")),
        [
            {
                "document": document_of[version_id],
                "core": title_core(title),
                "number": (meta or {}).get("doc_number") and str(meta["doc_number"])[:100],
                "until": (meta or {}).get("valid_until"),
            }
            for version_id, title, meta in rows
        ],
    )


def link_finals(session: Session, changes: list[Change]) -> list[Change]:
    """A finalized event (and a link) for each new final document that finalizes a known draft."""
    found: list[Change] = []
    new = {c.document_id: c for c in changes if c.kind == "new"}
    finals = set(
        session.scalars(
            select(Document.id).where(Document.id.in_(new), Document.status == "final", not_part_of_a_cover_note())
        )
    )
    if not finals:
        return found
    drafts = DraftIndex.load(session)
    attached = attached_texts(session, finals)
    documents = {d.id: d for d in session.scalars(select(Document).where(Document.id.in_(finals)))}
    versions = {
        v.id: v for v in session.scalars(select(Version).where(Version.id.in_([new[d].new_version_id for d in finals])))
    }
    for change in (c for c in new.values() if c.document_id in finals):
        document, version = documents[change.document_id], versions[cast(int, change.new_version_id)]
        text = substance(version.text, attached.get(document.id))
        match = find_draft(session, document, version, drafts, text)
        if match is None:
            continue
        drafts.remove(match.draft_id)
        draft = row(session, Document, match.draft_id)
        session.add(Link(draft_id=draft.id, final_id=document.id, score=match.score))
        finalized = Change(
            document_id=document.id,
            kind="finalized",
            related_document_id=draft.id,
            old_version_id=draft.current_version_id,
            new_version_id=version.id,
            run_id=change.run_id,
            detected_at=change.detected_at,
        )
        session.add(finalized)
        session.flush()
        stats = change_diff(finalized).stats
        finalized.added_chars, finalized.removed_chars = stats.added_chars, stats.removed_chars
        found.append(finalized)
    return found


def notice_for(session: Session, change: Change) -> Notice:
    document = change.document
    old, new = change.old_version, change.new_version
    shown = new or old
    meta = (shown.meta or {}) if shown else {}
    notice = Notice(
        change_id=change.id,
        kind=change.kind,
        source=document.source.name,
        title=shown.title if shown else "",
        url=document.url,
        text=shown.text if shown else "",
        detected_at=f"{change.detected_at:%Y-%m-%dT%H:%M:%S}Z",  # shown in the reader's timezone
        added_chars=change.added_chars,
        removed_chars=change.removed_chars,
        status=meta.get("status", "final"),
        comment_deadline=meta.get("comment_deadline"),
        document_id=document.id,
        related_document_id=change.related_document_id,
    )
    labels = (("publish_date", "发布日期"), ("doc_number", "文号"), ("issuer", "发文机关"))
    notice.facts = [(label, meta[key]) for key, label in labels if meta.get(key)]
    if change.kind in ("new", "finalized") and shown is not None:
        notice.summary = shown.text[:SUMMARY_CHARS] + ("…" if len(shown.text) > SUMMARY_CHARS else "")
    related = change.related_document
    if related is not None:
        notice.related_url, notice.related_title = related.url, related.title
        if change.kind == "new":  # a reprint: its original was news when first seen
            notice.original_source = related.source.name
            notice.original_seen = f"{related.first_seen_at:%Y-%m-%dT%H:%M:%S}"
    notice.file_type = document.file_type
    if document.parent is not None:
        notice.parent_url, notice.parent_title = document.parent.url, document.parent.title
    if old is not None and new is not None:
        diff = change_diff(change)
        notice.passages = [
            Passage(e.label, [Mark(s.op, s.text) for s in e.segments]) for e in excerpts(diff, limit=EXCERPTS_PER_EVENT)
        ]
        notice.key_changes = [(k.old, k.new) for k in diff.key_changes]
    return notice


def detect_and_enqueue(
    session: Session, runs: list[Run], delivery: compose.Delivery, confirm_crawls: int = 1, today: date | None = None
) -> list[Change]:
    """Events for the runs' sources, their counts on each run, and the outbox messages: one unit.
    Besides the pages' own events: finals of drafts, reprints, repeals, and what expired by today."""
    run_by_source = {run.source_id: run.id for run in runs}
    run_ids = pending_runs(session, runs)
    changes = detect(session, run_ids, run_by_source, confirm_crawls)
    _update_document_columns(session, changes)
    changes += link_finals(session, changes)
    mark_reprints(session, changes)
    changes += record_validity(session, changes)
    changes += expire_due(session, today or compose.local_today(delivery.timezone))
    for run in runs:
        mine = [c for c in changes if c.run_id == run.id]
        run.documents_new = sum(c.kind == "new" for c in mine)
        run.documents_changed = sum(c.kind in ("changed", "restored") for c in mine)
        run.documents_removed = sum(c.kind == "removed" for c in mine)
    session.execute(update(Run).where(Run.id.in_(run_ids)).values(changes_detected=True))
    enqueue_notices(session, changes, delivery)
    return changes


def enqueue_notices(session: Session, changes: list[Change], delivery: compose.Delivery) -> None:
    """The events' messages, in the events' transaction."""
    if changes and compose.subscriptions(session):  # rendering diffs for nobody is wasted work
        compose.enqueue(session, with_attachments([notice_for(session, c) for c in changes]), delivery)


def with_attachments(notices: list[Notice]) -> list[Notice]:
    """A final's new and finalized events as one entry (one_per_document); a page's entry names
    what happened to its attachments in the same crawl."""
    notices = one_per_document(notices)
    pages = {n.url: n for n in notices if n.parent_url is None}
    for notice in notices:
        if notice.parent_url in pages:
            pages[notice.parent_url].attachment_changes.append((notice.kind, notice.title, notice.url))
    return notices


def one_per_document(notices: list[Notice]) -> list[Notice]:
    """A new final that finalizes a draft is one entry, the finalized one (it says both: what the
    final is, and what changed since the draft), not two with the same excerpt; a document first
    seen already repealed or expired is one entry, the new one saying so. Events of a document at
    different times (new in the morning, edited at noon) stay apart in a digest."""
    finalized = {n.document_id for n in notices if n.kind == "finalized" and n.document_id is not None}
    kept = [n for n in notices if not (n.kind == "new" and n.document_id in finalized)]
    first_seen = {n.document_id: n for n in kept if n.kind in ("new", "finalized")}
    ended = [n for n in kept if n.kind in ENDED_KINDS and n.document_id in first_seen]
    for notice in ended:
        first_seen[notice.document_id].facts.append(("效力", ZH.kinds[notice.kind]))
    folded = {id(n) for n in ended}
    return [n for n in kept if id(n) not in folded]
