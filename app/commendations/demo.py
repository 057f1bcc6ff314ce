"""The demo bureau's commendations (表彰): four 先进个人 and two 先进集体 recorded by 专项办, three of
the people listed as 推荐对象. Deterministic: people chosen by unit and order, dates from today."""
from datetime import timedelta

from sqlalchemy import select

from app.commendations import services
from app.commendations.models import Recommendation
from app.extensions import db
from app.org.models import Role, Unit, User
from app.templating import today

ISSUER = "局党组"
AWARDED_DAYS_AGO = 3

# (unit, who: "head", "staff" (the demo account) or the n-th staff member, honour, reason, recommendation)
PEOPLE = [
    ("政务服务中心住建窗口", "head", "作风建设先进个人",
     "带头落实首问负责和一次性告知，牵头编制各事项一次性告知单；专项行动以来窗口办件按时办结率100%，群众满意率99.6%。",
     Recommendation.PROMOTION),
    ("住房保障股", 1, "服务群众标兵",
     "主动对接公安、民政等部门实现公租房资格信息共享核验，群众申请材料由7项减至3项，审核时间由20个工作日压缩至10个工作日。",
     Recommendation.RANK),
    ("建设工程质量安全监督站", 1, "作风建设先进个人",
     "坚持监督检查全过程影像记录，带头落实隐患整改“检查—整改—复查—销号”闭环；全年无一起“签字式监督”投诉。",
     Recommendation.RANK),
    ("办公室", "staff", "作风建设先进个人",
     "热线工单当日登记、当日转交，专项行动以来经手12345工单按时回复率100%；自查发现问题立行立改。",
     Recommendation.NONE),
]
UNITS = [
    ("政务服务中心住建窗口", "作风建设先进集体",
     "推行首问负责、一次性告知和午间轮流值守，办件超时问题全部整改销号，群众“办事难”投诉同比下降六成。"),
    ("政策法规股", "作风建设先进集体",
     "建立行政执法全过程记录和自由裁量权基准制度，执法案卷评查合格率由85%提高到100%。"),
]


def seed_commendations(campaign) -> int:
    """Record the demo commendations; returns how many."""
    day = today() - timedelta(days=AWARDED_DAYS_AGO)
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    units = {unit.name: unit for unit in db.session.scalars(select(Unit))}
    count = 0
    for unit_name, who, honour, reason, recommendation in PEOPLE:
        person = _person(units[unit_name], who)
        services.create(admin, campaign, user_id=person.id, unit_id=None, honour=honour, reason=reason,
                        awarded_on=day, issuer=ISSUER, recommendation=recommendation)
        count += 1
    for unit_name, honour, reason in UNITS:
        services.create(admin, campaign, user_id=None, unit_id=units[unit_name].id, honour=honour, reason=reason,
                        awarded_on=day, issuer=ISSUER, recommendation=Recommendation.NONE)
        count += 1
    db.session.flush()
    return count


def _person(unit: Unit, who) -> User:
    if who == "staff":
        return db.session.scalar(select(User).where(User.username == "staff"))
    role = Role.UNIT_HEAD if who == "head" else Role.STAFF
    people = db.session.scalars(
        select(User).where(User.unit_id == unit.id, User.role == role).order_by(User.id)
    ).all()
    return people[0 if who == "head" else who]
