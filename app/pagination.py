"""Pages of long lists whose cost does not grow with the table: the count stops at a cap.

An exact count of a province's 500,000 ledger items reads every row the person may see on every
page view. Past COUNT_CAP rows the list says "2000 条以上" instead, and pages go no deeper than
the cap (40 pages; filters narrow the list further), so both the count and the OFFSET stay
bounded: the same work for a county's 20,000 items as for a province's half million.
"""
from math import ceil

from sqlalchemy import func, select

from app.extensions import db

COUNT_CAP = 2_000


class BoundedPage:
    """What the pagination macro reads (page, pages, total, has_prev/next, prev/next_num, items),
    with `more` set when there are more rows than `total` says."""

    def __init__(self, query, key, page: int, per_page: int, cap: int = COUNT_CAP):
        """`query` selects the rows in order; `key` is a column of it (the primary key), counted alone."""
        counted = query.with_only_columns(key).order_by(None).limit(cap + 1).subquery()
        found = db.session.scalar(select(func.count()).select_from(counted))
        self.more = found > cap
        self.total = min(found, cap)
        self.per_page = per_page
        self.pages = max(1, ceil(self.total / per_page))
        self.page = min(max(page, 1), self.pages)
        offset = (self.page - 1) * per_page
        self.items = db.session.scalars(query.limit(per_page).offset(offset)).unique().all() if self.total else []

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1
