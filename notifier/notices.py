"""What the monitor tells the notifier about one event: plain data, already diffed."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Mark:
    """A run of text in an excerpt: equal, insert or delete."""

    op: str
    text: str


@dataclass(frozen=True)
class Passage:
    label: str
    marks: list[Mark]


@dataclass
class Notice:
    change_id: int
    kind: str  # new, changed, removed, restored, finalized, repealed, expired
    source: str
    title: str
    url: str
    text: str  # the document's text, for keyword matching; not sent
    detected_at: str
    related_url: str | None = None
    related_title: str | None = None
    added_chars: int = 0
    removed_chars: int = 0
    passages: list[Passage] = field(default_factory=list)
    key_changes: list[tuple[str, str]] = field(default_factory=list)
    status: str = "final"
    comment_deadline: str | None = None
    summary: str = ""  # the opening of a new document
    facts: list[tuple[str, str]] = field(default_factory=list)  # (label, value): date, 文号, issuer
    file_type: str | None = None  # pdf, docx, ofd…: the document is a file
    parent_title: str | None = None  # an attachment's page
    parent_url: str | None = None
    # On a page's notice: what happened to its attachments in the same crawl (kind, title, url).
    attachment_changes: list[tuple[str, str, str]] = field(default_factory=list)
    document_id: int | None = None
    related_document_id: int | None = None  # a finalized event's draft, a repeal's cause, a reprint's original
    # A reprint's original: where it was first seen and when (a subscriber told then is not told again).
    original_source: str | None = None
    original_seen: str | None = None
    # On an original's notice: its reprints in the same message (source, title, url), and their events.
    republished: list[tuple[str, str, str]] = field(default_factory=list)
    republished_changes: list[int] = field(default_factory=list)

    @property
    def reprint_of(self) -> int | None:
        return self.related_document_id if self.kind == "new" else None


@dataclass
class DraftReminder:
    """An open draft whose comment deadline is near, and how to comment on it."""

    title: str
    url: str
    source: str
    deadline: str  # as the page gives it, ISO
    days_left: int
    how_to_comment: str  # the call for comments: where to send them, the contacts
