"""An index in the order of the ledger sorted 按整改时限

Revision ID: 0007_ledger_due_sort
Revises: 0006_performance_indexes
Create Date: 2026-11-30 06:02:00

The list sorted by 整改时限 orders by (due_on IS NULL, due_on, id): items without a date last, on
SQLite and PostgreSQL alike. An index on exactly those expressions lets the first page be read
in order, filters applied on the way, instead of sorting every matching item (a province's
open items of one category are 50,000: 580 ms).
"""
import sqlalchemy as sa
from alembic import op

revision = '0007_ledger_due_sort'
down_revision = '0006_performance_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_ledger_item_campaign_due_sort", "ledger_item",
                    ["campaign_id", sa.text("(due_on IS NULL)"), "due_on", "id"])


def downgrade():
    op.drop_index("ix_ledger_item_campaign_due_sort", table_name="ledger_item")
