"""Real races for the tests: requests in threads of their own, released together.

Each request goes through its own client (session cookie), app context, database session and
connection, as under a server with several workers. On PostgreSQL both transactions read before
either writes, so the version checks and constraints decide; on SQLite writers queue (BEGIN
IMMEDIATE) and the later one finds the earlier one's change.
"""
import threading

from app.extensions import db

ROUNDS = 50


def release_together(*sends):
    """Call each of `sends` in its own thread, all let go at once; their answers, in order."""
    barrier = threading.Barrier(len(sends))
    answers = [None] * len(sends)

    def run(index, send):
        barrier.wait()
        answers[index] = send()

    threads = [threading.Thread(target=run, args=(index, send)) for index, send in enumerate(sends)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()  # end the test's own read snapshot before it looks
    assert None not in answers, "a request did not answer (see the thread's exception above)"
    return answers
