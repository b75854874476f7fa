"""node checks

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 23:30:00

A node's check job writes here: the node reached the database, and which crawl code it runs.
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'node_checks',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('node', sa.String(length=200), nullable=False),
        sa.Column('version', sa.String(length=40), nullable=False),
        sa.Column('checked_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('token'),
    )


def downgrade() -> None:
    op.drop_table('node_checks')
