"""The audit log page: Chinese action names, objects by their own names with links, filters from
lists and dates, the filtered log in Excel, and a bounded number of statements per page."""
import ast
import pathlib
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from app import audit
from app.extensions import db
from app.ledger.models import EventKind
from tests.factories import make_item, today
from tests.ledger.test_query_counts import counting_queries


def _recorded_actions() -> set[str]:
    """Every action code an audit.record call of app/ can write: literal codes, codes chosen by a
    conditional or assigned to a variable in the same function, and f"ledger.{kind}" (an EventKind)."""
    codes = set()

    def constants(node) -> set[str]:
        return {c.value for c in ast.walk(node) if isinstance(c, ast.Constant) and isinstance(c.value, str)}

    for path in pathlib.Path("app").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for call in ast.walk(function):
                if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "record" and getattr(call.func.value, "id", "") == "audit"):
                    continue
                code = call.args[0]
                if isinstance(code, ast.JoinedStr):
                    assert ast.unparse(code) == "f'ledger.{kind}'", f"{path}:{call.lineno}: an unknown kind of code"
                    codes |= {f"ledger.{kind.value}" for kind in EventKind}
                elif isinstance(code, ast.Name):
                    assigned = [n.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                                and code.id in {t.id for target in n.targets for t in ast.walk(target)
                                                if isinstance(t, ast.Name)}]
                    assert assigned, f"{path}:{call.lineno}: where does {code.id} come from?"
                    codes |= {c for value in assigned for c in constants(value) if "." in c and " " not in c}
                else:
                    codes |= constants(code)
    return codes


def test_every_action_the_app_records_has_a_chinese_name():
    recorded = _recorded_actions()
    assert len(recorded) > 60
    assert recorded - set(audit.ACTION_LABELS) == set()
    assert set(audit.ACTION_LABELS) - recorded == set()  # no label for an action nobody records
    assert {code.split(".")[0] for code in recorded} <= set(audit.ACTION_GROUPS)


def test_the_log_shows_chinese_actions_and_objects_by_their_names_with_links(bureau, client, auth):
    item = make_item(unit=bureau["office"], owner=bureau["staff"], actor=bureau["head"])
    db.session.commit()
    auth.login("admin")
    page = client.get("/admin/audit").text.split('id="audit-log">', 1)[1].split("</table>", 1)[0]
    assert "auth.login" not in page and "LedgerItem" not in page and "<code>" not in page
    assert "登录" in page and "登记问题" in page
    assert f'<a href="/ledger/{item.id}">问题 {item.code}</a>' in page
    assert f"{bureau['head'].full_name}（head）" in page


def test_filters_by_action_person_unit_and_dates(bureau, client, auth):
    item = make_item(unit=bureau["office"], owner=bureau["staff"], actor=bureau["head"])
    db.session.commit()
    auth.login("admin")
    by_action = client.get("/admin/audit", query_string={"action": "ledger.created"}).text
    assert item.code in by_action and "<td class=\"nowrap\">登录</td>" not in by_action
    assert '<option selected value="ledger.created">问题台账：登记问题</option>' in by_action
    by_person = client.get("/admin/audit", query_string={"actor": bureau["head"].full_name}).text
    assert item.code in by_person and "admin（admin）" not in by_person
    by_unit = client.get("/admin/audit", query_string={"unit": bureau["other"].id}).text
    assert item.code not in by_unit
    day = today()
    within = client.get("/admin/audit", query_string={"start": day.isoformat(), "end": day.isoformat()}).text
    before = client.get("/admin/audit", query_string={"end": (day - timedelta(days=1)).isoformat()}).text
    assert item.code in within and item.code not in before


def test_bad_filters_are_a_chinese_4xx_not_a_500(bureau, client, auth):
    auth.login("admin")
    for args, message in [({"start": "2026-13-45"}, "不是有效的日期"), ({"end": "明天"}, "不是有效的日期"),
                          ({"start": "2026-11-20", "end": "2026-11-01"}, "结束日期不能早于开始日期"),
                          ({"action": "x.y"}, "请从列表中选择操作"), ({"unit": "abc"}, "请从列表中选择单位")]:
        for url, status in (("/admin/audit", 422), ("/admin/audit.xlsx", 400)):
            response = client.get(url, query_string=args)
            assert response.status_code == status, (url, args)
            assert message in response.text, (url, args)


def test_the_excel_holds_the_filtered_log_and_no_formula_of_typed_text(bureau, client, auth):
    item = make_item(unit=bureau["office"], owner=bureau["staff"], actor=bureau["head"])
    audit.record("ledger.edited", item, '=HYPERLINK("http://x","点我")', actor=bureau["head"])
    db.session.commit()
    auth.login("admin")
    response = client.get("/admin/audit.xlsx", query_string={"actor": "head"})
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(BytesIO(response.data))["审计日志"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[4] for row in rows] == ["修改问题", "登记问题"]
    assert {row[6] for row in rows} == {f"问题 {item.code}"}
    cell = next(c for c in sheet["F"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"  # text, never a formula


def test_a_page_of_the_log_costs_the_same_statements_however_many_objects_it_names(bureau, client, auth):
    auth.login("admin")

    def statements() -> int:
        with counting_queries() as executed:
            assert client.get("/admin/audit").status_code == 200
        return len(executed)

    make_item(unit=bureau["office"], owner=bureau["staff"], actor=bureau["head"])
    db.session.commit()
    few = statements()
    for _ in range(15):
        make_item(unit=bureau["other"], owner=bureau["other_staff"],
                  actor=bureau["admin"])
    db.session.commit()
    assert statements() == few


def test_the_integrity_check_shows_the_whole_hash_by_its_right_name(bureau, client, auth):
    auth.login("admin")
    page = client.get("/admin/audit/verify").text
    head = db.session.get(audit.AuditHead, 1)
    assert f"（HMAC-SHA256，共 64 位）：<code class=\"hash\">{head.last_hash}</code>" in page
