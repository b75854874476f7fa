"""Full-text search that finds two-character Chinese words, on SQLite and PostgreSQL alike.

Chinese has no spaces, and SQLite's trigram tokenizer cannot match a two-character word (通知,
意见). So text is indexed as tokens: every run of CJK characters becomes its overlapping
character bigrams (a lone character stays a unigram), every other run of letters or digits a
lower-cased word. A query's words are tokenized the same way and each searched as a phrase (see
search_query.py for AND, OR, "…" and -word), which makes each an exact substring search: no
dictionary, no segmentation errors. SQLite keeps the tokens in an
FTS5 table, PostgreSQL in a tsvector ('simple' configuration) with a GIN index.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import Float, Integer, bindparam, delete, insert, select, text
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import TextualSelect

from .db import Database
from .models import Document, SearchState, Version, utcnow
from .search_query import Query, fts5, parse, simplified, tsquery

INDEX_BATCH = 2000
_RUNS = re.compile(r"([\u3400-\u9fff\uf900-\ufaff]+)|([0-9A-Za-z]+)")


def tokens(content: str) -> list[str]:
    found: list[str] = []
    for cjk, word in _RUNS.findall(content):
        if word:
            found.append(word.lower())
        elif len(cjk) == 1:
            found.append(cjk)
        else:
            found.extend(cjk[i : i + 2] for i in range(len(cjk) - 1))
    return found


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def stale_documents(
    session: Session, limit: int | None = None, changed_since: datetime | None = None
) -> list[tuple[int, int]]:
    """(document id, current version id) of documents whose current text is not indexed yet;
    changed_since: only those changed since then (an indexed look, whatever the history)."""
    query = (
        select(Document.id, Document.current_version_id)
        .outerjoin(SearchState, SearchState.document_id == Document.id)
        .where(Document.current_version_id.is_not(None))
        .where(SearchState.version_id.is_(None) | (SearchState.version_id != Document.current_version_id))
        .limit(limit)
    )
    if changed_since is not None:
        query = query.where(Document.last_changed_at >= changed_since)
    return [(document, version) for document, version in session.execute(query) if version is not None]


def update_index(session: Session, limit: int | None = None, changed_since: datetime | None = None) -> int:
    """Index documents whose current version changed (since then); returns how many."""
    stale = stale_documents(session, limit, changed_since)
    if not stale:
        return 0
    versions = {
        version_id: indexed_text(title, text_, meta)
        for version_id, title, text_, meta in session.execute(
            select(Version.id, Version.title, Version.text, Version.meta).where(Version.id.in_([v for _d, v in stale]))
        )
    }
    ids = [d for d, _v in stale]
    session.execute(
        text("DELETE FROM search_fts WHERE rowid IN :ids").bindparams(bindparam("ids", expanding=True)), {"ids": ids}
    )
    session.execute(delete(SearchState).where(SearchState.document_id.in_(ids)))
    rows = [{"rowid": d, "tokens": " ".join(tokens(versions[v]))} for d, v in stale]
    insert_sql = (
        "INSERT INTO search_fts (rowid, tokens) VALUES (:rowid, :tokens)"
        if _dialect(session) == "sqlite"
        else "INSERT INTO search_fts (rowid, tokens) VALUES (:rowid, to_tsvector('simple', :tokens))"
    )
    session.execute(text(insert_sql), rows)
    session.execute(insert(SearchState), [{"document_id": d, "version_id": v} for d, v in stale])
    return len(stale)


def indexed_text(title: str, text: str, meta: dict | None) -> str:
    """What a document is found by: its title, text, 文号, issuer and 索引号, in simplified form."""
    facts = meta or {}
    labels = " ".join(str(facts.get(k) or "") for k in ("doc_number", "issuer", "index_number"))
    return simplified(f"{title}\n{text}\n{labels}")


def parse_query(query: str) -> Query:
    return parse(query, tokens)


MATCH_WINDOW = 2000
# Clocks of the processes writing versions may differ a little: look back this much further.
_CLOCK_MARGIN = timedelta(minutes=10)


class Freshener:
    """Keeps the index up to date from a long-running process (the web server, the daemon): the
    first pass looks at every document, later ones only at those changed since the last pass, so
    a pass costs what changed, not what the history holds."""

    def __init__(self) -> None:
        self.checked: datetime | None = None

    def __call__(self, db: Database) -> int:
        started = utcnow()
        indexed = 0
        while True:  # a transaction per batch: a writer never waits long for this one
            with db.session() as session:
                batch = update_index(session, limit=INDEX_BATCH, changed_since=self.checked)
            indexed += batch
            if batch < INDEX_BATCH:
                break
        self.checked = started - _CLOCK_MARGIN
        return indexed


def search(session: Session, query: str) -> TextualSelect | None:
    """A SELECT of (document_id, rank) for matching documents, a lower rank better; None for an
    empty query. Ranked among the MATCH_WINDOW most recently indexed matches: a common word
    (通知) matches most of a year's documents, and ranking them all would make every search cost
    as much as the history is long; the index reads its matches newest first and stops there."""
    parsed = parse_query(query)
    if parsed.empty:
        return None
    if _dialect(session) == "sqlite":
        sql = (
            "SELECT rowid AS document_id, rank FROM search_fts WHERE search_fts MATCH :q "
            f"ORDER BY rowid DESC LIMIT {MATCH_WINDOW}"
        )
        return text(sql).bindparams(q=fts5(parsed)).columns(document_id=Integer, rank=Float)
    sql = (
        "SELECT rowid AS document_id, -ts_rank(tokens, to_tsquery('simple', :q)) AS rank FROM search_fts "
        f"WHERE tokens @@ to_tsquery('simple', :q) ORDER BY rowid DESC LIMIT {MATCH_WINDOW}"
    )
    return text(sql).bindparams(q=tsquery(parsed)).columns(document_id=Integer, rank=Float)
