"""上级通报: 来文单位, 文号, the original document, correction and withdrawal; cancelled sessions

Revision ID: 0009_dispatch_doc_cancel
Revises: 0008_ledger_return_reason
Create Date: 2026-12-07 23:00:00

A dispatch records where it came from (来文单位, 文号) and may carry the original document, stored
as 制度文件 are (outside static/, served through a view). Its sender may withdraw it until a unit
answers: withdrawn_at/by and the reason. A study session may be cancelled with a reason; its
attendance then no longer counts.
"""
import sqlalchemy as sa
from alembic import op

revision = '0009_dispatch_doc_cancel'
down_revision = '0008_ledger_return_reason'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_unit', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('document_number', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_stored_name', sa.String(length=80), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_content_type', sa.String(length=100), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('file_size', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('file_sha256', sa.String(length=64), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('withdraw_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_dispatch_withdrawn_by_id_user'), 'user', ['withdrawn_by_id'],
                                    ['id'])
    with op.batch_alter_table('study_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancel_reason', sa.String(length=500), nullable=False, server_default=''))
        batch_op.create_foreign_key(batch_op.f('fk_study_session_cancelled_by_id_user'), 'user',
                                    ['cancelled_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('study_session', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_study_session_cancelled_by_id_user'), type_='foreignkey')
        batch_op.drop_column('cancel_reason')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('cancelled_at')
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dispatch_withdrawn_by_id_user'), type_='foreignkey')
        for column in ('withdraw_reason', 'withdrawn_by_id', 'withdrawn_at', 'file_sha256', 'file_size',
                       'file_content_type', 'file_stored_name', 'file_name', 'document_number', 'source_unit'):
            batch_op.drop_column(column)
