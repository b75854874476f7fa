"""a summary of each source's runs on its row; open and undetected runs indexed alone

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 07:00:00

`status` read three indexed queries per source (its newest runs, the last run, a count of its
documents); after a year of runs that was 1.7-2.8x what an empty database cost. The source's row
now keeps its newest closed run, how many of its newest closed runs failed in a row (of the
newest 20, as the alert review counts) and its documents, written where a run closes
(storage.runs.close_run), so `status` is one join for all sources.

The open runs (queued, running) and the runs whose changes were not yet detected are few among a
year's, but SQLite's statistics see `status` "ok" for nearly every run and judged ix_runs_queue
useless: `status`, every command's look for dead crawls and the daemon's tick scanned all runs.
Each now has a partial index of its own rows.
"""

from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

_RECENT_RUNS = 20


def upgrade() -> None:
    op.add_column('sources', sa.Column('last_run_id', sa.Integer(), nullable=True))
    op.add_column('sources', sa.Column('failures_in_row', sa.Integer(), nullable=False, server_default='0'))
    op.add_column('sources', sa.Column('documents', sa.Integer(), nullable=False, server_default='0'))
    _fill()
    op.drop_index('ix_runs_queue', table_name='runs')
    open_runs = sa.text("status IN ('queued', 'running')")
    op.create_index('ix_runs_open', 'runs', ['status', 'node'], sqlite_where=open_runs, postgresql_where=open_runs)
    op.create_index(
        'ix_runs_undetected',
        'runs',
        ['id'],
        sqlite_where=sa.text('changes_detected IS 0'),
        postgresql_where=sa.text('changes_detected IS false'),
    )


def _fill() -> None:
    """Each source's summary from its runs and documents, as close_run keeps it."""
    bind = op.get_bind()
    sources = sa.table(
        'sources', sa.column('id'), sa.column('last_run_id'), sa.column('failures_in_row'), sa.column('documents')
    )
    runs = sa.table('runs', sa.column('id'), sa.column('source_id'), sa.column('status'))
    documents = sa.table('documents', sa.column('id'), sa.column('source_id'))
    for source_id in bind.execute(sa.select(sources.c.id)).scalars().all():
        recent = bind.execute(
            sa.select(runs.c.id, runs.c.status)
            .where(runs.c.source_id == source_id, runs.c.status.not_in(('queued', 'running')))
            .order_by(runs.c.id.desc())
            .limit(_RECENT_RUNS)
        ).all()
        failures = next((n for n, run in enumerate(recent) if run.status == 'ok'), len(recent))
        count = bind.execute(
            sa.select(sa.func.count()).select_from(documents).where(documents.c.source_id == source_id)
        ).scalar()
        bind.execute(
            sources.update()
            .where(sources.c.id == source_id)
            .values(last_run_id=recent[0].id if recent else None, failures_in_row=failures, documents=count or 0)
        )


def downgrade() -> None:
    op.drop_index('ix_runs_undetected', table_name='runs')
    op.drop_index('ix_runs_open', table_name='runs')
    op.create_index('ix_runs_queue', 'runs', ['status', 'node'])
    with op.batch_alter_table('sources') as batch:
        batch.drop_column('documents')
        batch.drop_column('failures_in_row')
        batch.drop_column('last_run_id')
