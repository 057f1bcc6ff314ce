"""Database statements per request, for the benchmark: `X-Query-Count` and `Server-Timing` headers.

Off unless BENCH_QUERY_COUNT is set; then every statement bumps a counter in `g` (no statement
text is kept) and the response says how many there were and how long they took. Transaction
control (BEGIN, COMMIT, ROLLBACK, savepoints) is not counted.
"""
from time import perf_counter

from flask import Flask, g, has_app_context
from sqlalchemy import event

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def register(app: Flask) -> None:
    if not app.config.get("BENCH_QUERY_COUNT"):
        return
    from app.extensions import db

    with app.app_context():
        engine = db.engine

    @event.listens_for(engine, "before_cursor_execute")
    def _before(_conn, _cursor, statement, _params, context, _many):
        if has_app_context() and not statement.lstrip()[:9].upper().startswith(TRANSACTION_CONTROL):
            g.query_count = g.get("query_count", 0) + 1
            context._query_started = perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(_conn, _cursor, _statement, _params, context, _many):
        started = getattr(context, "_query_started", None)
        if started is not None and has_app_context():
            g.query_seconds = g.get("query_seconds", 0.0) + perf_counter() - started

    @app.before_request
    def _start():
        g.request_started = perf_counter()

    @app.after_request
    def _report(response):
        count = g.get("query_count", 0)
        database_ms = g.get("query_seconds", 0.0) * 1000
        total_ms = (perf_counter() - g.get("request_started", perf_counter())) * 1000
        response.headers["X-Query-Count"] = str(count)
        response.headers["Server-Timing"] = (
            f'db;dur={database_ms:.1f};desc="{count} queries", app;dur={total_ms:.1f}'
        )
        return response
