"""The plans of the statements that dominate each figure of the history benchmark, on a grown
database: what the store worker runs per page, what detection and `status` read. A plan that
scans a table whose size grows with history is the first suspect when a figure grows."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Connection, text
from sqlalchemy.orm import Session

from storage import Database, utcnow
from storage.search import search

STATEMENTS = {
    "crawl: a page's document by URL": "SELECT id, current_version_id FROM documents WHERE url = :url",
    "crawl: a version by content": "SELECT id FROM versions WHERE document_id = :id AND content_hash = :hash",
    "crawl: a page's live attachments": (
        "SELECT id, url FROM documents WHERE parent_id = (SELECT id FROM documents WHERE url = :url) "
        "AND gone_since IS NULL"
    ),
    "detection: the open drafts": (
        "SELECT id, title_core FROM documents WHERE status = 'draft' AND first_seen_at >= :since"
    ),
    "detection: attachments' texts": (
        "SELECT documents.parent_id, versions.text FROM documents JOIN versions ON versions.id = "
        "documents.current_version_id WHERE documents.parent_id IN (:id) AND documents.gone_since IS NULL"
    ),
    "detection: earlier documents by title core (reprints)": (
        "SELECT id, source_id, status FROM documents WHERE title_core IN (:core, :core2) AND reprint_of IS NULL"
    ),
    "status: the open runs": "SELECT source_id, status FROM runs WHERE status IN ('queued', 'running') ORDER BY id",
    "status: each source's last run": (
        "SELECT runs.id, runs.status FROM sources JOIN runs ON runs.id = sources.last_run_id"
    ),
    "web: the document list": (
        "SELECT documents.id, sources.name FROM documents JOIN sources ON sources.id = documents.source_id "
        "WHERE documents.current_version_id IS NOT NULL ORDER BY documents.last_changed_at DESC, documents.id DESC "
        "LIMIT 50"
    ),
    "web: the document list's count (capped)": (
        "SELECT count(*) FROM (SELECT documents.id FROM documents JOIN sources ON sources.id = documents.source_id "
        "WHERE documents.current_version_id IS NOT NULL LIMIT 1001) AS found"
    ),
    "changes --since": "SELECT id FROM changes WHERE detected_at >= :since ORDER BY detected_at, id",
}
_VALUES = {
    "url": "http://x/",
    "id": 1,
    "hash": "x",
    "core": "关于印发管理办法",
    "core2": "实施方案",
    "since": utcnow() - timedelta(days=1),
}


def plans(db: Database) -> list[tuple[str, str]]:
    """(label, plan in one line) for each statement; on PostgreSQL with its actual rows, time and
    buffers (the statements only read)."""
    sqlite = db.engine.dialect.name == "sqlite"
    found = []
    with db.engine.connect() as connection:
        for label, (sql, values) in _statements(connection).items():
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN (ANALYZE, BUFFERS) "  # run: its real time too
            rows = connection.execute(text(explain + sql), values).all()
            steps = [row[-1] if sqlite else row[0] for row in rows]
            found.append((label, " / ".join(" ".join(step.split()) for step in steps)))
    return found


def _statements(connection: Connection) -> dict[str, tuple[str, dict[str, object]]]:
    """The statements above, and the web search as storage.search builds it for this database."""
    statements = {label: (sql, _VALUES) for label, sql in STATEMENTS.items()}
    with Session(connection) as session:
        query = search(session, "通知")
    if query is not None:
        compiled = query.compile(connection)
        statements["web: search 通知 (the matches ranked)"] = (str(query), dict(compiled.params))
    return statements
