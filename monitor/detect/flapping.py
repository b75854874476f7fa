"""Pages that flip between versions: a change is news once it holds, a flip back is not.

Sites behind two back ends (or a cache and its origin) serve two versions of one page in turn,
and each flip would be a `changed` alert. Two defences, both read from the page's own fetches:
- `[detect] confirm_crawls` (default 1): a changed, restored or removed page becomes an event only
  once its newest that many fetches all saw the same state;
- a page whose newest version is one it had within its last FLAP_WINDOW fetches, another version
  in between (A, B, A), is flapping: marked (documents.flapping_since; ops hear of it as an
  incident of its source), its events muted until its newest SETTLE fetches agree; what it
  settles on is then compared with what watchers were last told, as always. A page that was gone
  and came back is not flapping: gone is not a version.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage import Document, Fetch

FLAP_WINDOW = 6  # fetches looked back on for a version coming back
SETTLE = 3  # fetches that must agree before a flapping page is believed again
HELD_KINDS = ("changed", "restored", "removed")
State = int | None  # the version a fetch saw; None: the page was gone


def recent_states(session: Session, document_id: int, count: int) -> list[State]:
    """What the document's newest fetches saw, newest first (through ix_fetches_document_time)."""
    rows = session.execute(
        select(Fetch.version_id, Fetch.outcome)
        .where(Fetch.document_id == document_id, Fetch.outcome.in_(("ok", "unchanged", "gone")))
        .order_by(Fetch.fetched_at.desc(), Fetch.id.desc())
        .limit(count)
    )
    return [None if outcome == "gone" else version for version, outcome in rows]


def flips_back(states: list[State]) -> bool:
    """The newest version is one seen before, with another version in between (gone ignored)."""
    versions = [s for s in states if s is not None]
    if not versions:
        return False
    newest, other_seen = versions[0], False
    for version in versions[1:]:
        if version != newest:
            other_seen = True
        elif other_seen:
            return True
    return False


def agree(states: list[State], count: int) -> bool:
    """The newest `count` fetches saw one state."""
    return len(states) >= count and len(set(states[:count])) == 1


def held(
    session: Session,
    document_id: int,
    flapping_since: datetime | None,
    kind: str | None,
    confirm_crawls: int,
    now: datetime,
) -> bool:
    """Whether the event the page's state calls for (kind; None: none) waits. Marks a page that
    starts flapping, and clears the mark once it settles."""
    if kind not in HELD_KINDS and flapping_since is None:
        return False
    states = recent_states(session, document_id, max(FLAP_WINDOW, confirm_crawls, SETTLE))
    if flapping_since is not None:
        if not agree(states, SETTLE):
            return True
        _mark(session, document_id, None)
        return False
    if flips_back(states[:FLAP_WINDOW]):
        _mark(session, document_id, now)
        return True
    return not agree(states, confirm_crawls)


def _mark(session: Session, document_id: int, since: datetime | None) -> None:
    session.execute(update(Document).where(Document.id == document_id).values(flapping_since=since))


def flapping_pages(session: Session, source_id: int) -> list[tuple[str, datetime]]:
    """The source's pages flapping now (url, since when), for its ops incident."""
    rows = session.execute(
        select(Document.url, Document.flapping_since)
        .where(Document.source_id == source_id, Document.flapping_since.is_not(None))
        .order_by(Document.flapping_since)
    )
    return [(url, since) for url, since in rows if since is not None]
