"""digests, follows and chat messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-24 12:10:00

A subscription gets a rhythm (immediate, daily, weekly) with its local hour, quiet hours, and
deadline reminders; a subscriber may follow single documents; an outbox message says what it is
(changes, digest, reminder), whom it is for, and carries a Markdown body for chat apps.
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('subscriptions', sa.Column('rhythm', sa.String(length=10), nullable=False, server_default='immediate'))
    op.add_column('subscriptions', sa.Column('digest_at', sa.String(length=5), nullable=False, server_default='08:00'))
    op.add_column('subscriptions', sa.Column('quiet_hours', sa.String(length=11), nullable=True))
    op.add_column('subscriptions', sa.Column('last_digest_at', sa.DateTime(), nullable=True))
    op.add_column('subscriptions', sa.Column('remind_days', sa.Integer(), nullable=True))
    op.add_column('subscriptions', sa.Column('last_reminder_on', sa.String(length=10), nullable=True))
    op.add_column('outbox', sa.Column('kind', sa.String(length=10), nullable=False, server_default='changes'))
    op.add_column('outbox', sa.Column('body_markdown', sa.Text(), nullable=False, server_default=''))
    op.add_column('outbox', sa.Column('subscription_id', sa.Integer(), nullable=True))
    op.add_column('outbox', sa.Column('unsubscribe_url', sa.String(length=500), nullable=True))
    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('subscription_id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['subscription_id'], ['subscriptions.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('subscription_id', 'document_id'),
    )
    op.create_index('ix_follows_document_id', 'follows', ['document_id'])


def downgrade() -> None:
    op.drop_index('ix_follows_document_id', table_name='follows')
    op.drop_table('follows')
    for table, column in (
        ('outbox', 'unsubscribe_url'), ('outbox', 'subscription_id'), ('outbox', 'body_markdown'), ('outbox', 'kind'),
        ('subscriptions', 'last_reminder_on'), ('subscriptions', 'remind_days'), ('subscriptions', 'last_digest_at'),
        ('subscriptions', 'quiet_hours'), ('subscriptions', 'digest_at'), ('subscriptions', 'rhythm'),
    ):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column)
