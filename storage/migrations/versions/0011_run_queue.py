"""run queue

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 21:00:00

Crawls are fed to long-lived crawl processes: a run is queued for a crawling host (its node), with
the seed it crawls (spec), and claimed by the process that crawls it (host, pid and the pid's
start time, so a run whose process is gone is known for crashed without waiting on its age).
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('runs', sa.Column('spec', sa.JSON(), nullable=True))
    op.add_column('runs', sa.Column('host', sa.String(length=200), nullable=True))
    op.add_column('runs', sa.Column('pid', sa.Integer(), nullable=True))
    op.add_column('runs', sa.Column('pid_started', sa.BigInteger(), nullable=True))
    op.create_index('ix_runs_queue', 'runs', ['status', 'node'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_runs_queue', table_name='runs')
    op.drop_column('runs', 'pid_started')
    op.drop_column('runs', 'pid')
    op.drop_column('runs', 'host')
    op.drop_column('runs', 'spec')
