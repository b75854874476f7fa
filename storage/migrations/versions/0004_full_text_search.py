"""full-text search

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 08:20:00

The index holds Chinese as overlapping character bigrams (see storage/search.py), so SQLite's
FTS5 and PostgreSQL's full-text search find two-character words such as 通知 the same way.
"""

from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('search_state',
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], ),
    sa.PrimaryKeyConstraint('document_id')
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(tokens, tokenize = 'unicode61 remove_diacritics 0')")
    else:
        op.execute("CREATE TABLE search_fts (rowid INTEGER PRIMARY KEY, tokens TSVECTOR NOT NULL)")
        op.execute("CREATE INDEX ix_search_fts_tokens ON search_fts USING GIN (tokens)")


def downgrade() -> None:
    op.execute("DROP TABLE search_fts")
    op.drop_table('search_state')
