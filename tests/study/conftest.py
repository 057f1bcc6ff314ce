"""A small bureau with study records whose figures are counted by hand below.

People (9 active; rank G = 一般干部, M = 中层干部, L = 班子成员):
  办公室: admin (G), head (M), staff (G), staff2 (G), staff3 (G)    — and `gone`, deactivated
  财务股: other_head (M), other_staff (G)
  测试局: leader (L), inspector (G)

Sessions (the first three have begun; 出=出席 假=请假 缺=缺席 ·=未登记):
  all_units   全局集中学习, every unit, every rank:  admin 出, head 出, staff 出 (signed in),
              staff2 假, staff3 缺, other_head 出, other_staff ·, leader 出, inspector 假
              → 应到 9, 出席 5, 请假 2, 缺席 1, 未登记 1, 出勤率 55%
  office      办公室分组讨论, 办公室 only:  admin 出, head 出, staff 缺, staff2 出, staff3 假
              → 应到 5, 出席 3, 请假 1, 缺席 1, 出勤率 60%
  exchange    交流发言, 班子成员 and 中层干部:  leader 出, head 出, other_head 缺  → 3, 2, 0, 1, 66%
  upcoming    next week, 办公室: not counted in the unit and rank figures
Per unit:  办公室 11/7/2/2/0 → 63%   财务股 3/1/0/1/1 → 33%   测试局 3/2/1/0/0 → 66%
Per rank:  班子成员 2/2 → 100%   中层干部 5/4/0/1 → 80%   一般干部 10/4/3/2/1 → 40%
In all:    17/10/3/3/1 → 58%

Readings: r_all (every rank), r_middle (班子成员 and 中层干部), r_third (every rank).
  r_all read by admin, head, staff, other_head, leader (and `gone`, who no longer counts) → 5/9 = 55%
  r_middle read by head, leader → 2/3 = 66%;  r_third read by staff → 1/9 = 11%
Per unit:  办公室 11 应阅, 5 已阅 → 45%   财务股 5, 1 → 20%   测试局 5, 2 → 40%
Per rank:  班子成员 3, 2 → 66%   中层干部 6, 3 → 50%   一般干部 12, 3 → 25%    In all: 21, 8 → 38%
"""
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.org.models import Role
from app.study.models import Attendance, Reading, ReadingAck, ReadingKind, SessionKind, StudySession
from tests.factories import make_bureau, make_campaign, make_user


def make_session(campaign, organiser, *, kind=SessionKind.CENTRAL, title="集中学习", starts_at=None, hours=2,
                 units=(), ranks="", window=None, **fields) -> StudySession:
    """A session starting at `starts_at` (default: two days ago); the sign-in window is `window`
    = (opens, closes), by default half an hour either side of the start."""
    starts_at = starts_at or datetime.now(UTC) - timedelta(days=2)
    opens, closes = window or (starts_at - timedelta(minutes=30), starts_at + timedelta(minutes=30))
    session = StudySession(
        campaign_id=campaign.id, kind=kind, title=title, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours),
        place="局六楼会议室", signin_opens_at=opens, signin_closes_at=closes, target_ranks=ranks,
        target_units=list(units), organiser_id=organiser.id, organiser_unit_id=organiser.unit_id, **fields,
    )
    db.session.add(session)
    db.session.flush()
    return session


def attend(session, person, status, reason="", signed_in=False):
    record = Attendance(session_id=session.id, user_id=person.id, status=status, reason=reason,
                        signed_in_at=session.signin_opens_at + timedelta(minutes=5) if signed_in else None,
                        recorded_by_id=person.id if signed_in else session.organiser_id)
    db.session.add(record)
    return record


def make_reading(campaign, author, title="案例一", ranks="", kind=ReadingKind.WARNING_CASE, **fields) -> Reading:
    reading = Reading(campaign_id=campaign.id, kind=kind, title=title, summary="案情与教训。", target_ranks=ranks,
                      created_by_id=author.id, **fields)
    db.session.add(reading)
    db.session.flush()
    return reading


@pytest.fixture
def bureau(app):
    """make_bureau() plus two more of 办公室's staff, a deactivated one, and the current campaign."""
    people = make_bureau()
    office = people["office"]
    people["staff2"] = make_user(Role.STAFF, office, "staff2")
    people["staff3"] = make_user(Role.STAFF, office, "staff3")
    people["gone"] = make_user(Role.STAFF, office, "gone", active=False)
    people["campaign"] = make_campaign()
    db.session.commit()
    return people


@pytest.fixture
def world(bureau):
    """The bureau with the sessions and readings counted in this module's docstring."""
    w = dict(bureau)
    campaign, admin, head = w["campaign"], w["admin"], w["head"]
    now = datetime.now(UTC)
    w["all_units"] = s = make_session(campaign, admin, title="全局集中学习", starts_at=now - timedelta(days=20))
    for name, status in [("admin", "present"), ("head", "present"), ("staff2", "leave"), ("staff3", "absent"),
                         ("other_head", "present"), ("leader", "present"), ("inspector", "leave")]:
        attend(s, w[name], status, reason="出差" if status == "leave" else "")
    attend(s, w["staff"], "present", signed_in=True)
    w["office_session"] = s = make_session(campaign, head, kind=SessionKind.GROUP, title="办公室分组讨论",
                                           starts_at=now - timedelta(days=10), units=[w["office"]])
    for name, status in [("admin", "present"), ("head", "present"), ("staff", "absent"), ("staff2", "present"),
                         ("staff3", "leave")]:
        attend(s, w[name], status, reason="病假" if status == "leave" else "")
    w["exchange"] = s = make_session(campaign, admin, kind=SessionKind.EXCHANGE, title="中层干部交流发言",
                                     starts_at=now - timedelta(days=5), ranks="leadership,middle")
    for name, status in [("leader", "present"), ("head", "present"), ("other_head", "absent")]:
        attend(s, w[name], status)
    w["upcoming"] = s = make_session(campaign, head, title="制度建设专题学习", starts_at=now + timedelta(days=3),
                                     units=[w["office"]])
    attend(s, w["staff3"], "leave", reason="休假")

    w["r_all"] = r = make_reading(campaign, admin, "案例一：某局窗口人员吃拿卡要被查处", sort_order=1)
    for name in ("admin", "head", "staff", "other_head", "leader", "gone"):
        db.session.add(ReadingAck(reading_id=r.id, user_id=w[name].id))
    w["r_middle"] = r = make_reading(campaign, admin, "案例二：中层干部不担当不作为被问责", ranks="leadership,middle",
                                     sort_order=2)
    for name in ("head", "leader"):
        db.session.add(ReadingAck(reading_id=r.id, user_id=w[name].id))
    w["r_third"] = r = make_reading(campaign, admin, "习近平关于作风建设论述摘编", kind=ReadingKind.MATERIAL, sort_order=3)
    db.session.add(ReadingAck(reading_id=r.id, user_id=w["staff"].id))
    db.session.commit()
    return w


def htmx(headers=None):
    return {"HX-Request": "true", **(headers or {})}

