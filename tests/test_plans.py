"""The statements detection runs search by index on a database with statistics, whatever the
planner makes of a long list of values: a scan of a table that grows with history makes a year's
detection slower than a week's."""

from __future__ import annotations

from sqlalchemy import event, select

from monitor.detect.reprints import mark_reprints
from storage import Change, Database, Document

GROWING = ("documents", "versions", "fetches", "changes")


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
                if any(row[-1].startswith(f"SCAN {table}") for table in GROWING):
                    found.append(f"{row[-1]} in {sql[:200]}")
    return found


def test_reprint_detection_reads_by_index_however_many_documents_are_new(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    new = _history(db, documents=20_000, new=2_000)

    def detect() -> None:
        with db.session() as session:
            mark_reprints(session, [Change(document_id=d, kind="new") for d in new])
            session.rollback()

    assert _scans(db, detect) == []
