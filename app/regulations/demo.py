"""The demo bureau's register of rules (制度建设): fourteen rules across its units, registered,
issued, reviewed and abolished through the real services by the unit heads who keep them.

Four older rules are past their review date (需复审); the rules made in the campaign, issued or in
hand, are linked to the ledger items they answer (closed ones first, found by words of their 问题描述). Deterministic:
fixed rules, dates relative to today, items chosen by description and 序号.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, or_, select

from app.extensions import db
from app.ledger.models import LedgerItem, State
from app.org.models import Role, Unit, User
from app.regulations import services
from app.regulations.models import RuleAction, RuleStatus
from app.templating import today

NEW, REVISE, ABOLISH = RuleAction.NEW, RuleAction.REVISE, RuleAction.ABOLISH
DRAFTING, ISSUED, ABOLISHED = RuleStatus.DRAFTING, RuleStatus.ISSUED, RuleStatus.ABOLISHED


@dataclass(frozen=True)
class Rule:
    unit: str
    title: str
    action: RuleAction
    status: RuleStatus
    summary: str
    issued_days_ago: int | None = None  # None: not issued
    review_in_days: int | None = None  # next review date from today (negative: overdue); None: a year after issue
    keywords: tuple[str, ...] = ()  # words of the 问题描述 of the ledger items it answers
    any_unit: bool = False  # a bureau-wide rule: items of every unit
    links: int = 2
    abolish_reason: str = ""


RULES = [
    # Older rules, past their review date: 动态调整 asks for them to be looked at again.
    Rule("办公室", "公务用车管理办法", NEW, ISSUED,
         "公务用车实行集中管理、统一调度；派车须经审批并当场填写派车单；车辆停放、维修、加油统一登记。",
         issued_days_ago=760, review_in_days=-30),
    Rule("人事股", "机关考勤管理办法", NEW, ISSUED,
         "工作日实行上下班签到；股室负责人每日核对本股室出勤；考勤结果每月汇总通报，与绩效考核挂钩。",
         issued_days_ago=500, review_in_days=-135),
    Rule("财务股", "财务报销审核规程", NEW, ISSUED,
         "明确各类费用报销所需票据和审批程序；统一审核标准；报销资料不全的一次性告知。",
         issued_days_ago=420, review_in_days=-55),
    Rule("城市建设档案馆", "档案借阅管理制度", NEW, ISSUED,
         "档案借阅实行审批登记；借阅期限一般不超过15日；逾期未还的逐件催还；库房实行双人管理。",
         issued_days_ago=390, review_in_days=-25),
    # Made in the campaign's 制度建设: each answers problems of the ledger.
    Rule("政务服务中心住建窗口", "窗口服务首问负责制度", NEW, ISSUED,
         "第一位接待群众的工作人员为首问责任人，负责解答、受理或引导办理；非本窗口事项引导至对应窗口并跟踪办理结果；"
         "实行一次性告知，不得以“不归我们管”推诿。",
         issued_days_ago=12, keywords=("首问", "一次性告知"), links=3),
    Rule("办公室", "公文处理限时办结制度", NEW, ISSUED,
         "收文当日登记、次日拟办；一般公文3个工作日内办结，紧急公文当日办结；超时公文每周通报，纳入作风考评。",
         issued_days_ago=18, keywords=("公文办理不及时", "公文流转"), links=3),
    Rule("办公室", "值班值守制度（修订）", REVISE, ISSUED,
         "实行带班领导和值班人员“双在岗”；夜间值班在岗签到；值班电话录音；值班记录逐项填写，当面交接班。",
         issued_days_ago=10, keywords=("值班",)),
    Rule("政策法规股", "行政执法全过程记录制度", NEW, ISSUED,
         "现场检查、调查取证、送达等执法环节全程音像记录；执法人员主动出示执法证件；执法记录归档保存。",
         issued_days_ago=15, keywords=("执法人员现场检查", "执法案卷")),
    Rule("政策法规股", "行政处罚自由裁量权基准（修订）", REVISE, ISSUED,
         "按违法情节细化处罚裁量档次；重大行政处罚实行集体讨论；同类案件处罚结果定期比对。",
         issued_days_ago=8, keywords=("自由裁量",), links=1),
    Rule("办公室", "廉政风险防控办法", NEW, ISSUED,
         "各股室、二级单位逐岗位梳理廉政风险点，形成风险清单；逐项制定防控措施，落实到岗到人；每年更新一次。",
         issued_days_ago=5, keywords=("廉政风险",), any_unit=True, links=3),
    Rule("住房保障股", "公租房资格审核办事指南", NEW, ISSUED,
         "公布公租房申请所需材料和办理时限；通过部门信息共享核验户籍、收入，不再要求群众重复提交证明；轮候排序规则向社会公开。",
         issued_days_ago=6, keywords=("公租房",)),
    Rule("人事股", "关于废止《机关工作人员请销假暂行规定》的通知", ABOLISH, ISSUED,
         "原暂行规定与新修订的考勤和请销假要求不一致，予以废止，统一执行《机关考勤管理办法》。",
         issued_days_ago=9, keywords=("请销假",), links=1),
    # In hand.
    Rule("办公室", "公务用车管理办法（修订）", REVISE, DRAFTING,
         "拟增加：派车单当场填写、事后补填的不予报销；节假日车辆封存；驾驶员出车记录每月核对。",
         keywords=("公务用车",), links=1),
    Rule("财务股", "政府采购内部控制制度（修订）", REVISE, DRAFTING,
         "拟明确：小额采购实行三家询价比价；采购需求、采购实施、验收岗位相互分离。",
         keywords=("政府采购",), links=1),
    Rule("办公室", "机关会议管理暂行办法", NEW, ABOLISHED,
         "2019年印发的会议管理暂行办法。",
         issued_days_ago=1800, abolish_reason="已被新修订的会风会纪要求替代，经局务会研究予以废止。"),
]


def seed_regulations() -> int:
    """Register the demo rules; returns how many."""
    day = today()
    units = {unit.name: unit for unit in db.session.scalars(select(Unit))}
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    heads = {user.unit_id: user for user in db.session.scalars(
        select(User).where(User.role == Role.UNIT_HEAD).order_by(User.id))}
    serials: dict[int, int] = {}
    for rule in RULES:
        unit = units[rule.unit]
        actor = heads.get(unit.id, admin)
        regulation = services.create(actor, title=rule.title, document_number="", owner_unit_id=unit.id,
                                     action=rule.action, summary=rule.summary)
        if rule.issued_days_ago is not None:
            issued_on = day - timedelta(days=rule.issued_days_ago)
            serials[issued_on.year] = serials.get(issued_on.year, 0) + 1
            number = f"青建发〔{issued_on.year}〕{serials[issued_on.year] + 10}号"
            first_review = None if rule.review_in_days is None else _first_review(issued_on, day, rule.review_in_days)
            services.issue(regulation, actor, regulation.version, issued_on, first_review, number, day)
            db.session.flush()
        if rule.status == ABOLISHED:
            services.abolish(regulation, actor, regulation.version, rule.abolish_reason)
        for item in _answered_items(rule, unit):
            services.link(regulation, actor, item)
        db.session.flush()
    return len(RULES)


def _first_review(issued_on: date, day: date, review_in_days: int) -> date:
    """The review date an older rule was given: past ones still fall after the issue date."""
    return max(day + timedelta(days=review_in_days), issued_on + timedelta(days=1))


def _answered_items(rule: Rule, unit: Unit) -> list[LedgerItem]:
    """The ledger items a rule answers: closed ones first, then by 序号."""
    if not rule.keywords:
        return []
    query = (
        select(LedgerItem)
        .where(or_(*(LedgerItem.description.contains(word) for word in rule.keywords)),
               LedgerItem.is_discipline.is_(False))
        .order_by(case((LedgerItem.state == State.CLOSED, 0), else_=1), LedgerItem.unit_id, LedgerItem.serial)
        .limit(rule.links)
    )
    if not rule.any_unit:
        query = query.where(LedgerItem.unit_id == unit.id)
    return list(db.session.scalars(query))
