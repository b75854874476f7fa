"""which cleaner made each version

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:30:00

A version made by an older cleaner is re-cleaned from its raw HTML before a new fetch is compared
with it (crawler/rebaseline.py), so upgrading the cleaner raises no alert storm. NULL: made
before versions recorded their cleaner.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('versions') as batch:
        batch.add_column(sa.Column('cleaner', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('versions') as batch:
        batch.drop_column('cleaner')
