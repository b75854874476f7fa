"""files as documents

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 12:00:00

Attachments and files linked from listings are documents: a document may be a file (its type:
pdf, docx, ofd…) and an attachment of a page (its parent). Plain ALTERs: no table is rebuilt.
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column's reference only inline
        op.execute('ALTER TABLE documents ADD COLUMN parent_id INTEGER REFERENCES documents (id)')
    else:
        op.add_column('documents', sa.Column('parent_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_documents_parent_id', 'documents', 'documents', ['parent_id'], ['id'])
    op.add_column('documents', sa.Column('file_type', sa.String(length=10), nullable=True))
    op.create_index('ix_documents_parent_id', 'documents', ['parent_id'])


def downgrade() -> None:
    op.drop_index('ix_documents_parent_id', table_name='documents')
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('file_type')
        batch.drop_column('parent_id')
