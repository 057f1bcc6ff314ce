"""专项办 presses 校验并导入 with the same file in two windows at the same moment: the units and
people are imported once, with one audit row; the other window is told (409: someone took the
names meanwhile, or 422: the names are taken). Real races (tests/races.py), ROUNDS times.
"""
from io import BytesIO

from sqlalchemy import func, select

from app.audit import AuditLog
from app.extensions import db
from app.org.models import Unit, User
from tests.admin.test_import import person, workbook
from tests.conftest import AuthActions
from tests.races import ROUNDS, release_together


def _import(client, data: bytes):
    return lambda: client.post("/admin/import", data={"file": (BytesIO(data), "名单.xlsx")},
                               content_type="multipart/form-data")


def test_the_same_file_twice_at_once_imports_once(bureau, app):
    windows = []
    for _ in range(2):
        windows.append(app.test_client())
        AuthActions(windows[-1]).login("admin")

    for round_ in range(ROUNDS):
        unit = f"第{round_}网格"
        data = workbook(units=[(unit, "测试局", "二级单位", "")],
                        users=[person(f"grid{round_}", "网格员", unit), person(f"grid{round_}b", "网格员乙", unit)])
        answers = release_together(_import(windows[0], data), _import(windows[1], data))
        statuses = sorted(response.status_code for response in answers)
        assert statuses in ([200, 409], [200, 422]), [a.text for a in answers]
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.name == unit)) == 1
        assert db.session.scalar(select(func.count(User.id)).where(User.username.like(f"grid{round_}%"))) == 2
        assert db.session.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.action == "org.imported", AuditLog.details.contains(f'"grid{round_}"'))) == 1
