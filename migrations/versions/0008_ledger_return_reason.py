"""The reason a ledger item was last returned (退回), kept on the item while it is being reworked

Revision ID: 0008_ledger_return_reason
Revises: 0007_ledger_due_sort
Create Date: 2026-12-07 23:05:00

A returned item is back in 整改中 like one never submitted; its 责任人 must see that it came back
and why (as a returned 自查表 or 心得 shows) on the home to-dos, in the list and on its page. The
reason stays until the item is submitted again (or otherwise moves on); '' means not returned.
"""
import sqlalchemy as sa
from alembic import op

revision = '0008_ledger_return_reason'
down_revision = '0007_ledger_due_sort'
branch_labels = None
depends_on = None


# Plain ALTER TABLE, not a batch: SQLite adds and drops a column in place (3.35+), while a batch
# would rebuild ledger_item without the expression index of 0007 (not reflected, so not copied).
def upgrade():
    op.add_column('ledger_item', sa.Column('return_reason', sa.Text(), nullable=False, server_default=''))


def downgrade():
    op.drop_column('ledger_item', 'return_reason')
