"""The demo campaign's 自查清单 and the bureau's 自查表, a month into the 自查整改 phase.

专项办 published the checklist (the 五方面重点内容) when the phase began and revised it a week later
(an item added after the 上级通报 on window units); the few who had handed in by then stay on the
first version. Most of the bureau has handed in and been passed, some were returned, some have a
draft, some have not started; per unit and per rank level the figures differ (上热中温下冷: the
leaders have all handed in, the general staff lag). The demo accounts find: `staff` not started,
`head` several 自查表 of 办公室 to review (and their own waiting for `leader`), `admin` the
leaders' 自查表 to review.

A passed 自查表's problems are the person's own 自查发现 items already in the demo ledger
(app/ledger/demo.py), linked to its answers; so the ledger is the same as without checklists.
Everything goes through the real services as the person who acts; times are then set back.
Deterministic: one seeded random generator and dates relative to today.
"""
import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.checklists import services
from app.checklists.services import AnswerInput, SectionInput
from app.extensions import db
from app.ledger.models import LedgerItem, Source
from app.org.models import Rank, Role, Unit, User
from app.templating import local_zone, today

SEED = 20261201
TITLE = "作风建设专项行动个人自查清单"
INSTRUCTIONS = (
    "请对照五方面重点内容逐项自查，由表及里、由点及面，把问题查清、查准。存在问题的，写明具体表现和整改措施，"
    "能够及时整改的填写计划完成日期（立行立改），需要长期坚持的可不填日期。提交后由股室负责人审核"
    "（股室负责人的自查表由分管领导审核，班子成员的由专项办审核），审核通过的问题登记进入问题台账，实行对账销号。"
)
SECTIONS = [
    ("思想认识", [
        "理论学习不深入，参加集中学习、“三会一课”人到心不到，以学促思、以学促行效果不明显",
        "对作风建设专项行动的重要意义认识不足，认为纪律作风问题是“小节”",
        "担当意识淡薄，遇到矛盾问题推诿扯皮，存在“等靠要”思想",
        "对照警示教育典型案例举一反三、深刻自查不够，纪律作风这根弦绷得不紧",
        "满足于“过得去”，争创一流、狠抓落实的劲头不足",
    ]),
    ("工作效率", [
        "效率低下，办事拖拉，不能按规定时限办结",
        "时间节点意识不强，重点工作推进缓慢",
        "公文、报表、材料质量不高，差错多、需反复返工",
        "首问负责、一次性告知、限时办结等制度落实不到位",
        "会多文多，议而不决、决而不行",
    ]),
    ("纪律意识", [
        "纪律意识淡薄，迟到早退，工作时间脱岗离岗、干与工作无关的事",
        "请销假、值班值守等制度执行不严",
        "会风会纪不严，保密制度落实不到位",
        "对上级决策部署执行打折扣、搞变通",
    ]),
    ("廉洁自律", [
        "吃拿卡要，收受管理服务对象礼品礼金、接受宴请",
        "“四风”问题隐形变异，违规使用公车、公款吃喝",
        "岗位廉政风险排查不深入，防控措施不落实",
        "对亲属和身边工作人员要求不严，打招呼、托人情办事",
    ]),
    ("服务群众", [
        "服务态度生硬，“门难进、脸难看、事难办”",
        "群众诉求、12345热线转办件办理不及时，答复敷衍",
        "深入基层、深入群众不够，对群众急难愁盼问题掌握不全面",
        "政务公开、办事指南更新不及时，群众知晓度不高",
    ]),
]
# Added in the second version, after the 上级通报 on window units (see app/ledger/demo.py).
ADDED = ("服务群众", "窗口一次性告知不到位，群众办事多次往返补充材料")

# What people write for a 是, by section: (具体表现, 整改措施, 立行立改 in days or None for 长期坚持).
WRITTEN = {
    "思想认识": [
        ("参加集中学习时笔记记录不全，会后没有结合岗位实际深入思考，学用脱节。",
         "制定个人学习计划，每周撰写学习笔记；每月结合工作写一篇学习体会。", None),
        ("观看警示教育片后只停留在“受教育”，没有对照自身岗位查找风险点。",
         "对照典型案例逐项梳理本岗位风险点，形成个人防控清单。", 20),
        ("遇到跨股室协调的事项习惯等领导安排，主动靠前不够。",
         "落实首问负责，跨股室事项主动对接、限时反馈。", None),
    ],
    "工作效率": [
        ("本人经办的部分事项超过承诺时限办结，存在催办后才落实的情况。",
         "建立个人经办事项台账，逐项标注办结时限，每周五自查一次。", 15),
        ("起草的文稿、报表多次出现数据差错，需要领导反复修改。",
         "起草材料实行自校、互校两道关口，数据与台账逐项核对。", 10),
        ("对年度重点工作的时间节点把握不准，个别任务未按计划推进。",
         "对分工任务倒排工期，每周向股室负责人报告进度。", 30),
    ],
    "纪律意识": [
        ("有时上班迟到几分钟，午休后到岗不及时。",
         "严格遵守作息时间，提前到岗；请股室同事互相监督。", 7),
        ("值班期间值班记录填写不完整，交接班不够清楚。",
         "按值班制度逐项填写值班记录，实行当面交接并签字。", 7),
        ("请假偶有先离岗后补手续的情况。",
         "一律事前履行请假审批，严格执行请销假制度。", 5),
    ],
    "廉洁自律": [
        ("对本岗位廉政风险点认识不够，防控措施停留在纸面上。",
         "重新梳理岗位廉政风险点，逐项落实防控措施并接受监督。", 20),
        ("节假日期间接受过服务对象赠送的土特产，廉洁意识淡薄。",
         "主动退还并说明情况；签订廉洁自律承诺书，节假日前自我提醒。", 5),
    ],
    "服务群众": [
        ("接待来访群众时解释政策不够耐心，个别群众反映态度生硬。",
         "参加文明服务培训，落实首问负责和一次性告知，主动回访不满意群众。", 10),
        ("对群众反映的问题跟踪不够，办结后未及时回复。",
         "建立群众诉求登记本，办结后三个工作日内电话回复。", 15),
        ("下基层调研次数少，对服务对象的实际困难了解不深。",
         "每月至少走访一次服务对象，梳理问题清单逐项研究解决。", None),
    ],
}
LEADER_WRITTEN = [
    ("思想认识", "对分管领域作风建设过问少，“一岗双责”落实不到位，存在重业务、轻作风的倾向。",
     "每月听取分管股室作风建设情况汇报，对查摆出的问题亲自过问、亲自督办。", None),
    ("工作效率", "深入分管股室和基层调研不够，对重点工作推进中的难点掌握不及时。",
     "每月到分管股室和基层单位调研不少于两次，现场协调解决问题。", None),
    ("纪律意识", "对分管股室干部日常教育管理抓得不够紧，以上率下作用发挥不充分。",
     "带头遵规守纪，定期与分管股室干部谈心谈话，发现苗头性问题及时提醒。", 30),
]
RETURN_REASONS = [
    "查摆问题不够深入，只填了“否”，请对照五方面重点内容再认真查摆。",
    "整改措施过于笼统，请写明具体做法和完成时限。",
    "具体表现写得太简单，请结合本人岗位实际写清楚。",
]
PASS_NOTES = ["", "", "查摆认真，措施具体，同意。", "同意，请按计划抓好整改。"]

# Per unit: how far its general staff have got (1.0: everyone has handed in).
DILIGENCE = {
    "人事股": 1.0, "财务股": 0.95, "政策法规股": 0.9, "规划建设股": 0.55, "村镇建设股": 0.45,
    "住房保障股": 0.8, "建筑市场监管股": 0.7, "政务服务中心住建窗口": 0.85, "建设工程质量安全监督站": 0.6,
    "城市建设档案馆": 0.75, "物业服务管理中心": 0.5,
}
# 办公室 is laid out by hand: what the demo accounts find.
OFFICE = {"staff": None, "admin": "submitted", "head": "submitted", "u003": "passed", "u004": "submitted",
          "u005": "returned", "u006": "draft"}
PUBLISHED = -30  # the first version, when the 自查整改 phase began
REVISED = -26  # the second version


def seed_checklists(campaign) -> int:
    """The checklist (two versions) and everyone's 自查表; returns how many 自查表 were filled."""
    return _Seeder(campaign).run()


class _Seeder:
    def __init__(self, campaign):
        self.rng = random.Random(SEED)  # nosec B311  # reproducible demo data, nothing secret
        self.campaign = campaign
        self.today = today()
        self.zone = local_zone()
        self.now = datetime.now(self.zone)
        people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
        self.by_name = {user.username: user for user in people}
        self.people = people
        self.admin = self.by_name["admin"]
        self.heads = {u.unit_id: u for u in people if u.role == Role.UNIT_HEAD}
        self.units = {unit.id: unit for unit in db.session.scalars(select(Unit))}
        self.leaders_of = {}
        for user in people:
            if user.role == Role.LEADER:
                for unit in user.portfolio_units:
                    self.leaders_of.setdefault(unit.id, user)
        # the 自查发现 items each person already has in the demo ledger
        self.found = {}
        for item in db.session.scalars(
            select(LedgerItem).where(LedgerItem.source == Source.SELF_INSPECTION, LedgerItem.dispatch_id.is_(None),
                                     LedgerItem.campaign_id == campaign.id).order_by(LedgerItem.id)
        ):
            self.found.setdefault(item.owner_id, []).append(item)

    def run(self) -> int:
        first = services.save_template(
            None, self.admin, self.campaign, title=TITLE, instructions=INSTRUCTIONS,
            due_on=self.today + timedelta(days=5), ranks=[], unit_ids=[],
            sections=[SectionInput(title, items) for title, items in SECTIONS])
        services.publish(first, self.admin)
        first.published_at = first.created_at = self._at(PUBLISHED, time(8, 40))
        revised_at = self._at(REVISED, time(9, 5))
        plans = [(person, plan) for person in self.people for plan in [self._plan(person, revised_at)] if plan]
        for person, plan in plans:  # those who handed in before the revision stay on the first version
            if plan["on_first"]:
                self._fill(person, plan, first)
        second = services.revise(first, self.admin)
        sections = [SectionInput(title, items + ([ADDED[1]] if title == ADDED[0] else [])) for title, items in SECTIONS]
        services.save_template(second, self.admin, self.campaign, title=TITLE, instructions=INSTRUCTIONS,
                               due_on=first.due_on, ranks=[], unit_ids=[], sections=sections)
        services.publish(second, self.admin)
        second.created_at = revised_at - timedelta(hours=17)
        second.published_at = revised_at
        for person, plan in plans:
            if not plan["on_first"]:
                self._fill(person, plan, second)
        db.session.flush()
        return len(plans)

    # -- who has got how far --------------------------------------------------------------------
    def _state(self, person: User) -> str | None:
        unit = self.units[person.unit_id]
        if unit.name == "办公室":
            return OFFICE.get(person.username, "passed")
        if person.role in (Role.LEADER, Role.INSPECTOR):
            return "submitted"  # 专项办 reviews the bureau's own people: waiting on `admin`
        roll = self.rng.random()
        if person.rank != Rank.GENERAL:  # 中层: nearly all have handed in
            return ("passed" if roll < 0.72 else "submitted" if roll < 0.86 else "returned" if roll < 0.92
                    else "draft" if roll < 0.96 else None)
        diligence = DILIGENCE.get(unit.name, 0.7)
        if roll > diligence:
            return "draft" if self.rng.random() < 0.4 else None
        roll = self.rng.random()
        return "passed" if roll < 0.68 else "submitted" if roll < 0.9 else "returned"

    # -- filling --------------------------------------------------------------------------------
    def _plan(self, person: User, revised_at: datetime) -> dict | None:
        """How far the person got, and when: None for not started."""
        state = self._state(person)
        if state is None:
            return None
        rng = self.rng
        linked = self.found.get(person.id, []) if state == "passed" else []
        latest = self.now - timedelta(minutes=10)
        # When they handed in: passed ones before the first of their problems was filed in the ledger.
        if linked:
            reviewed = min(item.created_at for item in linked).astimezone(self.zone) - timedelta(
                minutes=rng.randint(20, 90))
            handed_in = reviewed - timedelta(hours=rng.randint(2, 30))
        else:
            handed_in = self._at(rng.randint(PUBLISHED + 1, -2), self._office_hours())
            reviewed = handed_in + timedelta(hours=rng.randint(2, 48))
        on_first = state == "passed" and handed_in < revised_at
        published = self._at(PUBLISHED, time(8, 40)) if on_first else revised_at
        opened = published + timedelta(minutes=rng.randint(20, 600))
        handed_in = min(max(handed_in, opened + timedelta(hours=4)), latest - timedelta(hours=1))
        if on_first and handed_in >= revised_at:
            handed_in = revised_at - timedelta(hours=1)
        reviewed = min(max(reviewed, handed_in + timedelta(minutes=30)), latest)
        started = max(handed_in - timedelta(hours=rng.randint(1, 30)), opened)
        return {"state": state, "linked": linked, "on_first": on_first, "handed_in": handed_in,
                "reviewed": reviewed, "started": started}

    def _fill(self, person: User, plan: dict, template) -> None:
        rng = self.rng
        state, linked, handed_in, reviewed, started = (
            plan["state"], plan["linked"], plan["handed_in"], plan["reviewed"], plan["started"])
        inspection = services.start(template, person)
        answers, links = self._answers(person, template, linked, partial=state == "draft")
        reviewer = self._reviewer(person)
        moments = []  # the time of each history event, in order
        if state == "draft":
            services.save_draft(inspection, person, inspection.version, answers)
        else:
            if state == "passed" and rng.random() < 0.15:
                # first handed in with every item 否: returned, then handed in properly
                services.submit(inspection, person, inspection.version, [AnswerInput(a.item_id, False) for a in answers],
                                self.today)
                db.session.flush()
                services.return_(inspection, reviewer, inspection.version, RETURN_REASONS[0])
                db.session.flush()
                moments += [started + timedelta(minutes=30), started + timedelta(minutes=150)]
                handed_in = max(handed_in, started + timedelta(hours=3))
                reviewed = max(reviewed, handed_in + timedelta(minutes=30))
            services.submit(inspection, person, inspection.version, answers, self.today)
            db.session.flush()
            moments.append(handed_in)
            if state == "returned":
                services.return_(inspection, reviewer, inspection.version, rng.choice(RETURN_REASONS[1:]))
                moments.append(reviewed)
            elif state == "passed":
                for answer in inspection.answers:  # problems already in the ledger: link them
                    if answer.item_id in links:
                        answer.ledger_item_id, answer.planned_on = links[answer.item_id]
                db.session.flush()
                for item in services.pass_(inspection, reviewer, inspection.version, rng.choice(PASS_NOTES)):
                    item.created_at = item.updated_at = reviewed
                    for event in item.events:
                        event.occurred_at = reviewed
                moments.append(reviewed)
            inspection.submitted_at = handed_in
            if state != "submitted":
                inspection.reviewed_at = reviewed
        db.session.flush()
        for event, when in zip(inspection.events, moments, strict=True):
            event.occurred_at = when
        inspection.created_at = started
        inspection.updated_at = moments[-1] if moments else started + timedelta(minutes=rng.randint(10, 90))

    def _answers(self, person: User, template, linked: list, partial: bool):
        """Answers for every item (the first ones only for a draft) and {item id: ledger item id}."""
        rng = self.rng
        sections = {section.title: section for section in template.sections}
        chosen: dict[int, tuple] = {}  # item id → (具体表现, 整改措施, planned date, ledger item id)
        for ledger_item in linked:
            section = sections.get(ledger_item.category)
            free = [item for item in (section.items if section else []) if item.id not in chosen]
            if free:  # the planned date is the ledger's 整改时限, set when linking (it may have passed)
                chosen[rng.choice(free).id] = (ledger_item.description, ledger_item.measures, None,
                                               (ledger_item.id, ledger_item.due_on))
        if not linked:
            pool = ([(s, m, p, d) for s, m, p, d in LEADER_WRITTEN] if person.role == Role.LEADER else
                    [(title, *written) for title, options in WRITTEN.items() for written in options])
            for title, manifestation, measures, days in rng.sample(pool, rng.choice((1, 2, 2, 3))):
                free = [item for item in sections[title].items if item.id not in chosen]
                planned = self.today + timedelta(days=days) if days else None
                chosen[rng.choice(free).id] = (manifestation, measures, planned, None)
        items = services.template_items(template)
        answers = []
        for n, item in enumerate(items):
            if partial and n >= len(items) * 2 // 3:
                break
            if item.id in chosen:
                manifestation, measures, planned, _link = chosen[item.id]
                answers.append(AnswerInput(item.id, True, manifestation, measures, planned))
            else:
                answers.append(AnswerInput(item.id, False))
        links = {item_id: link for item_id, (_m, _s, _p, link) in chosen.items() if link}
        return answers, links

    def _reviewer(self, person: User) -> User:
        if person.role in (Role.LEADER, Role.INSPECTOR) or person.unit_id not in self.heads:
            return self.admin
        if person.role == Role.UNIT_HEAD:
            return self.leaders_of.get(person.unit_id, self.admin)
        return self.heads[person.unit_id]

    def _office_hours(self) -> time:
        minute = self.rng.choice((self.rng.randint(8 * 60 + 40, 11 * 60 + 40), self.rng.randint(14 * 60 + 10, 17 * 60 + 30)))
        return time(minute // 60, minute % 60)

    def _at(self, day: int, at: time) -> datetime:
        moment = datetime.combine(self.today + timedelta(days=day), at, self.zone)
        return min(moment, self.now - timedelta(minutes=30))

