"""The statements detection, `status` and the change list run search by index on a database with
statistics, whatever the planner makes of a long list of values or a bound: a scan of a table that
grows with history makes a year's detection or listing slower than a week's."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, event, insert, select

from crawler.source import Source
from monitor.config import Settings
from monitor.detect.changes import pending_runs
from monitor.detect.linking import DraftIndex
from monitor.detect.reprints import mark_reprints
from monitor.ops.stale import close_abandoned_runs, close_dead_runs
from monitor.ops.status import source_status
from storage import Change, Database, Document, Run
from storage.models import Base
from storage.queries import list_changes
from storage.recording import Content, attachment_names, has_content, record_document, retire_attachments
from storage.runqueue import open_run, queued_count

GROWING = ("documents", "versions", "fetches", "changes", "runs")
# Indexes of the few rows meeting a condition (open runs, attachments…): reading one whole is fine.
PARTIAL = {
    index.name
    for table in Base.metadata.tables.values()
    for index in table.indexes
    if index.dialect_options["sqlite"].get("where") is not None
}


def _history(db: Database, documents: int, new: int) -> list[int]:
    """documents earlier pages on source 1 (some attachments), then new pages on source 2 whose
    title cores are each shared with an earlier page; ANALYZE, as a running system has."""
    with db.engine.begin() as connection:
        for name in ("old", "new"):
            connection.exec_driver_sql(
                f"INSERT INTO sources (name, title, created_at) VALUES ('{name}', '', '2026-01-01 00:00:00')"
            )
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO documents (source_id, url, title, status, title_core, first_seen_at, parent_id) "
            "SELECT 1, 'http://old/' || i, '', 'final', '第' || i || '号管理办法', '2026-01-01 00:00:00', "
            "CASE WHEN i % 10 = 0 THEN i - 1 END FROM n",
            (documents,),
        )
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO documents (source_id, url, title, status, title_core, first_seen_at) "
            "SELECT 2, 'http://new/' || i, '', 'final', '第' || i || '号管理办法', '2026-01-02 00:00:00' FROM n",
            (new,),
        )
        connection.exec_driver_sql("ANALYZE")
    with db.session() as session:
        return list(session.scalars(select(Document.id).where(Document.source_id == 2)))


def _scans(db: Database, action) -> list[str]:
    """Run action, then the plan of each SELECT it ran; the steps that scan a growing table."""
    statements: list[tuple[str, object]] = []

    def seen(_conn, _cursor, sql, parameters, _context, _many) -> None:
        if sql.lstrip().upper().startswith("SELECT"):
            statements.append((sql, parameters))

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        action()
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert statements
    found = []
    with db.engine.connect() as connection:
        for sql, parameters in statements:
            for row in connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", parameters).all():
                step = row[-1]
                whole = not any(f"INDEX {name}" in step for name in PARTIAL)
                if whole and any(step.startswith(f"SCAN {table}") for table in GROWING):
                    found.append(f"{step} in {sql[:200]}")
    return found


def test_reprint_detection_reads_by_index_however_many_documents_are_new(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    new = _history(db, documents=20_000, new=2_000)

    def detect() -> None:
        with db.session() as session:
            mark_reprints(session, [Change(document_id=d, kind="new") for d in new])
            session.rollback()

    assert _scans(db, detect) == []


def _sources(connection: Connection, count: int) -> None:
    """count sources, src1, src2…, created on the first day of the year."""
    connection.exec_driver_sql(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
        "INSERT INTO sources (name, title, created_at) SELECT 'src' || i, '', '2026-01-01 00:00:00' FROM n",
        (count,),
    )


def _runs(db: Database, sources: int, days: int) -> None:
    """A year of daily runs, all closed and detected, but one of source 1 still running."""
    with db.engine.begin() as connection:
        _sources(connection, sources)
        rows = [{"source_id": 1 + n % sources, "status": "ok", "changes_detected": True} for n in range(sources * days)]
        connection.execute(insert(Run.__table__), rows)
        connection.exec_driver_sql("UPDATE runs SET status = 'running', host = 'elsewhere' WHERE id = 1")
        connection.exec_driver_sql("ANALYZE")


def test_what_looks_for_open_or_undetected_runs_reads_by_index_after_a_year_of_runs(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    _runs(db, sources=50, days=365)

    def look() -> None:
        with db.session() as session:
            source_status(session, [Source(name="src1", start_urls=["http://src1.example.gov.cn/"])])
            open_run(session, 1)
            queued_count(session, "local:here")
            pending_runs(session, [session.get(Run, 2)])
        close_dead_runs(db)
        close_abandoned_runs(db, Settings())

    assert _scans(db, look) == []


def _events(db: Database, sources: int, documents: int, events: int) -> None:
    """A year of change events, one every few minutes, over documents of many sources; ANALYZE."""
    with db.engine.begin() as connection:
        _sources(connection, sources)
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO documents (source_id, url, title, status, title_core, first_seen_at) "
            "SELECT 1 + i % ?, 'http://x/' || i, '', 'final', '', '2026-01-01 00:00:00' FROM n",
            (documents, sources),
        )
        connection.exec_driver_sql(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) "
            "INSERT INTO changes (document_id, kind, added_chars, removed_chars, detected_at) "
            "SELECT 1 + i % ?, 'new', 0, 0, datetime('2026-01-01', '+' || (i * ?) || ' seconds') FROM n",
            (events, documents, 365 * 86400 // events),
        )
        connection.exec_driver_sql("ANALYZE")


def test_the_changes_since_a_day_read_by_index_after_a_year_of_events(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    _events(db, sources=500, documents=30_000, events=50_000)

    def recent() -> None:
        with db.session() as session:
            assert list_changes(session, since=datetime(2026, 12, 30))
            assert list_changes(session, since=datetime(2026, 12, 30), newest_first=True, limit=50)

    assert _scans(db, recent) == []


def test_what_a_crawl_stores_per_page_reads_by_index_after_a_year_of_documents(tmp_path):
    """With statistics an index on a column NULL for nearly every row (parent_id, gone_since) looks
    useless to SQLite's planner: a year of history made it scan every document per page stored."""
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    _history(db, documents=20_000, new=10)
    with db.engine.begin() as connection:  # pages without attachments: parent_id NULL on every row
        connection.exec_driver_sql("UPDATE documents SET parent_id = NULL")
        connection.exec_driver_sql("ANALYZE")
    page, file = "http://old/19", "http://old/19/a.pdf"

    def store() -> None:
        with db.session() as session:
            run = Run(source_id=1, status="running")
            session.add(run)
            session.flush()
            content = Content(title="通知", text="正文", content_hash="h", raw_html=b"<html></html>")
            record_document(session, run.id, 1, page, outcome="ok", http_status=200, content=content)
            record_document(session, run.id, 1, file, outcome="ok", http_status=200, content=content, parent_url=page)
            assert has_content(session, page)
            attachment_names(session, page)
            retire_attachments(session, run.id, page, set())
            DraftIndex.load(session)

    assert _scans(db, store) == []
