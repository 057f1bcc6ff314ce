"""The demo bureau: units, ~80 people with Chinese names, leaders' portfolios, a campaign in progress
and its problem ledger (app/ledger/demo.py).

Deterministic (a fixed random seed), so screenshots and tests see the same people every time.
"""
import random
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from app import audit
from app.campaigns.models import PHASE_ORDER, Campaign, Phase
from app.checklists.demo import seed_checklists
from app.commendations.demo import seed_commendations
from app.commitments.demo import seed_letters
from app.extensions import db
from app.ledger.demo import seed_ledger
from app.org.models import Rank, Role, Unit, UnitKind, User
from app.regulations.demo import seed_regulations
from app.study.demo import seed_study
from app.templating import today

DEMO_PASSWORD = "zuofeng2026"  # nosec B105  # the demo accounts' published password (README)
BUREAU = "青山县住房和城乡建设局"

# (name, kind, staff count besides the head)
UNITS = [
    ("办公室", UnitKind.OFFICE, 6),
    ("人事股", UnitKind.OFFICE, 4),
    ("财务股", UnitKind.OFFICE, 4),
    ("政策法规股", UnitKind.OFFICE, 4),
    ("规划建设股", UnitKind.OFFICE, 5),
    ("村镇建设股", UnitKind.OFFICE, 5),
    ("住房保障股", UnitKind.OFFICE, 5),
    ("建筑市场监管股", UnitKind.OFFICE, 5),
    ("政务服务中心住建窗口", UnitKind.SERVICE_CENTER, 7),
    ("建设工程质量安全监督站", UnitKind.SUBORDINATE, 7),
    ("城市建设档案馆", UnitKind.SUBORDINATE, 4),
    ("物业服务管理中心", UnitKind.SUBORDINATE, 5),
]

# Leaders: (username, title, units in their portfolio). `leader` is the demo account.
LEADERS = [
    ("juzhang", "局长", ["办公室", "人事股"]),
    ("leader", "副局长", ["办公室", "财务股", "政策法规股"]),
    ("fujuzhang2", "副局长", ["规划建设股", "村镇建设股", "城市建设档案馆"]),
    ("fujuzhang3", "副局长", ["住房保障股", "物业服务管理中心"]),
    ("fujuzhang4", "副局长", ["建筑市场监管股", "政务服务中心住建窗口", "建设工程质量安全监督站"]),
]

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华红玉兰建国志海波宁欣怡"
    "晨浩宇子轩思雨佳琪梓涵文博一鸣雪梅春燕立新永强国庆晓东丹丹宏伟建华卫东"
)


def _name_generator(rng: random.Random):
    used: set[str] = set()
    while True:
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))
        if name not in used:
            used.add(name)
            yield name


def seed() -> bool:
    """Create the demo bureau unless it exists. Returns whether anything was created."""
    if db.session.scalar(select(Unit).where(Unit.name == BUREAU)) is not None:
        return False
    rng = random.Random(2026)  # nosec B311  # reproducible demo data, nothing secret
    names = _name_generator(rng)
    password_hash = generate_password_hash(DEMO_PASSWORD)  # one hash for all: seeding stays fast

    bureau = Unit(name=BUREAU, kind=UnitKind.BUREAU, sort_order=0)
    db.session.add(bureau)
    units = {}
    for order, (name, kind, _count) in enumerate(UNITS, start=1):
        units[name] = Unit(name=name, kind=kind, parent=bureau, sort_order=order * 10)
        db.session.add(units[name])

    def person(username, unit, role, rank, title, full_name=None):
        user = User(
            username=username, full_name=full_name or next(names), unit=unit, role=role, rank=rank,
            title=title, password_hash=password_hash, phone=f"0791-8{rng.randint(1000000, 9999999)}",
        )
        db.session.add(user)
        return user

    for username, title, portfolio in LEADERS:
        leader = person(username, bureau, Role.LEADER, Rank.LEADERSHIP, title)
        leader.portfolio_units = [units[name] for name in portfolio]
    person("inspector", bureau, Role.INSPECTOR, Rank.MIDDLE, "派驻纪检监察组干部")

    serial = 0
    for name, _kind, count in UNITS:
        unit = units[name]
        head_title = "主任" if name.endswith(("室", "中心", "窗口", "馆")) else ("站长" if name.endswith("站") else "股长")
        person("head" if name == "办公室" else f"head{unit.sort_order // 10:02d}", unit, Role.UNIT_HEAD,
               Rank.MIDDLE, head_title)
        for i in range(count):
            serial += 1
            if name == "办公室" and i == 0:
                person("staff", unit, Role.STAFF, Rank.GENERAL, "科员")
            elif name == "办公室" and i == 1:
                person("admin", unit, Role.ADMIN, Rank.GENERAL, "专项办联络员")
            elif i == 0 and count >= 5:
                person(f"u{serial:03d}", unit, Role.STAFF, Rank.MIDDLE, "副" + head_title)
            else:
                person(f"u{serial:03d}", unit, Role.STAFF, Rank.GENERAL, rng.choice(["科员", "办事员", "工作人员"]))

    campaign = _demo_campaign()
    db.session.add(campaign)
    db.session.flush()
    audit.record("demo.seeded", campaign, "创建演示数据：单位、人员与当前专项行动")
    items = seed_ledger(campaign)
    audit.record("demo.ledger_seeded", campaign, f"创建演示数据：问题台账 {items} 条与上级通报 1 件")
    audit.record("demo.checklists_seeded", campaign, f"创建演示数据：自查清单与自查表 {seed_checklists(campaign)} 份")
    audit.record("demo.letters_seeded", campaign, f"创建演示数据：承诺书 1 份，已签署 {seed_letters(campaign)} 人")
    audit.record("demo.regulations_seeded", campaign, f"创建演示数据：制度 {seed_regulations()} 项")
    audit.record("demo.commendations_seeded", campaign, f"创建演示数据：表彰 {seed_commendations(campaign)} 项")
    audit.record("demo.study_seeded", campaign, f"创建演示数据：{seed_study(campaign)}")
    return True


def _demo_campaign() -> Campaign:
    """A campaign a month into its 自查整改 phase."""
    day = today()
    spans = [(-75, -46), (-45, -31), (-30, 30), (31, 75)]
    phases = [
        Phase(kind=kind, sort_order=i, starts_on=day + timedelta(days=start), ends_on=day + timedelta(days=end))
        for i, (kind, (start, end)) in enumerate(zip(PHASE_ORDER, spans, strict=True))
    ]
    return Campaign(
        title=f"{day.year}年作风建设专项行动", year=day.year, is_current=True, phases=phases,
        description="紧扣学习教育、警示教育、自查整改、制度建设四个环节，聚焦五方面重点内容，"
                    "建立问题台账，实行对账销号，构建“发现问题—整改落实—情况反馈—总结评估”闭环机制。",
    )
