"""A ledger with a history, for the 情况报告 tests: every item's story dated around one period.

The period runs from 20 to 10 days ago. Each item is filed and moved through the services (so it
has its timeline), then its events are dated: `at(n)` is noon, n days ago, in Asia/Shanghai.

    code  unit     source  category  filed  story (days ago)                         at the end (10 days ago)
    A     办公室   自查发现  工作效率   30     反馈 25, 反馈 12; due 15                  整改中, 逾期, 反馈 in period
    B     办公室   上级通报  纪律意识   18     反馈 16, 提交 15, 初审 14, 销号 12          已销号 in period (new)
    C     办公室   群众反映  服务群众   15     反馈 14, 提交 13, 初审 11, 销号 5; due 12   待销号, 逾期 (new)
    D     办公室   自查发现  廉洁自律   40     立行立改销号 25                            已销号 before the period
    E     办公室   督查检查  工作效率   35     反馈 34, 提交 33, 初审 32, 销号 19; due 30  已销号 in period, 逾期 (late)
    F     办公室   自查发现  思想认识   28     立行立改销号 22, 重新打开 17                整改中 (reopened)
    G     办公室   媒体曝光  其他       12     — (长期坚持)                              待整改 (new)
    H     办公室   自查发现  工作效率    5     —                                          filed after the end
    I     财务股   自查发现  工作效率   15     — (责任领导: leader)                        待整改 (new), another unit
    J     办公室   媒体曝光  廉洁自律   14     discipline case (责任领导: leader)          待整改 (new)
    K     办公室   (an earlier campaign, filed 15 days ago)

Hand-counted for 办公室's head (A–G and J, a discipline case counted as every figure counts it; I
another unit, H too late, K elsewhere): 累计 8, 已销号 3 (B, D, E), 销号率 37%; 新增 B C G J;
推进落实 A C F G J (逾期 A C; 本期反馈 A C); 已办结销号 B E (逾期 E).
"""
from datetime import datetime, time, timedelta

from app.extensions import db
from app.ledger import services
from app.ledger.models import Handling, RectifyType, Source
from app.templating import local_zone, today
from tests.factories import make_bureau, make_campaign, make_item

START_DAYS_AGO, END_DAYS_AGO = 20, 10


def at(days_ago: int) -> datetime:
    return datetime.combine(today() - timedelta(days=days_ago), time(12), local_zone())


def period_args() -> dict:
    return {"start": f"{today() - timedelta(days=START_DAYS_AGO):%Y-%m-%d}",
            "end": f"{today() - timedelta(days=END_DAYS_AGO):%Y-%m-%d}"}


def _dated(item, days_ago: int) -> None:
    """Date the event the service just appended."""
    db.session.flush()
    item.events[-1].occurred_at = at(days_ago)


def build_world() -> dict:
    people = make_bureau()
    campaign = make_campaign()
    office, other = people["office"], people["other"]
    staff, head, leader, inspector = people["staff"], people["head"], people["leader"], people["inspector"]
    earlier = make_campaign("2025年作风建设专项行动", current=False, start=today() - timedelta(days=400))

    def item(code, source, category, filed, unit=office, due=None, rectify=RectifyType.DEADLINE,
             in_campaign=campaign, description=None):
        made = make_item(
            unit=unit, owner=staff if unit is office else people["other_staff"], leader=leader,
            campaign=in_campaign, source=source, category=category, rectify_type=rectify,
            due_on=today() - timedelta(days=due) if due is not None else None,
            description=description or f"问题{code}：窗口办件超时。",
        )
        made.created_at = at(filed)
        _dated(made, filed)
        return made

    def progress(it, days_ago, text):
        services.report_progress(it, staff, it.version, text)
        _dated(it, days_ago)

    def close_through_review(it, submitted, reviewed, signed, completion):
        services.submit(it, staff, it.version, completion)
        _dated(it, submitted)
        services.pass_first_review(it, head, it.version)
        _dated(it, reviewed)
        services.sign_off(it, leader, it.version)
        _dated(it, signed)

    items = {}
    items["A"] = a = item("A", Source.SELF_INSPECTION, "工作效率", 30, due=15)
    progress(a, 25, "早期反馈：已梳理流程。")
    progress(a, 12, "本期反馈：限时办结制度已试行。")

    items["B"] = b = item("B", Source.SUPERIOR, "纪律意识", 18, due=-10)
    progress(b, 16, "B 已开始整改。")
    close_through_review(b, 15, 14, 12, "B 整改完成：考勤制度已落实。")

    items["C"] = c = item("C", Source.PUBLIC, "服务群众", 15, due=12)
    progress(c, 14, "C 本期反馈：窗口增加引导员。")
    close_through_review(c, 13, 11, 5, "C 整改完成。")

    items["D"] = d = item("D", Source.SELF_INSPECTION, "廉洁自律", 40, rectify=RectifyType.IMMEDIATE)
    services.close_now(d, leader, d.version, "D 当场整改。")
    _dated(d, 25)

    items["E"] = e = item("E", Source.INSPECTION, "工作效率", 35, due=30)
    progress(e, 34, "E 已开始整改。")
    close_through_review(e, 33, 32, 19, "E 整改完成：超期办结。")

    items["F"] = f = item("F", Source.SELF_INSPECTION, "思想认识", 28, rectify=RectifyType.IMMEDIATE)
    services.close_now(f, leader, f.version, "F 当场整改。")
    _dated(f, 22)
    services.reopen(f, leader, f.version, "问题反弹。")
    _dated(f, 17)

    items["G"] = item("G", Source.MEDIA, "其他", 12, rectify=RectifyType.LONG_TERM)
    items["H"] = item("H", Source.SELF_INSPECTION, "工作效率", 5, due=-20)
    items["I"] = item("I", Source.SELF_INSPECTION, "工作效率", 15, unit=other, due=-20)
    items["J"] = j = item("J", Source.MEDIA, "廉洁自律", 14, due=-20, description="问题J：违规收受礼品。")
    services.record_handling(j, inspector, j.version, Handling.CRITICISM, "某某", "")
    items["K"] = item("K", Source.SELF_INSPECTION, "工作效率", 15, in_campaign=earlier, due=-20)
    db.session.commit()
    return {**people, "campaign": campaign, "items": items}
