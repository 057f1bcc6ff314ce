"""Command-line tasks: `flask seed-demo`, `create-admin`, `import-org`, `backup`, `analyze`, `audit-verify`."""
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
from app.templating import local_zone


def register(app) -> None:
    for command in (seed_demo, create_admin, import_org, backup, audit_verify, analyze):
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


@click.command("import-org")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_org(file: Path):
    """Import units and people from a filled-in import template (.xlsx): all rows, or none."""
    from app.admin import imports

    try:
        plan = imports.read_upload(file.read_bytes(), file.name)
    except imports.FileRefused as refused:
        click.echo(f"无法导入：{refused}", err=True)
        raise SystemExit(1) from None
    if not plan.ok:
        click.echo(f"{file.name} 中有 {len(plan.problems)} 处问题，未导入任何数据：", err=True)
        for problem in plan.problems:
            click.echo(f"  {problem}", err=True)
        raise SystemExit(1)
    result = imports.apply(plan, source=file.name)
    db.session.commit()
    click.echo(f"导入成功：新增单位 {len(result.units)} 个、人员 {len(result.users)} 人。")
    if result.generated:
        click.echo("系统生成的初始密码（请妥善转交，此后无法再次查看；首次登录时须修改）：")
        click.echo("用户名\t姓名\t所在单位\t初始密码")
        for item in result.generated:
            click.echo(f"{item.username}\t{item.full_name}\t{item.unit}\t{item.password}")


@click.command("backup")
@click.argument("target", required=False, type=click.Path(dir_okay=True, path_type=Path))
def backup(target: Path | None):
    """Copy the SQLite database while the app runs (consistent online backup)."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise click.ClickException("PostgreSQL 请使用 pg_dump 备份，见 README 的“备份与恢复”。")
    source = Path(url.database)
    stamp = datetime.now(local_zone()).strftime("%Y%m%d-%H%M%S")  # the bureau's time, not the server's zone
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


@click.command("analyze")
def analyze():
    """Refresh the query planner's statistics (SQLite; PostgreSQL's autovacuum does it by itself)."""
    from sqlalchemy import text

    with db.engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            # Bounded sampling: seconds at most, even on a province's ledger.
            connection.exec_driver_sql("PRAGMA analysis_limit=2000")
        connection.execute(text("ANALYZE"))
    click.echo("已更新查询统计信息。")


@click.command("audit-verify")
def audit_verify():
    """Recompute the audit log's hash chain; name the first row that was altered or removed."""
    result = audit.verify()
    if result.ok:
        click.echo(f"审计日志完整：{result.checked} 条记录校验通过。")
        return
    click.echo(f"审计日志校验失败：{result.reason}（第 {result.bad_seq} 条）。", err=True)
    raise SystemExit(1)
