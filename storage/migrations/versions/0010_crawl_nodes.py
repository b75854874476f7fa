"""crawl nodes

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 18:00:00

A run remembers the Scrapyd node and job that crawled it; a node in trouble has its incidents.
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('runs', sa.Column('node', sa.String(length=200), nullable=True))
    op.add_column('runs', sa.Column('job_id', sa.String(length=64), nullable=True))
    op.create_table(
        'node_incidents',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('node', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('detail', sa.Text(), nullable=False),
        sa.Column('opened_at', sa.DateTime(), nullable=False),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_node_incidents_open', 'node_incidents', ['node', 'closed_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_node_incidents_open', table_name='node_incidents')
    op.drop_table('node_incidents')
    op.drop_column('runs', 'job_id')
    op.drop_column('runs', 'node')
