"""browser rendering

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 11:00:00

A source whose listing turned out to be built by scripts remembers it (sources.render =
'browser'), so later crawls go straight to the browser; fetches and runs note whether a browser
rendered them; a run whose static listing named no documents but runs scripts asks for one.
"""

from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('sources', sa.Column('render', sa.String(length=10), nullable=True))
    op.add_column('fetches', sa.Column('rendered', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('runs', sa.Column('rendered', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('runs', sa.Column('needs_browser', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    for table, column in (('runs', 'needs_browser'), ('runs', 'rendered'), ('fetches', 'rendered'), ('sources', 'render')):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
