"""search finds 文号, issuer and 索引号, and traditional characters

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:40:00

The search index now holds each document's 文号, issuer and 索引号 beside its title and text, all
in simplified characters (storage/search.py). Forgetting what was indexed makes every running
indexer (the web server, the daemon, `search`) rebuild the index in batches.
"""

from alembic import op


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM search_state")


def downgrade() -> None:
    op.execute("DELETE FROM search_state")
