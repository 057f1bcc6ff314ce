"""Command-line tasks: `flask seed-demo`, `create-admin`, `backup`, `audit-verify`."""
import sqlite3
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select

from app import audit
from app.auth.passwords import password_problem
from app.extensions import db
from app.org.models import Rank, Role, Unit, UnitKind, User


def register(app) -> None:
    for command in (seed_demo, create_admin, backup, audit_verify):
        app.cli.add_command(command)


@click.command("seed-demo")
@click.option("--if-new", is_flag=True, help="Only when the database has no users yet (used by `make run`).")
def seed_demo(if_new: bool):
    """Fill the database with a demo bureau, its people and a campaign in progress (idempotent)."""
    from app.demo import seed

    if if_new and db.session.scalar(select(User.id).limit(1)) is not None:
        click.echo("数据库中已有用户，跳过演示数据。")
        return
    created = seed()
    db.session.commit()
    click.echo("演示数据已创建。" if created else "演示数据已存在，未重复创建。")
    click.echo("演示账号：admin / leader / head / staff / inspector，密码均为 zuofeng2026")


@click.command("create-admin")
@click.option("--username", prompt="用户名")
@click.option("--full-name", prompt="姓名")
@click.option("--unit", "unit_name", prompt="所在单位（不存在则新建为本局）")
@click.password_option("--password", prompt="密码", confirmation_prompt="再次输入密码")
def create_admin(username: str, full_name: str, unit_name: str, password: str):
    """Create a 专项办 administrator account (there is no default admin outside the demo)."""
    problem = password_problem(password, username)
    if problem:
        raise click.ClickException(problem)
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise click.ClickException(f"用户名 {username} 已存在。")
    unit = db.session.scalar(select(Unit).where(Unit.name == unit_name))
    if unit is None:
        unit = Unit(name=unit_name, kind=UnitKind.BUREAU, sort_order=0)
        db.session.add(unit)
        db.session.flush()
    user = User(username=username, full_name=full_name, unit=unit, role=Role.ADMIN, rank=Rank.GENERAL,
                title="专项办")
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.created", user, f"命令行创建管理员 {username}（{full_name}）")
    db.session.commit()
    click.echo(f"已创建管理员 {username}。")


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=True, path_type=Path))
def backup(target: Path | None):
    """Copy the SQLite database while the app runs (consistent online backup)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("PostgreSQL 请使用 pg_dump 备份，见 README 的“备份与恢复”。")
    source = Path(url.database)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    if target is None:
        target = Path(current_app.instance_path) / "backups"
    if target.suffix != ".db":
        target.mkdir(parents=True, exist_ok=True)
        target = target / f"zuofeng-{stamp}.db"
    if target.exists():
        raise click.ClickException(f"{target} 已存在，不会覆盖。")
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        src.backup(dst)  # SQLite's online backup API: a consistent snapshot while writers go on
    finally:
        dst.close()
        src.close()
    click.echo(f"已备份到 {target}")


@click.command("audit-verify")
def audit_verify():
    """Recompute the audit log's hash chain; name the first row that was altered or removed."""
    result = audit.verify()
    if result.ok:
        click.echo(f"审计日志完整：{result.checked} 条记录校验通过。")
        return
    click.echo(f"审计日志校验失败：{result.reason}（第 {result.bad_seq} 条）。", err=True)
    raise SystemExit(1)
