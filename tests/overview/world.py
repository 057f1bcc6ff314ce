"""A bureau whose 工作概况 figures are counted by hand below (L = 班子成员, M = 中层干部, G = 一般干部).

Units and their active people (11 in all; `gone` is deactivated, 已撤销 is an inactive unit with an
active person — neither counts anywhere):
  测试局 (局):            leader L, inspector G
  办公室 (机关股室):       admin G, head M, staff G, staff2 G          (+ gone G, deactivated)
  财务股 (机关股室):       other_head M, other_staff G
  服务中心 (政务服务中心): center_head M, center_staff G
  二级站 (二级单位):       station_staff G                                 (no 中层干部)
  空股室 (机关股室):       nobody
  已撤销 (inactive):       orphan G

承诺书: L1 for everyone, L2 for 班子成员 and 中层干部, L3 a draft (not counted).
  L1 signed by leader, head, staff, other_head, center_head (and gone, orphan); L2 by leader, head.
  per unit (应签/已签): 测试局 3/2 66%  办公室 5/3 60%  财务股 3/1 33%  服务中心 3/1 33%  二级站 1/0 0%  空股室 —
  per rank: L 2/2 100%  M 6/4 66%  G 7/1 14%     in all 15/7 46%
  per kind: 机关股室 8/4 50%  政务服务中心 3/1 33%  二级单位 1/0 0%

自查清单: C1 for everyone (revised: v1 superseded, v2 published), C2 for 办公室 only, C3 a draft.
  C1: head 通过 (v2), staff 待审核 (on v1: still counts), staff2 草稿, other_staff 已退回, leader 通过,
      center_staff 待审核, gone 通过 (not counted);  C2: admin 通过, head 待审核
  per unit (应填/提交/通过): 测试局 2/1/1 50% 50%  办公室 8/4/2 50% 25%  财务股 2/1/0 50% 0%
                             服务中心 2/1/0 50% 0%  二级站 1/0/0 0% 0%
  per rank: L 1/1/1 100% 100%  M 4/2/1 50% 25%  G 10/4/1 40% 10%    in all 15/7/3 46% 20%

问题台账 (this campaign; by 责任单位 and the 责任人's rank; 逾期 = open past its date):
  办公室: A staff 已销号; B staff 整改中, overdue, 督办; C head 待整改 (due in 10 days);
          D staff discipline case, overdue (counted: its problem is the unit's to rectify);
          an item of an older campaign (left out)
  财务股: E other_staff 待销号, overdue; F other_staff 已销号 (its date passed: not overdue)
  二级站: G station_staff 待整改, 督办, due tomorrow
  per unit (数/销号/逾期/督办): 办公室 4/1/2/1 25%  财务股 2/1/1/0 50%  二级站 1/0/0/1 0%
  per rank: M 1/0 0%  G 6/2/3/2 33%  L —     in all 7/2/3/2 28%

学习: S1 (every unit, begun, sign-in closed): 出席 leader, head, staff, other_head, center_staff;
  请假 staff2; 缺席 inspector; the rest unrecorded. S2 (next week) is not counted yet.
  per unit: 测试局 1/2 50%  办公室 2/4 50%  财务股 1/2 50%  服务中心 1/2 50%  二级站 0/1 0%   in all 5/11 45%
  per rank: L 1/1 100%  M 2/3 66%  G 2/7 28%
书录: R1 for every rank, read by admin, staff, other_staff, station_staff (and gone).
  per unit: 测试局 0/2 0%  办公室 2/4 50%  财务股 1/2 50%  服务中心 0/2 0%  二级站 1/1 100%   in all 4/11 36%
心得: staff 合格; head 合格 twice (counts once); staff2 待审阅 and other_staff 退回修改 (not 合格);
  gone 合格 (not counted); center_head 合格 in an older campaign (not counted).
  per unit: 办公室 2/4 50%, every other unit 0%   in all 2/11 18%
"""
from datetime import UTC, datetime, timedelta

from app.checklists import services as checklists
from app.checklists.models import InspectionState
from app.commitments import services as letters
from app.extensions import db
from app.ledger.models import State
from app.org.models import Rank, Role, UnitKind
from app.study.models import AttendanceStatus, Reflection, ReflectionState
from tests.checklists.factories import make_checklist
from tests.commitments.conftest import publish_letter
from tests.factories import make_bureau, make_campaign, make_item, make_unit, make_user, today
from tests.study.conftest import attend, make_reading, make_session


def _sign(template, person):
    letters.sign(template, person, person.full_name, "10.0.0.8")


def _inspection(template, person, state):
    inspection = checklists.start(template, person)
    inspection.state = state
    return inspection


def _reflection(campaign, person, state):
    db.session.add(Reflection(campaign_id=campaign.id, user_id=person.id, unit_id=person.unit_id, title="学习心得",
                              body="心得正文。" * 40, state=state))


def _item(unit, owner, state=State.PENDING, due_in=20, **fields):
    item = make_item(unit=unit, owner=owner, due_on=today() + timedelta(days=due_in), **fields)
    item.state = state
    return item


def build_counted_world() -> dict:
    """The bureau of this module's docstring; returns its units, people, campaign and items by name."""
    w = make_bureau()
    bureau, office, other = w["bureau"], w["office"], w["other"]
    w["staff2"] = make_user(Role.STAFF, office, "staff2")
    w["gone"] = make_user(Role.STAFF, office, "gone")
    center = w["center"] = make_unit("服务中心", kind=UnitKind.SERVICE_CENTER, parent=bureau)
    w["center_head"] = make_user(Role.UNIT_HEAD, center, "center_head")
    w["center_staff"] = make_user(Role.STAFF, center, "center_staff")
    station = w["station"] = make_unit("二级站", kind=UnitKind.SUBORDINATE, parent=bureau)
    w["station_staff"] = make_user(Role.STAFF, station, "station_staff")
    w["empty"] = make_unit("空股室", parent=bureau)
    closed_unit = w["closed_unit"] = make_unit("已撤销", parent=bureau)
    w["orphan"] = make_user(Role.STAFF, closed_unit, "orphan")
    w["inspector"].rank = Rank.GENERAL
    old = make_campaign("2025年作风建设专项行动", current=False, start=today() - timedelta(days=400))
    campaign = w["campaign"] = make_campaign()
    db.session.flush()
    admin = w["admin"]

    l1 = publish_letter(admin, campaign, title="作风建设承诺书")
    l2 = publish_letter(admin, campaign, title="领导干部廉洁承诺书", target_ranks=(Rank.LEADERSHIP, Rank.MIDDLE))
    letters.create_template(admin, campaign, title="草稿承诺书", body="本人{姓名}承诺。", target_ranks=[], due_on=None)
    for name in ("leader", "head", "staff", "other_head", "center_head", "gone", "orphan"):
        _sign(l1, w[name])
    for name in ("leader", "head"):
        _sign(l2, w[name])

    c1_v1 = make_checklist(admin, campaign, title="个人自查清单")
    staff_on_v1 = _inspection(c1_v1, w["staff"], InspectionState.SUBMITTED)
    c1 = checklists.revise(c1_v1, admin)
    checklists.publish(c1, admin)
    assert staff_on_v1.template_id == c1_v1.id
    c2 = make_checklist(admin, campaign, title="办公室岗位自查清单", unit_ids=[office.id])
    make_checklist(admin, campaign, title="草稿清单", publish=False)
    for name, state in (("head", InspectionState.PASSED), ("staff2", InspectionState.DRAFT),
                        ("other_staff", InspectionState.RETURNED), ("leader", InspectionState.PASSED),
                        ("center_staff", InspectionState.SUBMITTED), ("gone", InspectionState.PASSED)):
        _inspection(c1, w[name], state)
    _inspection(c2, w["admin"], InspectionState.PASSED)
    _inspection(c2, w["head"], InspectionState.SUBMITTED)

    w["item_a"] = _item(office, w["staff"], State.CLOSED)
    w["item_b"] = _item(office, w["staff"], State.IN_PROGRESS, due_in=-1, supervised=True)
    w["item_c"] = _item(office, w["head"], due_in=10)
    w["item_d"] = _item(office, w["staff"], due_in=-3, is_discipline=True)
    _item(office, w["staff"], due_in=-30, campaign=old)
    w["item_e"] = _item(other, w["other_staff"], State.SIGN_OFF, due_in=-1)
    w["item_f"] = _item(other, w["other_staff"], State.CLOSED, due_in=-1)
    w["item_g"] = _item(station, w["station_staff"], due_in=1, supervised=True)

    now = datetime.now(UTC)
    s1 = make_session(campaign, admin, title="全局集中学习")
    for name, status in (("leader", AttendanceStatus.PRESENT), ("head", AttendanceStatus.PRESENT),
                         ("staff", AttendanceStatus.PRESENT), ("other_head", AttendanceStatus.PRESENT),
                         ("center_staff", AttendanceStatus.PRESENT), ("staff2", AttendanceStatus.LEAVE),
                         ("inspector", AttendanceStatus.ABSENT)):
        attend(s1, w[name], status, reason="外出办案" if status == AttendanceStatus.LEAVE else "")
    make_session(campaign, admin, title="下周专题学习", starts_at=now + timedelta(days=7))
    r1 = make_reading(campaign, admin, title="警示案例")
    from app.study.models import ReadingAck

    for name in ("admin", "staff", "other_staff", "station_staff", "gone"):
        db.session.add(ReadingAck(reading_id=r1.id, user_id=w[name].id))

    _reflection(campaign, w["staff"], ReflectionState.PASSED)
    _reflection(campaign, w["head"], ReflectionState.PASSED)
    _reflection(campaign, w["head"], ReflectionState.PASSED)
    _reflection(campaign, w["staff2"], ReflectionState.SUBMITTED)
    _reflection(campaign, w["other_staff"], ReflectionState.RETURNED)
    _reflection(campaign, w["gone"], ReflectionState.PASSED)
    _reflection(old, w["center_head"], ReflectionState.PASSED)

    w["gone"].active = False
    closed_unit.active = False
    w["leader"].portfolio_units = [office, other]
    db.session.commit()
    return w
