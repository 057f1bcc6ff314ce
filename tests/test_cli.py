"""Command-line tasks: demo data, first admin, backup."""
import sqlite3

import pytest
from sqlalchemy import func, select

from app.campaigns.models import current_campaign
from app.extensions import db
from app.org.models import Rank, Role, Unit, UnitKind, User
from app.templating import today
from tests.conftest import POSTGRES_URL


def test_seed_demo_builds_a_realistic_bureau(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    units = db.session.scalars(select(Unit)).all()
    assert len(units) >= 12
    assert {u.kind for u in units} == set(UnitKind)
    people = db.session.scalar(select(func.count(User.id)))
    assert 70 <= people <= 100
    assert {u.rank for u in db.session.scalars(select(User))} == set(Rank)
    campaign = current_campaign()
    assert campaign.phase_on(today()).label == "自查整改"


def test_seed_demo_accounts_have_their_roles(app, runner, client):
    runner.invoke(args=["seed-demo"])
    expected = {"admin": Role.ADMIN, "leader": Role.LEADER, "head": Role.UNIT_HEAD, "staff": Role.STAFF,
                "inspector": Role.INSPECTOR}
    for username, role in expected.items():
        user = db.session.scalar(select(User).where(User.username == username))
        assert user.role == role
        assert user.check_password("zuofeng2026")
    head = db.session.scalar(select(User).where(User.username == "head"))
    staff = db.session.scalar(select(User).where(User.username == "staff"))
    leader = db.session.scalar(select(User).where(User.username == "leader"))
    assert head.unit_id == staff.unit_id
    assert staff.unit_id in leader.portfolio_unit_ids


def test_seed_demo_is_idempotent(app, runner):
    runner.invoke(args=["seed-demo"])
    count = db.session.scalar(select(func.count(User.id)))
    again = runner.invoke(args=["seed-demo"])
    assert "已存在" in again.output
    assert db.session.scalar(select(func.count(User.id))) == count


def test_seed_demo_if_new_leaves_a_used_database_alone(app, runner):
    from tests.factories import make_user

    make_user(Role.ADMIN, username="realadmin")
    db.session.commit()
    result = runner.invoke(args=["seed-demo", "--if-new"])
    assert "跳过" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 1


def test_demo_users_can_log_in(app, runner, auth, client):
    runner.invoke(args=["seed-demo"])
    assert auth.login("leader", "zuofeng2026").status_code == 302
    assert "班子成员" in client.get("/").text


def test_create_admin(app, runner):
    result = runner.invoke(args=["create-admin"], input="zhuanxiangban\n李明\n青山县住房和城乡建设局\nHongqi-lu-88\nHongqi-lu-88\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "zhuanxiangban"))
    assert user.role == Role.ADMIN and user.check_password("Hongqi-lu-88")
    assert user.unit.kind == UnitKind.BUREAU


def test_create_admin_refuses_a_weak_password(app, runner):
    result = runner.invoke(args=["create-admin", "--username", "a1", "--full-name", "李明", "--unit", "局",
                                 "--password", "123456"])
    assert result.exit_code != 0
    assert "密码至少需要" in result.output
    assert db.session.scalar(select(func.count(User.id))) == 0


@pytest.mark.skipif(bool(POSTGRES_URL), reason="flask backup copies SQLite; PostgreSQL uses pg_dump")
def test_backup_copies_the_database(app, runner, tmp_path):
    runner.invoke(args=["seed-demo"])
    target = tmp_path / "copy.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT count(*) FROM user").fetchone()[0] == db.session.scalar(
            select(func.count(User.id))
        )
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "不会覆盖" in again.output


@pytest.mark.skipif(not POSTGRES_URL, reason="only on PostgreSQL")
def test_backup_on_postgresql_points_to_pg_dump(app, runner):
    result = runner.invoke(args=["backup"])
    assert result.exit_code != 0 and "pg_dump" in result.output
