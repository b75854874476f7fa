"""reprints, validity and flapping

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 03:00:00

A document republished from another source names its original (documents.reprint_of); a
document's own 文号 is a column, so a repeal clause naming it finds it through an index; a stated
end of validity (有效期至…) is a column, so the daily check of what expired reads an index range;
a page seen flipping between two versions is marked (documents.flapping_since) and its events
wait until it settles. Subscriptions choose the kinds of event they want and whether each reprint
is worth a message of its own.
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

_BATCH = 5000


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':  # SQLite adds a column's reference only inline
        op.execute('ALTER TABLE documents ADD COLUMN reprint_of INTEGER REFERENCES documents (id)')
    else:
        op.add_column('documents', sa.Column('reprint_of', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_documents_reprint_of', 'documents', 'documents', ['reprint_of'], ['id'])
    op.add_column('documents', sa.Column('doc_number', sa.String(length=100), nullable=True))
    op.add_column('documents', sa.Column('valid_until', sa.String(length=10), nullable=True))
    op.add_column('documents', sa.Column('flapping_since', sa.DateTime(), nullable=True))
    for name, column in (('ix_documents_reprint_of', 'reprint_of'), ('ix_documents_valid_until', 'valid_until')):
        where = sa.text(f'{column} IS NOT NULL')
        op.create_index(name, 'documents', [column], sqlite_where=where, postgresql_where=where)
    op.create_index('ix_documents_doc_number', 'documents', ['doc_number'])
    op.add_column('subscriptions', sa.Column('kinds', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('subscriptions', sa.Column('reprints', sa.String(length=10), nullable=False, server_default='once'))
    _fill_doc_numbers()


def _fill_doc_numbers() -> None:
    """Each document's 文号 from its current version, in batches."""
    bind = op.get_bind()
    documents = sa.table('documents', sa.column('id'), sa.column('current_version_id'), sa.column('doc_number'))
    versions = sa.table('versions', sa.column('id'), sa.column('meta', sa.JSON()))
    last = 0
    while True:
        rows = bind.execute(
            sa.select(documents.c.id, versions.c.meta)
            .join(versions, versions.c.id == documents.c.current_version_id)
            .where(documents.c.id > last)
            .order_by(documents.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        last = rows[-1][0]
        numbers = [{'d': d, 'n': (meta or {}).get('doc_number')[:100]} for d, meta in rows if (meta or {}).get('doc_number')]
        if numbers:
            bind.execute(
                documents.update().where(documents.c.id == sa.bindparam('d')).values(doc_number=sa.bindparam('n')),
                numbers,
            )


def downgrade() -> None:
    with op.batch_alter_table('subscriptions') as batch:
        batch.drop_column('reprints')
        batch.drop_column('kinds')
    op.drop_index('ix_documents_doc_number', table_name='documents')
    op.drop_index('ix_documents_valid_until', table_name='documents')
    op.drop_index('ix_documents_reprint_of', table_name='documents')
    with op.batch_alter_table('documents') as batch:
        batch.drop_column('flapping_since')
        batch.drop_column('valid_until')
        batch.drop_column('doc_number')
        batch.drop_column('reprint_of')
