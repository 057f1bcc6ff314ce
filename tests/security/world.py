"""A small bureau with one of every record in two units, each unit's records carrying canary markers.

Units: 办公室 (unit A, "ours") and 财务股 (unit B, "theirs"), under 测试局. The requesters of the
authorisation matrix, named by the column they fill:

    owner   staff of A: owns A's ledger item, 自查表, 心得, signed letter, commendation
    mate    another staff of A
    other   staff of B: owns B's records as `owner` owns A's
    head    unit head of A          ohead   unit head of B
    lead    leader with A in the portfolio (responsible leader of A's items)
    olead   leader with B in the portfolio (not A)
    insp    inspector (督查/纪检)      admin   专项办
    gone    staff of A, to be logged in and then deactivated (see deactivate())
    anon    nobody logged in

Everything is made through the services (so every record has its timeline and audit rows), with
real files on disk for evidence, material files and documents. A marker is a unique string placed
in one record; MARKERS says who may read it. Nothing here is ever a draft on an old checklist
version: opening such a draft moves it (a GET that writes, on purpose; see README 自查清单).
"""
import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from werkzeug.datastructures import FileStorage

from app.checklists import services as checklists
from app.checklists.services import AnswerInput
from app.commendations import services as commendations
from app.commitments import services as letters
from app.extensions import db
from app.ledger import dispatches, evidence
from app.ledger import services as ledger
from app.ledger.models import Handling, RectifyType, Source
from app.org.models import Rank, Role, UnitKind
from app.regulations import services as regulations
from app.study import services as study
from app.study.models import AttendanceStatus, ReadingKind, SessionKind
from app.templating import today as local_today
from tests.checklists.factories import items_of, make_checklist
from tests.factories import make_campaign, make_unit, make_user

REQUESTERS = ("anon", "gone", "owner", "mate", "other", "head", "ohead", "lead", "olead", "insp", "admin")
LOGGED_IN = REQUESTERS[2:]
# Who is who for each unit's records: B's records are seen from B as A's are from A.
ROLES_IN = {
    "A": {"owner": "owner", "members": ("owner", "mate", "head"), "head": "head", "lead": "lead"},
    "B": {"owner": "other", "members": ("other", "ohead"), "head": "ohead", "lead": "olead"},
}
SEE_ALL = ("insp", "admin")
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
LETTER_BODY = "本人{姓名}，系{单位}{职务}。本人郑重承诺：严守纪律规矩，拒绝吃拿卡要。本承诺书自{日期}起生效。"


@dataclass(frozen=True)
class Marker:
    """A canary: `text` stands in one record of `unit`; only `readers` may ever be shown it."""

    text: str
    unit: str
    readers: frozenset[str]


def readers(unit: str, scope: str) -> frozenset[str]:
    """The requesters who may read a record of `unit` with this kind of visibility:

    unit      the unit's records (ledger, drafts of rules, sessions, 上级通报 answers): its people,
              its leader, 督查, 专项办
    personal  one person's record (心得, 自查表, attendance): the person, the unit head, the
              leader of the unit, 督查, 专项办
    honour    a person's commendation: the person, the unit head, every leader, 督查, 专项办
    collective  a unit's commendation: its people, every leader, 督查, 专项办
    discipline  the 查处 record of a discipline case (who, how, notes): the responsible leader, 督查,
                专项办 — the problem itself is the unit's, like any ledger item
    """
    who = ROLES_IN[unit]
    sets = {
        "unit": (*who["members"], who["lead"], *SEE_ALL),
        "personal": (who["owner"], who["head"], who["lead"], *SEE_ALL),
        "honour": (who["owner"], who["head"], "lead", "olead", *SEE_ALL),
        "collective": (*who["members"], "lead", "olead", *SEE_ALL),
        "discipline": (who["lead"], *SEE_ALL),
    }
    return frozenset(sets[scope])


def _pdf(name: str) -> evidence.CheckedFile:
    return evidence.check(FileStorage(io.BytesIO(PDF), filename=name))


def build() -> dict:
    """The bureau, its records and their markers; returns every object by name (see module doc)."""
    today = local_today()
    now = datetime.now(UTC)
    bureau = make_unit("测试局", kind=UnitKind.BUREAU)
    units = {"A": make_unit("办公室", parent=bureau, sort_order=10),
             "B": make_unit("财务股", parent=bureau, sort_order=20)}
    w = {"bureau": bureau, "unit": units["A"], "unit_b": units["B"]}
    people = {
        "admin": make_user(Role.ADMIN, bureau, "admin", full_name="专项办联络员"),
        "insp": make_user(Role.INSPECTOR, bureau, "insp", rank=Rank.MIDDLE, full_name="纪检组干部"),
        "lead": make_user(Role.LEADER, bureau, "lead", full_name="分管副局长"),
        "olead": make_user(Role.LEADER, bureau, "olead", full_name="另一副局长"),
        "head": make_user(Role.UNIT_HEAD, units["A"], "head", full_name="办公室主任"),
        "owner": make_user(Role.STAFF, units["A"], "owner", full_name="李晓东"),
        "mate": make_user(Role.STAFF, units["A"], "mate", full_name="王芳"),
        "gone": make_user(Role.STAFF, units["A"], "gone", full_name="已停用人员"),
        "ohead": make_user(Role.UNIT_HEAD, units["B"], "ohead", full_name="财务股股长"),
        "other": make_user(Role.STAFF, units["B"], "other", full_name="赵敏"),
    }
    people["lead"].portfolio_units = [units["A"]]
    people["olead"].portfolio_units = [units["B"]]
    w.update(people)
    admin, insp = people["admin"], people["insp"]
    campaign = w["campaign"] = make_campaign()
    markers: list[Marker] = []

    def mark(unit: str, what: str, scope: str) -> str:
        text = f"canary-{unit}-{what}"
        markers.append(Marker(text, unit, readers(unit, scope)))
        return text

    checklist = w["checklist"] = make_checklist(admin, campaign)
    letter = w["letter"] = letters.create_template(admin, campaign, title="作风建设承诺书", body=LETTER_BODY,
                                                   target_ranks=[], due_on=today + timedelta(days=10))
    letters.publish(letter, admin)
    reading = w["reading"] = study.create_reading(
        admin, campaign, kind=ReadingKind.WARNING_CASE, title="案例一：窗口人员吃拿卡要被查处", summary="案情与教训。",
        link="", target_ranks=[], due_on=None, sort_order=1)
    # A bureau-wide session two days ago: every unit attends, each unit's staff asked leave.
    everyone = w["bureau_session"] = study.schedule_session(
        admin, campaign, kind=SessionKind.CENTRAL, title="全局集中学习", starts_at=now - timedelta(days=2),
        ends_at=now - timedelta(days=2) + timedelta(hours=2), place="局六楼会议室",
        signin_opens_at=now - timedelta(days=2, minutes=30), signin_closes_at=now - timedelta(days=2) + timedelta(
            minutes=30), target_ranks=[], target_units=[], materials="《中国共产党纪律处分条例》")
    shared = w["dispatch"] = dispatches.create_dispatch(
        insp, campaign, "关于窗口服务问题的通报", "部分窗口存在推诿扯皮现象。", "工作效率", today + timedelta(days=7),
        [units["A"].id, units["B"].id], source_unit="县纪委监委", document_number="青纪通〔2026〕8号",
        document=_pdf("通报原件.pdf"))
    db.session.flush()

    for key, unit in units.items():
        who = ROLES_IN[key]
        owner, head, lead = people[who["owner"]], people[who["head"]], people[who["lead"]]
        suffix = "" if key == "A" else "_b"
        # The ledger: an item in progress with evidence and a pending extension; a discipline case.
        item = ledger.create_item(head, campaign, unit_id=unit.id, owner_id=owner.id, leader_id=lead.id,
                                  source=Source.SELF_INSPECTION, category="工作效率",
                                  description=mark(key, "item-description", "unit") + " 窗口办件超时，群众多次往返。",
                                  rectify_type=RectifyType.DEADLINE, measures="实行首问负责和限时办结。",
                                  due_on=today + timedelta(days=20))
        event = ledger.report_progress(item, owner, item.version, mark(key, "item-progress", "unit") + " 已梳理流程。")
        db.session.flush()
        proof = evidence.store(_pdf(mark(key, "evidence-file", "unit") + ".pdf"), item, event, owner)
        db.session.add(proof)
        db.session.flush()
        extension = ledger.request_extension(item, owner, item.version, mark(key, "extension-reason", "unit"),
                                             item.due_on + timedelta(days=10), today)
        case = ledger.create_item(insp, campaign, unit_id=unit.id, owner_id=owner.id, leader_id=lead.id,
                                  source=Source.INSPECTION, category="廉洁自律",
                                  description=mark(key, "discipline-description", "unit") + " 违规收受礼品。",
                                  rectify_type=RectifyType.DEADLINE, measures="退还礼品，作出检查。",
                                  due_on=today + timedelta(days=30))
        ledger.record_handling(case, insp, case.version, Handling.CRITICISM,
                               mark(key, "discipline-person", "discipline"), mark(key, "discipline-note", "discipline"))
        db.session.flush()
        markers.append(Marker(item.code, key, readers(key, "unit")))
        markers.append(Marker(case.code, key, readers(key, "unit")))
        # 上级通报: a dispatch to this unit alone; on the shared one A signs a 零报告, B answers with an item.
        own_dispatch = dispatches.create_dispatch(insp, campaign, mark(key, "dispatch-title", "unit"), "问题。",
                                                  "工作效率", today + timedelta(days=7), [unit.id])
        target = next(t for t in shared.targets if t.unit_id == unit.id)
        if key == "A":
            dispatches.zero_report(target, head, target.version, True, mark(key, "zero-report-note", "unit"))
        else:
            dispatches.answer_with_item(target, head, target.version, owner_id=owner.id, leader_id=lead.id,
                                        category="工作效率", description=mark(key, "dispatch-answer", "unit"),
                                        rectify_type=RectifyType.IMMEDIATE, measures="当即整改。", due_on=None)
        # 自查表: handed in, waiting for the unit head (passing would file its problem in the ledger).
        inspection = checklists.start(checklist, owner)
        answers = [AnswerInput(i.id, False) for i in items_of(checklist)]
        answers[0] = AnswerInput(answers[0].item_id, True, mark(key, "checklist-answer", "personal"), "按时办结。",
                                 today + timedelta(days=15))
        checklists.submit(inspection, owner, inspection.version, answers, today)
        signature = letters.sign(letter, owner, owner.full_name, "10.0.0.8")
        # Study: the unit's own 交流发言, begun ten minutes ago and signing in now (so a 心得 may be
        # written on it), with a material file and a speaker; leave asked for the bureau-wide
        # session; a reflection waiting for review.
        session = study.schedule_session(
            head, campaign, kind=SessionKind.EXCHANGE, title=mark(key, "session-title", "unit"),
            starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2), place="三楼会议室",
            signin_opens_at=now - timedelta(minutes=20), signin_closes_at=now + timedelta(minutes=40),
            target_ranks=[], target_units=[unit], materials=mark(key, "session-materials", "unit"))
        material = study.attach_file(session, head, _pdf(mark(key, "material-file", "unit") + ".pdf"))
        speaker = study.add_speaker(session, head, owner, mark(key, "speaker-topic", "unit"))
        study.record_attendance(everyone, admin, {owner.id: (AttendanceStatus.LEAVE,
                                                             mark(key, "leave-reason", "personal"))})
        reflection = study.write_reflection(owner, campaign, None, mark(key, "reflection-title", "personal"),
                                            "以学促思、以学提能、以学促行。" * 20, submit=True)
        study.acknowledge(reading, owner)
        # 制度建设: a draft of the unit's (with its document), and an issued rule (read by everyone).
        draft = regulations.create(head, title=mark(key, "draft-rule", "unit"), document_number="",
                                   owner_unit_id=unit.id, action="new", summary="起草中。")
        regulations.attach_document(draft, head, draft.version, _pdf(mark(key, "draft-document", "unit") + ".pdf"))
        issued = regulations.create(head, title=f"{unit.name}首问负责制度", document_number="", owner_unit_id=unit.id,
                                    action="new", summary="首问责任人负责解答、受理或引导办理。")
        regulations.issue(issued, head, issued.version, today - timedelta(days=3), None, f"{unit.name}〔2026〕1号",
                          today)
        regulations.attach_document(issued, head, issued.version, _pdf(f"{unit.name}首问负责制度.pdf"))
        # 表彰: the owner (推荐提拔使用) and the unit (先进集体).
        honour = commendations.create(admin, campaign, user_id=owner.id, unit_id=None, honour="作风建设先进个人",
                                      reason=mark(key, "honour-person", "honour"), awarded_on=today,
                                      issuer="局党组", recommendation="promotion")
        collective = commendations.create(admin, campaign, user_id=None, unit_id=unit.id, honour="作风建设先进集体",
                                          reason=mark(key, "honour-unit", "collective"), awarded_on=today,
                                          issuer="局党组", recommendation="none")
        db.session.flush()
        w.update({
            f"item{suffix}": item, f"evidence{suffix}": proof, f"extension{suffix}": extension,
            f"discipline{suffix}": case, f"own_dispatch{suffix}": own_dispatch, f"target{suffix}": target,
            f"inspection{suffix}": inspection, f"signature{suffix}": signature, f"session{suffix}": session,
            f"file{suffix}": material, f"speaker{suffix}": speaker, f"reflection{suffix}": reflection,
            f"draft{suffix}": draft, f"rule{suffix}": issued, f"honour{suffix}": honour,
            f"collective{suffix}": collective,
        })
    # 专项办 links each unit's item to A's issued rule: its page lists only the items the reader may see.
    for item in (w["item"], w["item_b"]):
        regulations.link(w["rule"], admin, item)
    db.session.commit()
    w["markers"] = markers
    return w


def deactivate(person) -> None:
    """专项办 switches the account off while its owner is still logged in somewhere."""
    person.active = False
    db.session.commit()
