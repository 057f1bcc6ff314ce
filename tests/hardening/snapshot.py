"""What a request may have changed: every table's rows, and the files stored under UPLOAD_DIR."""
import hashlib
import os

from sqlalchemy import select

from app.extensions import db


def fingerprint() -> dict[str, str]:
    """Every table's rows, hashed."""
    db.session.rollback()
    prints = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        prints[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    db.session.rollback()
    return prints


def stored_files(app) -> int:
    """How many files there are under UPLOAD_DIR."""
    return sum(len(files) for _root, _dirs, files in os.walk(app.config["UPLOAD_DIR"]))
