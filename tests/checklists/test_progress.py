"""Progress figures per unit and per rank level, the reminder list, and their cost in queries."""

from app.checklists import queries, services
from app.checklists.queries import NOT_STARTED
from app.extensions import db
from app.org.models import Rank, Role
from tests.checklists.factories import all_no, make_checklist
from tests.factories import make_user, today
from tests.ledger.test_query_counts import counting_queries


def _fill(template, person, until: str, reviewer=None):
    inspection = services.start(template, person)
    if until == "draft":
        return inspection
    services.submit(inspection, person, inspection.version, all_no(template), today())
    db.session.flush()
    if until == "returned":
        services.return_(inspection, reviewer, inspection.version, "再查")
    elif until == "passed":
        services.pass_(inspection, reviewer, inspection.version)
    db.session.flush()
    return inspection


def test_figures_per_unit_and_rank(world):
    office, other, template = world["office"], world["other"], world["template"]
    extra = [make_user(Role.STAFF, office) for _ in range(3)]
    _fill(template, world["staff"], "passed", world["head"])
    _fill(template, extra[0], "returned", world["head"])
    _fill(template, extra[1], "draft")
    _fill(template, world["head"], "submitted")
    _fill(template, world["other_staff"], "submitted")
    db.session.commit()
    report = queries.progress(template, [office.id, other.id, world["bureau"].id])
    mine = report.by_unit[office.id]
    # 办公室: admin, head, staff and three more
    assert (mine.required, mine.not_started, mine.draft, mine.waiting, mine.returned, mine.passed) == (6, 2, 1, 1, 1, 1)
    assert (mine.submitted, mine.submitted_rate, mine.passed_rate) == (3, 50, 16)  # 1 of 6, rounded down
    assert report.by_unit[other.id].required == 2 and report.by_unit[other.id].waiting == 1
    assert report.by_unit[world["bureau"].id].required == 2  # the leader and the inspector fill too
    assert report.by_rank[Rank.LEADERSHIP].required == 1
    assert report.by_rank[Rank.MIDDLE].submitted == 1  # the head
    assert report.total.required == 10 and report.total.submitted == 4


def test_a_targeted_checklist_counts_only_its_people(world):
    middle = make_checklist(world["admin"], world["campaign"], title="中层", ranks=[Rank.MIDDLE],
                            unit_ids=[world["office"].id])
    db.session.commit()
    report = queries.progress(middle, [world["office"].id, world["other"].id])
    assert report.by_unit[world["office"].id].required == 1  # the head
    assert report.by_unit[world["other"].id].required == 0


def test_the_reminder_list(world):
    _fill(world["template"], world["staff"], "draft")
    db.session.commit()
    reminders = queries.reminders(world["template"], [world["office"].id])
    assert {p.username for p in reminders[NOT_STARTED]} == {"admin", "head"}
    assert [p.username for p in reminders["draft"]] == ["staff"]


def test_someone_who_filled_and_then_left_stays_on_the_review_list(world):
    inspection = _fill(world["template"], world["staff"], "submitted")
    world["staff"].active = False
    db.session.commit()
    rows = queries.person_rows(world["template"], [world["office"].id])
    assert any(row.inspection is not None and row.inspection.id == inspection.id for row in rows)


def test_progress_page_shows_reminders_for_a_unit(world, client, auth):
    _fill(world["template"], world["staff"], "draft")
    db.session.commit()
    auth.login("head")
    page = client.get("/checklists/progress").text
    assert "待提醒人员（办公室）" in page and "草稿未提交（1 人）" in page and world["staff"].full_name in page
    assert "按层级" in page and "一般干部" in page


def test_pages_cost_the_same_queries_for_3_people_as_for_30(world, client, auth):
    _fill(world["template"], world["staff"], "submitted")
    db.session.commit()
    auth.login("admin")
    urls = ["/checklists/review", "/checklists/progress", "/", "/checklists/"]

    def costs():
        result = []
        for url in urls:
            with counting_queries() as statements:
                assert client.get(url).status_code == 200
            result.append(len(statements))
        return result

    few = costs()
    for n in range(27):
        person = make_user(Role.STAFF, world["office"] if n % 2 else world["other"])
        if n % 3:
            _fill(world["template"], person, "submitted")
    db.session.commit()
    many = costs()
    assert many == few, dict(zip(urls, zip(few, many, strict=True), strict=True))
    assert max(many) <= 16


def test_the_to_dos_take_two_queries(world, app):
    from app.overview.todos import _checklist_todos

    current = world["head"]
    assert current.role and current.unit_id  # loaded before counting
    with app.test_request_context():
        from app.campaigns.models import current_campaign

        current_campaign()  # looked up once per request, by the layout already
        with counting_queries() as statements:
            todos = _checklist_todos(current)
    assert len(statements) <= 2
    assert [todo.title for todo in todos] == ["填写自查表《个人自查清单》"]
