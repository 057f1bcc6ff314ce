"""With several processes, login throttling must be shared: counts kept in Redis."""
import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis

from app import create_app
from app.extensions import db
from tests.conftest import AuthActions
from tests.factories import make_bureau

REDIS_URL = "redis://127.0.0.1:6379/15"
# A second worker process: three failed logins against the same database and Redis.
OTHER_WORKER = """
import sys
from app import create_app
app = create_app("test", SQLALCHEMY_DATABASE_URI=sys.argv[1], RATELIMIT_STORAGE_URI=sys.argv[2],
                 RATELIMIT_KEY_PREFIX=sys.argv[3])
client = app.test_client()
for _ in range(3):
    status = client.post("/auth/login", data={"username": "staff", "password": "wrong-password"}).status_code
    assert status == 422, status
"""


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
        return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
def test_failed_logins_counted_across_processes(app):
    make_bureau()
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    prefix = f"zuofeng-test-{uuid.uuid4().hex}"
    root = Path(__file__).resolve().parents[2]
    subprocess.run(
        [sys.executable, "-c", OTHER_WORKER, url, REDIS_URL, prefix],
        check=True, cwd=root, env={**os.environ, "PYTHONPATH": str(root)}, timeout=60,
    )
    worker = create_app("test", SQLALCHEMY_DATABASE_URI=url, RATELIMIT_STORAGE_URI=REDIS_URL,
                        RATELIMIT_KEY_PREFIX=prefix)
    try:
        client = worker.test_client()
        for _ in range(2):
            assert AuthActions(client).login("staff", "wrong-password").status_code == 422
        assert AuthActions(client).login("staff", "wrong-password").status_code == 429
    finally:
        with worker.app_context():
            db.engine.dispose()
        # Only this test's counts: limiter.reset() would empty every limiter key in the Redis
        # database, those of a run going on at the same time (another xdist worker or checkout) too.
        store = redis.Redis.from_url(REDIS_URL)
        keys = list(store.scan_iter(match=f"*{prefix}*"))
        if keys:
            store.delete(*keys)
        store.close()
