"""fetch retention

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:30:00

Fetch rows of unchanged pages are pruned after [storage] keep_fetches (storage/retention.py):
saw_change marks the fetches that saw a page change, which are kept; runs are found by start time
and note when their fetches have been pruned, so a daily prune looks only at newly old runs.
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ALTER TABLE, never batch mode: on SQLite a batch rebuilds the table, hours for the
    # tens of millions of fetch rows a year leaves.
    op.add_column('fetches', sa.Column('saw_change', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column('runs', sa.Column('fetches_pruned', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.create_index('ix_runs_started_at', 'runs', ['started_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_runs_started_at', table_name='runs')
    with op.batch_alter_table('runs') as batch:
        batch.drop_column('fetches_pruned')
    with op.batch_alter_table('fetches') as batch:
        batch.drop_column('saw_change')
