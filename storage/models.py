"""The database schema. Times are naive UTC."""

from __future__ import annotations

import zlib
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal, get_args

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Learned by crawling: "browser" when its listing is built by scripts (None: static is enough).
    render: Mapped[str | None] = mapped_column(String(10))
    # Kept by runs.close_run for `status` (migration 0016): the newest closed run, how many of the
    # newest closed runs failed in a row, the documents watched.
    last_run_id: Mapped[int | None] = mapped_column(Integer)
    failures_in_row: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    documents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


def _partial_index(name: str, *columns: str, where: str, postgresql_where: str | None = None) -> Index:
    """An index of only the rows meeting the condition, on SQLite and PostgreSQL (each its spelling)."""
    return Index(name, *columns, sqlite_where=text(where), postgresql_where=text(postgresql_where or where))


# Open and undetected runs are few among a year's: indexed alone, and reached by a query stating
# the same condition (runqueue.is_open, Run.changes_detected.is_(False)); SQLite's statistics
# judged an index on a status "ok" for nearly every run useless and scanned them all.
OPEN_STATES = ("queued", "running")  # a run waiting for or in its crawl (storage.runqueue)
OPEN_RUNS = "status IN ({})".format(", ".join(f"'{state}'" for state in OPEN_STATES))
UNDETECTED_RUNS = {"sqlite": "changes_detected IS 0", "postgresql": "changes_detected IS false"}


class Document(Base):
    """One watched URL. Its current version is what the last good fetch saw."""

    __tablename__ = "documents"
    # Partial indexes for what only a few documents are (an attachment, an open draft): a planner
    # with statistics still finds them selective when most documents are neither, and pages that
    # are neither touch no index page on insert (migration 0013).
    __table_args__ = (
        _partial_index("ix_documents_parent_id", "parent_id", where="parent_id IS NOT NULL"),
        _partial_index("ix_documents_drafts", "first_seen_at", where="status = 'draft'"),
        _partial_index("ix_documents_reprint_of", "reprint_of", where="reprint_of IS NOT NULL"),
        _partial_index("ix_documents_valid_until", "valid_until", where="valid_until IS NOT NULL"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    title: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="final")
    # The title without draft marks, comment-call wrappers and office prefixes (see monitor.detect.linking),
    # kept so that finding a final's draft reads short strings, not documents.
    title_core: Mapped[str] = mapped_column(String(500), default="", index=True)
    current_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", use_alter=True, name="fk_documents_current_version")
    )
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_fetched_at: Mapped[datetime | None]
    last_changed_at: Mapped[datetime | None] = mapped_column(index=True)
    # Set while the page answers 404/410 or a "not found" page; cleared when content returns.
    gone_since: Mapped[datetime | None]
    # When the crawl should fetch it again: drafts every run, old unchanged finals rarely.
    next_visit_at: Mapped[datetime | None] = mapped_column(index=True)
    # A file (pdf, docx, ofd…) rather than a web page; an attachment names the page that links it.
    file_type: Mapped[str | None] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", name="fk_documents_parent_id"))
    # The same policy first seen on another source: this document republishes it (monitor/detect/reprints.py).
    reprint_of: Mapped[int | None] = mapped_column(ForeignKey("documents.id", name="fk_documents_reprint_of"))
    # Its own 文号, so a repeal clause naming it finds it through an index.
    doc_number: Mapped[str | None] = mapped_column(String(100), index=True)
    # The end of a stated validity (有效期至…, ISO date): the daily check reads a range of this index.
    valid_until: Mapped[str | None] = mapped_column(String(10))
    # Seen flipping between versions it had: its events wait until it settles (monitor/detect/flapping.py).
    flapping_since: Mapped[datetime | None]

    source: Mapped[Source] = relationship()
    current_version: Mapped[Version | None] = relationship(foreign_keys=[current_version_id], post_update=True)
    parent: Mapped[Document | None] = relationship(remote_side=[id], foreign_keys=[parent_id])
    original: Mapped[Document | None] = relationship(remote_side=[id], foreign_keys=[reprint_of])


class Version(Base):
    """A distinct cleaned content of a document, stored once per content hash."""

    __tablename__ = "versions"
    __table_args__ = (UniqueConstraint("document_id", "content_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Looked up through the (document_id, content_hash) unique index: a second index on
    # document_id alone would only cost every insert another index page.
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    content_hash: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    attachments: Mapped[list[Any]] = mapped_column(default=list)
    # The page as fetched, zlib-compressed, so a better cleaner can re-process history.
    raw_html: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    raw_encoding: Mapped[str | None] = mapped_column(String(40))
    # The cleaner's version that made title and text (crawler.cleaning.CLEANER_VERSION); None: older.
    cleaner: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(foreign_keys=[document_id])

    @staticmethod
    def compress(raw: bytes) -> bytes:
        return zlib.compress(raw, 1)  # 2.5x faster than the default level, 13% larger on real pages

    @property
    def html(self) -> bytes:
        return zlib.decompress(self.raw_html)


class Run(Base):
    """One crawl of one source: queued for a crawling host, claimed by the crawl process there,
    closed by it (or, when that process is gone, by whoever notices)."""

    __tablename__ = "runs"
    # A source's newest runs (status, alerts) are a range of ix_runs_source_newest, read backwards:
    # on source_id alone PostgreSQL walked the primary key back through every source's runs.
    __table_args__ = (
        Index("ix_runs_started_at", "started_at"),
        _partial_index("ix_runs_open", "status", "node", where=OPEN_RUNS),
        _partial_index(
            "ix_runs_undetected", "id", where=UNDETECTED_RUNS["sqlite"], postgresql_where=UNDETECTED_RUNS["postgresql"]
        ),
        Index("ix_runs_source_newest", "source_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)  # queued, then claimed
    finished_at: Mapped[datetime | None]
    # queued, running, then ok, failed, timeout, crashed, interrupted, memory, deferred (RunStatus)
    status: Mapped[str] = mapped_column(String(20), default="running")
    pages_fetched: Mapped[int] = mapped_column(default=0)
    documents_found: Mapped[int] = mapped_column(default=0)
    documents_new: Mapped[int] = mapped_column(default=0)
    documents_changed: Mapped[int] = mapped_column(default=0)
    documents_removed: Mapped[int] = mapped_column(default=0)
    http_errors: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)
    changes_detected: Mapped[bool] = mapped_column(default=False)
    # For scheduled runs: when the scheduler meant to start it (started_at minus this is the delay).
    scheduled_at: Mapped[datetime | None]
    # The retention policy has pruned this run's fetches of unchanged pages (storage/retention.py).
    fetches_pruned: Mapped[bool] = mapped_column(default=False)
    rendered: Mapped[bool] = mapped_column(default=False)  # a browser rendered some of its pages
    # Its static listing named no documents but runs scripts: the crawl tries again in a browser.
    needs_browser: Mapped[bool] = mapped_column(default=False)
    # The crawling host it is queued for: "local:HOST" (a daemon's crawl process), "cli:…" (a
    # crawl asked for now), or a Scrapyd node's URL; and the Scrapyd job that crawled it.
    node: Mapped[str | None] = mapped_column(String(200))
    job_id: Mapped[str | None] = mapped_column(String(64))
    # What the crawl process needs: the seed (as its file says), the render mode, browser pass.
    spec: Mapped[dict[str, Any] | None]
    # The process crawling it: its machine, pid and the pid's start time (against pid reuse).
    host: Mapped[str | None] = mapped_column(String(200))
    pid: Mapped[int | None]
    pid_started: Mapped[int | None] = mapped_column(BigInteger)

    source: Mapped[Source] = relationship()


class Fetch(Base):
    """Every request the crawler made, with what came of it."""

    __tablename__ = "fetches"
    __table_args__ = (Index("ix_fetches_document_time", "document_id", "fetched_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("runs.id"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    url: Mapped[str] = mapped_column(String(2000))
    kind: Mapped[str] = mapped_column(String(10))  # listing or document
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
    http_status: Mapped[int | None]
    # ok (content seen), gone (404/410/not-found page), failed (error or no document in the page)
    outcome: Mapped[str] = mapped_column(String(20))
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    size: Mapped[int] = mapped_column(default=0)  # bytes received
    documents_found: Mapped[int | None]  # listing pages: document links read off the page
    error: Mapped[str | None] = mapped_column(Text)
    # The page's content changed at this fetch (a new document or a new version): kept when the
    # retention policy prunes old fetches of unchanged pages (storage/retention.py).
    saw_change: Mapped[bool] = mapped_column(default=False)
    rendered: Mapped[bool] = mapped_column(default=False)  # fetched through the browser


ChangeKind = Literal["new", "changed", "removed", "restored", "finalized", "repealed", "expired"]
CHANGE_KINDS: tuple[ChangeKind, ...] = get_args(ChangeKind)


class Change(Base):
    """An event a watcher is told about: new, changed, removed, restored, finalized; repealed and
    expired (the document stopped being in force: related_document_id is what repealed it)."""

    __tablename__ = "changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), index=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id"))
    kind: Mapped[ChangeKind] = mapped_column(String(20), index=True)
    old_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    new_version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id"))
    # For finalized: the draft this document is the final version of; for repealed: the document
    # that repealed it; for new: the original this document reprints.
    related_document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    detected_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    added_chars: Mapped[int] = mapped_column(default=0)
    removed_chars: Mapped[int] = mapped_column(default=0)

    document: Mapped[Document] = relationship(foreign_keys=[document_id])
    related_document: Mapped[Document | None] = relationship(foreign_keys=[related_document_id])
    old_version: Mapped[Version | None] = relationship(foreign_keys=[old_version_id])
    new_version: Mapped[Version | None] = relationship(foreign_keys=[new_version_id])


class Subscription(Base):
    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("channel", "address"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    address: Mapped[str] = mapped_column(String(500))
    sources: Mapped[list[Any]] = mapped_column(default=list)  # empty: every source
    keywords: Mapped[list[Any]] = mapped_column(default=list)  # empty: every document
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # immediate: a message per crawl (held during quiet_hours, "22:00-07:00" local); daily or
    # weekly: a digest at digest_at local time (weekly: on Mondays).
    rhythm: Mapped[str] = mapped_column(String(10), default="immediate", server_default="immediate")
    digest_at: Mapped[str] = mapped_column(String(5), default="08:00", server_default="08:00")
    quiet_hours: Mapped[str | None] = mapped_column(String(11))
    last_digest_at: Mapped[datetime | None]  # the end of the period the last digest covered
    kinds: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")  # empty: every kind of event
    # once: a reprint of a policy the subscriber was told about is not a message of its own; each: it is.
    reprints: Mapped[str] = mapped_column(String(10), default="once", server_default="once")
    remind_days: Mapped[int | None]  # remind of open drafts whose comment deadline is this near
    last_reminder_on: Mapped[str | None] = mapped_column(String(10))  # local date of the last reminder
    follows: Mapped[list[Follow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class Follow(Base):
    """A subscriber told about one document whatever their filters say (and about its final)."""

    __tablename__ = "follows"
    __table_args__ = (UniqueConstraint("subscription_id", "document_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscription_id: Mapped[int] = mapped_column(ForeignKey("subscriptions.id", ondelete="CASCADE"))
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxMessage(Base):
    """A rendered message waiting to go out; written in the same transaction as its changes."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(20), default="email")
    recipient: Mapped[str] = mapped_column(String(500))
    subject: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text, default="")
    change_ids: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(10), default="changes", server_default="changes")  # digest, reminder
    body_markdown: Mapped[str] = mapped_column(Text, default="", server_default="")  # for chat apps
    subscription_id: Mapped[int | None]  # who it is for; no foreign key: a message outlives its subscription
    unsubscribe_url: Mapped[str | None] = mapped_column(String(500))  # List-Unsubscribe (RFC 8058)
    # pending -> sending -> sent; back to pending (with a later next_attempt_at) on failure
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)


class Link(Base):
    """A draft and the final version published later, often at another address."""

    __tablename__ = "links"
    __table_args__ = (UniqueConstraint("draft_id"), UniqueConstraint("final_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    final_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    score: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    draft: Mapped[Document] = relationship(foreign_keys=[draft_id])
    final: Mapped[Document] = relationship(foreign_keys=[final_id])


class Signature(Base):
    """The MinHash signature of a document's current version, for the similarity index."""

    __tablename__ = "signatures"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))
    minhash: Mapped[bytes] = mapped_column(LargeBinary)


class SignatureBand(Base):
    """LSH buckets: documents sharing a bucket in any band are candidates for each other.

    The bucket key holds the band in its high bits, so one indexed IN (...) finds every match
    (SQLite does not use an index for a (band, bucket) IN (...) row-value test)."""

    __tablename__ = "signature_bands"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    bucket: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)


class Citation(Base):
    """A document number (文号) a document cites, such as 国发〔2020〕7号: regional implementations
    of one national policy all cite it."""

    __tablename__ = "citations"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    doc_number: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)


class Incident(Base):
    """An ops problem with a source, open until the source recovers: one alert when it opens,
    one "recovered" message when it closes."""

    __tablename__ = "incidents"
    __table_args__ = (Index("ix_incidents_open", "source_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id"))
    kind: Mapped[str] = mapped_column(String(20))  # failing, empty_listing, stuck
    detail: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    source: Mapped[Source] = relationship()


class NodeIncident(Base):
    """A crawl node that does not answer, or refuses (credentials, code not deployed): one alert
    when it opens, one when the node answers again."""

    __tablename__ = "node_incidents"
    __table_args__ = (Index("ix_node_incidents_open", "node", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # node_down, node_error
    detail: Mapped[str] = mapped_column(Text, default="")
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class SearchState(Base):
    """Which version of each document the full-text index holds (the index itself is a
    dialect-specific table made by the migration: SQLite FTS5, or a PostgreSQL tsvector)."""

    __tablename__ = "search_state"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id"))


class NodeCheck(Base):
    """A crawl node's answer to `policywatch nodes`: its check job reached the database, running
    this crawl code (crawler/version.py)."""

    __tablename__ = "node_checks"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    node: Mapped[str] = mapped_column(String(200))
    version: Mapped[str] = mapped_column(String(40))
    checked_at: Mapped[datetime] = mapped_column(default=utcnow)
