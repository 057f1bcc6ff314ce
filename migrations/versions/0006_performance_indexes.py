"""Indexes the benchmark's profile asked for: units in display order, a person's and a leader's items

Revision ID: 0006_performance_indexes
Revises: 0005_session_files
Create Date: 2026-11-30 05:10:00

- unit (sort_order, id): every list orders units so; the ledger list walks units in this order and
  each unit's items by 序号 (the unique index), so its first pages never sort the whole ledger.
- ledger_item (campaign_id, owner_id, state) and (campaign_id, leader_id, state): 我负责的 and the
  home page's to-dos, and a leader's items, found without reading the campaign's whole ledger.
- ledger_item (campaign_id, updated_at, id): the list sorted 按最近更新.
- ledger_item (leader_id, unit_id): the units a leader is responsible for items in (the list's
  unit scope, policy.ledger_unit_scope), read from the index alone.
"""
from alembic import op

revision = '0006_performance_indexes'
down_revision = '0005_session_files'
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_unit_sort_order_id", "unit", ["sort_order", "id"]),
    ("ix_ledger_item_campaign_owner", "ledger_item", ["campaign_id", "owner_id", "state"]),
    ("ix_ledger_item_campaign_leader", "ledger_item", ["campaign_id", "leader_id", "state"]),
    ("ix_ledger_item_campaign_updated", "ledger_item", ["campaign_id", "updated_at", "id"]),
    ("ix_ledger_item_leader_unit", "ledger_item", ["leader_id", "unit_id"]),
]


def upgrade():
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)
    # SQLite plans without statistics as if every index were selective, and walks the whole
    # campaign's ledger to sort it; with them it walks units in order (see `flask analyze`).
    op.execute("ANALYZE")


def downgrade():
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
