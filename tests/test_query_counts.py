"""Statements per request do not grow with the data: the key pages and actions run as many
queries on a bureau of 100 ledger items as on one of 1,000 (more units, people and letters too),
and no page runs more than 12.

Both databases are seeded by the benchmark's seeder (bench/seed.py) into SQLite files of their
own, and the counts are read from the X-Query-Count header (BENCH_QUERY_COUNT), as the benchmark
reads them from a real server. Counts are stable; times are not, so nothing here is timed.
"""
from flask_migrate import upgrade
from sqlalchemy import text

from app import create_app
from app.extensions import db
from bench.seed import BENCH_PASSWORD, SCALES, seed

MAX_PER_PAGE = 12
# A whole 自查表 handed in: the template, the answers, the history, the audit row.
MAX_CHECKLIST_SUBMIT = 20
HX = {"HX-Request": "true"}


def _seeded_app(tmp_path, scale: str):
    app = create_app("test", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / scale}.db", BENCH_QUERY_COUNT=True)
    with app.app_context():
        upgrade()
        with db.engine.begin() as connection:
            seed(connection, SCALES[scale])
        db.engine.dispose()
    return app


def _one(app, sql: str, **params):
    with app.app_context():
        row = db.session.execute(text(sql), params).first()
        db.session.remove()
        return row


def _counts(app) -> dict[str, int]:
    """Statements of each key request at this database's size."""
    counts = {}

    def client(username):
        c = app.test_client()
        assert c.post("/auth/login", data={"username": username, "password": BENCH_PASSWORD}).status_code == 302
        return c

    def record(name, response, expected=200):
        assert response.status_code == expected, (name, response.status_code)
        counts[name] = int(response.headers["X-Query-Count"])

    people = {role: client(role) for role in ("staff", "head", "leader", "admin")}
    for role, c in people.items():
        record(f"home ({role})", c.get("/"))
        record(f"ledger list ({role})", c.get("/ledger/"))
    record("ledger list filtered (leader)", people["leader"].get("/ledger/?state=sign_off"))
    record("ledger list filtered (admin)", people["admin"].get("/ledger/?state=open&category=工作效率&sort=due"))
    record("ledger list deepest page (admin)", people["admin"].get("/ledger/?page=40"))
    leader_id = _one(app, "SELECT id FROM \"user\" WHERE username = 'leader'")[0]
    item = _one(app, "SELECT id FROM ledger_item WHERE leader_id = :l AND is_discipline = :f ORDER BY id",
                l=leader_id, f=False)[0]
    record("ledger detail (leader)", people["leader"].get(f"/ledger/{item}"))
    head_unit = _one(app, "SELECT unit_id FROM \"user\" WHERE username = 'head'")[0]
    item, version = _one(app, "SELECT id, version FROM ledger_item WHERE state = 'first_review' AND unit_id = :u "
                              "AND is_discipline = :f ORDER BY id", u=head_unit, f=False)
    record("inline 初审 (head)", people["head"].post(f"/ledger/{item}/first-review", headers=HX,
                                                    data={"version": version, "next": "/ledger/"}))
    item, version = _one(app, "SELECT id, version FROM ledger_item WHERE state = 'sign_off' AND leader_id = :l "
                              "AND is_discipline = :f ORDER BY id", l=leader_id, f=False)
    record("inline 销号 (leader)", people["leader"].post(f"/ledger/{item}/sign-off", headers=HX,
                                                       data={"version": version, "next": "/ledger/"}))
    for path in ("/overview/progress", "/overview/gauge"):
        if any(rule.rule == path for rule in app.url_map.iter_rules()):
            record(f"{path} (admin)", people["admin"].get(path))
    username, full_name = _one(app, "SELECT username, full_name FROM \"user\" WHERE username LIKE 'rush%' ORDER BY id")
    rush = client(username)
    record("checklist page (staff)", rush.get("/checklists/fill/1"))
    answers = {f"answer-{row[0]}": "no" for row in _all(app, "SELECT id FROM checklist_item")}
    record("checklist submit (staff)", rush.post("/checklists/fill/1", data={**answers, "action": "submit"}), 302)
    record("letters page (staff)", rush.get("/commitments/"))
    record("letter sign (staff)", rush.post("/commitments/letters/1/sign", headers=HX,
                                            data={"promise": "y", "typed_name": full_name}))
    return counts


def _all(app, sql: str):
    with app.app_context():
        rows = db.session.execute(text(sql)).all()
        db.session.remove()
        return rows


def test_query_counts_do_not_grow_with_the_data(tmp_path):
    small = _counts(_seeded_app(tmp_path, "tiny"))
    large = _counts(_seeded_app(tmp_path, "small"))
    assert large == small
    too_many = {name: n for name, n in large.items()
                if n > (MAX_CHECKLIST_SUBMIT if name.startswith("checklist submit") else MAX_PER_PAGE)}
    assert too_many == {}
