"""One bureau with a real record behind every URL parameter of the app, built through the services.

The crawls of tests/hardening (headers, escaping, exports) open every GET route with these ids, so
each view renders its page rather than a 404. `URL_ARGS` maps a route's parameter name to the
record it takes; a new parameter name fails `url_args()` until it is added here.
"""
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage

from app import create_app
from app.checklists import services as checklists
from app.checklists.services import AnswerInput
from app.commendations import services as commendations
from app.commitments import services as commitments
from app.extensions import db
from app.ledger import dispatches, evidence
from app.ledger import services as ledger
from app.ledger.models import Handling, RectifyType
from app.regulations import services as regulations
from app.study import services as study
from app.study.models import SessionKind
from tests.checklists.factories import make_checklist
from tests.commitments.conftest import BODY
from tests.factories import make_bureau, make_campaign, make_item, today

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
REFLECTION = "通过学习，深刻认识到作风建设的重要性。" * 20

URL_ARGS = {
    "campaign_id": "campaign", "unit_id": "office", "user_id": "staff", "item_id": "item",
    "request_id": "extension", "evidence_id": "evidence", "dispatch_id": "dispatch", "target_id": "target",
    "inspection_id": "inspection", "template_id": "letter", "signature_id": "signature",
    "session_id": "exchange", "speaker_id": "speaker", "file_id": "file", "reading_id": "reading",
    "reflection_id": "reflection", "regulation_id": "rule", "commendation_id": "honour",
}
# Every column people type into, by table: what the escaping and export tests fill with attacks.
FREE_TEXT = {
    "campaign": ("title", "description"),
    "unit": ("name",),
    "user": ("username", "full_name", "title", "phone"),
    "ledger_item": ("description", "goal", "measures", "progress", "completion", "remarks", "instruction",
                    "person_concerned"),
    "ledger_event": ("note",),
    "evidence": ("original_name",),
    "extension_request": ("reason", "decision_note"),
    "dispatch": ("title", "description", "source_unit", "document_number", "file_name", "withdraw_reason"),
    "dispatch_target": ("zero_report_note",),
    "checklist_template": ("title", "instructions"),
    "checklist_section": ("title",),
    "checklist_item": ("text",),
    "self_inspection": ("return_reason",),
    "self_inspection_answer": ("manifestation", "measures"),
    "self_inspection_event": ("note",),
    "letter_template": ("title", "body"),
    "signature": ("title", "rendered_text", "typed_name", "address"),
    "study_session": ("title", "place", "materials", "cancel_reason"),
    "session_speaker": ("topic",),
    "session_file": ("original_name",),
    "attendance": ("reason",),
    "reading": ("title", "summary", "link"),
    "reflection": ("title", "body", "review_comment"),
    "regulation": ("title", "document_number", "summary", "file_name"),
    "commendation": ("honour", "reason", "issuer"),
}
# Routes whose <template_id> is a checklist, not a letter.
CHECKLIST_TEMPLATE_ROUTES = {"checklists.fill", "checklists.autosave", "checklists.template_detail",
                             "checklists.template_edit", "checklists.template_delete",
                             "checklists.template_publish", "checklists.template_revise"}


def url_args(rule, world) -> dict:
    missing = set(rule.arguments) - set(URL_ARGS)
    assert not missing, f"add a record for {missing} (route {rule.rule}) to tests/hardening/world.py"
    args = {name: world[URL_ARGS[name]].id for name in rule.arguments}
    if "template_id" in args and rule.endpoint in CHECKLIST_TEMPLATE_ROUTES:
        args["template_id"] = world["checklist"].id
    return args


def build_world() -> dict:
    """make_bureau() and a current campaign with a record of every kind, in the states that show
    the most: an item with evidence and a pending extension, items awaiting 初审 and 销号, a closed
    discipline case, a 上级通报 with a 零报告, staff's 自查表 submitted with a problem and head's
    returned, a signed letter, a 交流发言 with a speaker and a material file, a reading, a returned
    reflection, an issued rule with its document and a linked item, and commendations of a person
    and a unit."""
    w = make_bureau()
    campaign = w["campaign"] = make_campaign()
    office, admin, head, staff, leader = w["office"], w["admin"], w["head"], w["staff"], w["leader"]
    staff.full_name = "李晓东"
    day = today()

    item = w["item"] = make_item(unit=office, owner=staff, leader=leader, campaign=campaign,
                                 goal="办件按时办结率达到 100%", remarks="原台账序号 7")
    event = ledger.report_progress(item, staff, item.version, "已梳理办件流程。")
    db.session.flush()
    w["evidence"] = evidence.store(evidence.CheckedFile("整改报告.pdf", "application/pdf", PDF), item, event, staff)
    db.session.add(w["evidence"])
    w["extension"] = ledger.request_extension(item, staff, item.version, "需协调信息中心。",
                                              item.due_on + timedelta(days=10), day)
    ledger.supervise(item, leader, item.version, "请抓紧整改。")

    w["first_review"] = _submitted(make_item(unit=office, owner=staff, leader=leader, campaign=campaign), staff)
    w["sign_off"] = _submitted(make_item(unit=office, owner=head, leader=leader, campaign=campaign), head)
    closed = w["closed"] = make_item(unit=office, owner=staff, leader=leader, campaign=campaign,
                                     rectify_type=RectifyType.IMMEDIATE)
    ledger.close_now(closed, leader, closed.version, "当场整改到位。")
    db.session.flush()
    ledger.record_handling(closed, w["inspector"], closed.version, Handling.CRITICISM, "王某", "全局通报批评。")

    dispatch = w["dispatch"] = dispatches.create_dispatch(
        w["inspector"], campaign, "关于窗口服务问题的通报", "部分窗口存在推诿现象。", "工作效率", day + timedelta(days=15),
        [office.id, w["other"].id], source_unit="县纪委监委", document_number="青纪通〔2026〕8号",
        document=evidence.check(FileStorage(io.BytesIO(PDF), filename="通报原件.pdf")))
    w["target"] = next(t for t in dispatch.targets if t.unit_id == office.id)
    answered = next(t for t in dispatch.targets if t.unit_id == w["other"].id)
    dispatches.zero_report(answered, w["other_head"], answered.version, True, "经逐人自查，未发现此类问题。")

    w["checklist"] = make_checklist(admin, campaign, instructions="对照五方面逐项自查。")
    inspection = w["inspection"] = checklists.start(w["checklist"], staff)
    answers = [AnswerInput(i.id, n == 0, "办件拖拉。" if n == 0 else "", "限时办结。" if n == 0 else "", None)
               for n, i in enumerate(checklists.template_items(w["checklist"]))]
    checklists.submit(inspection, staff, inspection.version, answers, day)
    db.session.flush()
    checklists.return_(inspection, head, inspection.version, "具体表现写得不够具体。")
    db.session.flush()
    checklists.submit(inspection, staff, inspection.version, answers, day)
    returned = checklists.start(w["checklist"], head)
    checklists.submit(returned, head, returned.version, answers, day)
    db.session.flush()
    checklists.return_(returned, leader, returned.version, "请补充本股室的问题。")

    w["letter"] = commitments.create_template(admin, campaign, title="作风建设承诺书", body=BODY, target_ranks=[],
                                              due_on=day + timedelta(days=7))
    commitments.publish(w["letter"], admin)
    w["signature"] = commitments.sign(w["letter"], staff, "李晓东", "127.0.0.1")

    now = datetime.now(UTC)
    exchange = w["exchange"] = study.schedule_session(
        admin, campaign, kind=SessionKind.EXCHANGE, title="作风建设交流发言", starts_at=now - timedelta(days=1),
        ends_at=now - timedelta(days=1) + timedelta(hours=2), place="局六楼会议室",
        signin_opens_at=now - timedelta(days=1, minutes=30), signin_closes_at=now - timedelta(days=1) + timedelta(hours=1),
        target_ranks=[], target_units=[], materials="《关于加强作风建设的意见》\n学习链接 https://example.org/a")
    w["speaker"] = study.add_speaker(exchange, admin, head, "以优良作风服务群众")
    w["file"] = study.attach_file(exchange, admin, evidence.CheckedFile("讲稿.pdf", "application/pdf", PDF))
    w["reading"] = study.create_reading(admin, campaign, kind="warning_case", title="案例一：吃拿卡要被查处",
                                        summary="案情与教训。", link="https://example.org/case", target_ranks=[],
                                        due_on=day + timedelta(days=5), sort_order=1)
    reflection = w["reflection"] = study.write_reflection(staff, campaign, exchange, "学习心得", REFLECTION, True)
    db.session.flush()
    study.review_reflection(reflection, head, reflection.version, False, "请结合本职工作再谈谈。")

    rule = w["rule"] = regulations.create(head, title="窗口服务首问负责制度", document_number="", owner_unit_id=office.id,
                                          action="new", summary="首问责任人负责解答、受理或引导办理。")
    db.session.flush()
    regulations.attach_document(rule, head, rule.version,
                                evidence.CheckedFile("首问负责制度.pdf", "application/pdf", PDF))
    db.session.flush()
    regulations.issue(rule, admin, rule.version, day, None, "青建发〔2026〕12号", day)
    regulations.link(rule, admin, closed)

    w["honour"] = commendations.create(admin, campaign, user_id=staff.id, unit_id=None, honour="作风建设先进个人",
                                       reason="服务群众热情周到。", awarded_on=day, issuer="局党组",
                                       recommendation="promotion")
    commendations.create(admin, campaign, user_id=None, unit_id=office.id, honour="作风建设先进集体",
                         reason="办件按时办结率100%。", awarded_on=day, issuer="局党组", recommendation="none")
    db.session.commit()
    return w


def _submitted(item, owner):
    ledger.report_progress(item, owner, item.version, "正在整改。")
    db.session.flush()
    ledger.submit(item, owner, item.version, "已整改完毕。")
    db.session.flush()
    return item


def post_endpoints() -> list[str]:
    """Every POST route's endpoint but logging out, from an app of its own (for parametrize)."""
    app = create_app("test", SQLALCHEMY_DATABASE_URI="sqlite://")
    return sorted(rule.endpoint for rule in app.url_map.iter_rules()
                  if "POST" in rule.methods and rule.endpoint != "auth.logout")


def get_urls(app, world) -> list[str]:
    """Every GET route of the app (but static files) built with the world's records."""
    adapter = app.url_map.bind("localhost")
    return [adapter.build(rule.endpoint, url_args(rule, world))
            for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule)
            if "GET" in rule.methods and rule.endpoint != "static"]


def overwrite_free_text(value_for) -> dict[int, tuple[str, str]]:
    """Overwrite every FREE_TEXT column of every row in the database with value_for(k, column),
    k numbering the values; returns the (table, column) each k stands for. Not committed."""
    planted = {}
    for name, columns in FREE_TEXT.items():
        table = db.metadata.tables[name]
        for row_id in db.session.scalars(select(table.c.id)).all():
            values = {}
            for column in columns:
                k = len(planted) + 1
                planted[k] = (name, column)
                values[column] = value_for(k, table.c[column])
            db.session.execute(update(table).where(table.c.id == row_id).values(**values))
    return planted
