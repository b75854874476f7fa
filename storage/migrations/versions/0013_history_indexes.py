"""indexes that stay selective at a year of history

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 00:00:00

At a year of history a crawl on SQLite was fifteen times slower than on an empty database. The
cause: with statistics (ANALYZE, or `PRAGMA optimize`), SQLite saw that ix_documents_parent_id
holds one value (NULL) for nearly every document and scanned the table instead, once per page
stored (retiring attachments the page no longer links). A partial index holds only documents
that have a parent, so it stays selective, and pages without one touch no index page. Open drafts
(the draft index of every detection) get the same. ix_versions_document_id duplicated the
(document_id, content_hash) unique index and only cost inserts. A source's newest runs (`status`)
are read from an index on (source_id, id): with source_id alone PostgreSQL walked the primary key
backwards through every source's runs.
"""

from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def _partial(name: str, column: str, where: str) -> None:
    op.create_index(
        name, 'documents', [column], sqlite_where=sa.text(where), postgresql_where=sa.text(where)
    )


def upgrade() -> None:
    op.drop_index('ix_documents_parent_id', table_name='documents')
    _partial('ix_documents_parent_id', 'parent_id', 'parent_id IS NOT NULL')
    _partial('ix_documents_drafts', 'first_seen_at', "status = 'draft'")
    op.drop_index('ix_versions_document_id', table_name='versions')
    op.create_index('ix_runs_source_newest', 'runs', ['source_id', 'id'])
    op.drop_index('ix_runs_source_id', table_name='runs')


def downgrade() -> None:
    op.create_index('ix_runs_source_id', 'runs', ['source_id'])
    op.drop_index('ix_runs_source_newest', table_name='runs')
    op.create_index('ix_versions_document_id', 'versions', ['document_id'])
    op.drop_index('ix_documents_drafts', table_name='documents')
    op.drop_index('ix_documents_parent_id', table_name='documents')
    op.create_index('ix_documents_parent_id', 'documents', ['parent_id'])
