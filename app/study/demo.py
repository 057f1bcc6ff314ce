"""The demo campaign's 学习教育 and 警示教育: sessions with attendance, the reading list, reflections.

Everything goes through the real services (schedule_session, sign_in, record_attendance,
add_speaker, create_reading, acknowledge, write_reflection, review_reflection), each step as the
person who would take it and at the moment it would have happened (the services take `now`), so
the figures on the rates pages are those of the records. The audit rows keep the time of seeding.

What the demo accounts find:
- eight sessions in the 学习教育 and 警示教育 phases (attendance falls from 班子成员 to 一般干部: 上热中
  温下冷), a 交流发言 with five speakers, and a few people never recorded (未登记);
- today, 办公室's 集中学习 with its sign-in window open (staff, head and admin have not signed in),
  and a 三会一课 in three days;
- eight items on the reading list, read by most (staff has two to read, head one);
- reflections: most passed, some returned, some awaiting review — three of 办公室's for `head`, the
  head's own for the leaders in charge of 办公室; `staff` has attended and has one to write.
"""
import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from app.extensions import db
from app.ledger.services import default_leader_id
from app.org.models import Rank, Role, Unit, User
from app.study import services
from app.study.models import AttendanceStatus, ReadingKind, ReflectionState, SessionKind
from app.study.queries import must_attend
from app.templating import local_zone, today

SEED = 20260301
BUREAU_WIDE = None  # target units: none = every unit

# (day, start, end, kind, title, place, organiser: "admin" or a unit name, ranks, materials)
SESSIONS = [
    (-73, time(9, 0), time(11, 30), SessionKind.CENTRAL, "作风建设专项行动动员部署会暨集中学习", "局六楼大会议室", "admin", "",
     "《关于进一步推进作风建设专项行动的工作方案》\n"
     "局长在作风建设专项行动推进会上的讲话\n"
     "学习强国“作风建设”专题 https://www.xuexi.cn/"),
    (-68, time(15, 0), time(17, 0), SessionKind.CENTRAL, "专题学习习近平总书记关于作风建设的重要论述", "局六楼大会议室", "admin", "",
     "习近平总书记关于作风建设的重要论述摘编（局办公室印发）\n党的二十大报告有关章节"),
    (-62, time(14, 30), time(17, 0), SessionKind.PARTY, "专题党课：以过硬作风践行初心使命", "局六楼大会议室", "admin", "",
     "《中国共产党章程》\n党课讲稿（会后由办公室印发）"),
    (-57, time(9, 0), time(11, 0), SessionKind.GROUP, "对照五方面重点内容分组讨论", "办公室会议室", "办公室", "",
     "五方面重点内容：思想认识、工作效率、纪律意识、廉洁自律、服务群众\n每人发言不少于5分钟，联系岗位实际"),
    (-56, time(15, 0), time(17, 0), SessionKind.GROUP, "对照五方面重点内容分组讨论", "住房保障股办公室", "住房保障股", "",
     "五方面重点内容：思想认识、工作效率、纪律意识、廉洁自律、服务群众"),
    (-55, time(16, 30), time(18, 0), SessionKind.GROUP, "窗口服务作风问题专题讨论", "政务服务中心三楼会议室",
     "政务服务中心住建窗口", "", "群众反映问题清单（窗口汇总）\n“门难进、脸难看、事难办”问题对照检查提纲"),
    (-50, time(9, 0), time(11, 30), SessionKind.EXCHANGE, "中层干部作风建设交流发言会", "局六楼大会议室", "admin",
     "leadership,middle", "交流发言要求：联系分管工作，每人8分钟以内\n交流发言材料会前报办公室"),
    (-43, time(14, 30), time(16, 30), SessionKind.WARNING_FILM, "集中观看警示教育片《作风之弊》", "局六楼大会议室", "admin", "",
     "警示教育片《作风之弊》（县纪委监委摄制）\n观看后各股室组织讨论，撰写观后感"),
    (-37, time(9, 0), time(11, 0), SessionKind.CENTRAL, "警示教育书录集中研读：身边典型案例剖析", "局六楼大会议室", "admin", "",
     "警示教育书录（见“学习资料与警示教育书录”）\n用身边事教育身边人：本系统近三年违纪违法案例通报"),
    (-33, time(15, 0), time(17, 0), SessionKind.GROUP, "以案促改专题讨论", "办公室会议室", "办公室", "",
     "对照警示教育书录中的案例，查找本股室廉政风险点"),
]
TODAY_TITLE = "集中学习《中国共产党纪律处分条例》"
COMING_TITLE = "支部组织生活会：对照检视作风问题"

SPEAKERS = [
    ("head", "以办文办会提速增效为抓手，推动机关作风转变"),
    ("head07", "住房保障工作中的作风问题与整改思路"),
    ("head09", "窗口服务“好差评”倒逼作风转变"),
    ("head10", "质量安全监督中的廉洁风险防控"),
    ("juzhang", "从“关键少数”抓起，以上率下转作风"),
]

# Attendance: the share present by rank level (上热中温下冷), of the rest the share excused.
PRESENT = {Rank.LEADERSHIP: 0.97, Rank.MIDDLE: 0.93, Rank.GENERAL: 0.85}
LEAVE_SHARE = 0.6
SELF_SIGN_IN = 0.65  # of those present, how many signed in themselves (the rest the organiser recorded)
LEAVE_REASONS = ["出差", "病假", "参加县里业务培训", "下乡开展质量安全检查", "年休假", "参加县政府专题会议", "外出办理公务",
                 "陪同上级检查组", "事假（家中有事）"]

READINGS = [
    (ReadingKind.WARNING_CASE, "案例一：某县住建局窗口工作人员“吃拿卡要”被查处",
     "2023年，某县住建局政务服务窗口工作人员张某在办理房屋交易备案过程中，以“资料不全”为由多次刁难办事群众，"
     "暗示其通过中介“加急办理”并从中收取好处费共计1.2万元。张某受到开除党籍、政务撤职处分，违纪所得予以收缴。\n"
     "教训：窗口是群众评价政府的“窗口”，“吃拿卡要”损害的是政府形象，发现一起、查处一起。", "", "", -70, 0.96),
    (ReadingKind.WARNING_CASE, "案例二：某区建设工程质量安全监督站干部收受施工企业礼金被处分",
     "某区质量安全监督站监督员李某在工程竣工验收监督中，先后收受施工企业所送礼金、购物卡价值3.6万元，对工程质量问题"
     "“睁一只眼闭一只眼”。李某受到党内严重警告、政务降级处分。\n教训：监督者更要接受监督，守住廉洁底线。", "", "", -70, 0.92),
    (ReadingKind.WARNING_CASE, "案例三：某县住房保障中心干部违规审核保障房资格被问责",
     "某县住房保障中心工作人员王某在公租房资格审核中把关不严，对亲属不符合条件的申请“开绿灯”，造成3套公租房被违规占用。"
     "王某受到政务记过处分，分管领导被诫勉谈话。\n教训：对亲属和身边工作人员要求不严是廉洁风险的重要源头。", "", "", -60, 0.88),
    (ReadingKind.WARNING_CASE, "案例四：某县住建局股室负责人不担当不作为，群众诉求久拖不决被约谈",
     "某县住建局某股室负责人对群众反映的小区违建问题推诿扯皮，两个月未作答复，被媒体曝光后造成不良影响。"
     "该负责人被县纪委监委约谈，并在全系统通报。\n教训：中层干部是“关键少数”，要带头担当、带头整改。",
     "", "leadership,middle", -45, 0.82),
    (ReadingKind.WARNING_CASE, "案例五：某局工作人员上班时间玩手机游戏、迟到早退被通报批评",
     "县作风办暗访发现，某局工作人员刘某工作时间玩手机游戏、多次迟到早退，群众来电无人接听。刘某被通报批评，"
     "扣发当年绩效奖金，所在股室负责人作书面检查。\n教训：纪律作风无小事，时刻紧绷纪律作风这根弦。", "", "", -40, 0.78),
    (ReadingKind.MATERIAL, "习近平总书记关于作风建设的重要论述摘编", "学习要点：作风建设永远在路上；坚持严字当头；"
     "持之以恒纠治“四风”。", "https://www.12371.cn/", "", -72, 0.9),
    (ReadingKind.MATERIAL, "《中国共产党纪律处分条例》（2023年修订）", "重点学习第六编“对违反廉洁纪律行为的处分”和"
     "第十编“对违反生活纪律行为的处分”。", "https://www.12371.cn/", "", -60, 0.72),
    (ReadingKind.MATERIAL, "《关于进一步推进作风建设专项行动的工作方案》", "明确学习教育、警示教育、自查整改、制度建设四个环节的"
     "工作重点、方法步骤和时间节点。", "", "", -73, 0.6),
]
UNREAD_BY_ACCOUNT = {"staff": {6, 7}, "head": {7}}  # indexes into READINGS the demo accounts have not read

# Reflections, built from these sentences so each is long enough and a little different.
OPENINGS = [
    "通过参加{what}，我对作风建设的重要意义有了更深刻的认识。",
    "{what}让我受到了一次深刻的思想洗礼。",
    "参加{what}后，我结合自身岗位进行了认真反思。",
]
MIDDLES = [
    "纪律作风的好坏，反映的是干部职工的精神状态，直接关系着工作的落实、事业的发展。",
    "作风建设只有进行时，没有完成时，必须坚持严字当头、标本兼治。",
    "警示教育片中的案例触目惊心，很多问题都是从“小节”开始、从“一顿饭”“一张卡”开始的。",
    "全系统每位干部职工的一言一行，都体现着政府的形象，是群众评价政府的“窗口”。",
    "对照五方面重点内容，我查摆出自己在工作效率和服务群众方面还存在差距，有时满足于“过得去”。",
    "学习中我认识到，以学促思、以学提能、以学促行，关键在于把学习成果转化为工作成效。",
]
CLOSINGS = [
    "下一步，我将严格遵守各项规章制度，做到立行立改，以实际行动推动纪律作风持续好转。",
    "今后我将坚持问题导向，把整改措施落到实处，坚决防止“抓一抓就好，松一松就反弹”。",
    "我将以身边典型案例为镜鉴，时刻紧绷纪律作风这根弦，守住廉洁底线，努力做到让群众满意。",
]
RETURN_COMMENTS = ["联系本职工作不够，请结合岗位实际查摆具体问题，补充整改措施。",
                   "内容以摘抄为主，请写出自己的真实体会和下一步打算。",
                   "请对照五方面重点内容补充个人查摆情况。"]
PASS_COMMENTS = ["", "认识深刻，措施具体。", "联系实际较好。", ""]
# 办公室's people other than the demo accounts: (state) in id order; `head` reviews the submitted ones.
OFFICE_STATES = [ReflectionState.PASSED, ReflectionState.RETURNED, ReflectionState.SUBMITTED,
                 ReflectionState.SUBMITTED]
STATE_WEIGHTS = {ReflectionState.PASSED: 62, ReflectionState.SUBMITTED: 12, ReflectionState.RETURNED: 8,
                 ReflectionState.DRAFT: 5, None: 13}


def seed_study(campaign) -> str:
    """Fill the campaign's study records; returns a line for the audit log."""
    return _Seeder(campaign).run()


class _Seeder:
    def __init__(self, campaign):
        self.rng = random.Random(SEED)  # nosec B311  # reproducible demo data, nothing secret
        self.campaign = campaign
        self.zone = local_zone()
        self.today = today()
        self.now = datetime.now(self.zone)
        self.people = list(db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)))
        self.by_name = {user.username: user for user in self.people}
        self.units = {unit.name: unit for unit in db.session.scalars(select(Unit))}
        self.heads = {user.unit_id: user for user in self.people if user.role == Role.UNIT_HEAD}
        self.admin = self.by_name["admin"]

    def at(self, day: int | date, moment: time) -> datetime:
        day = self.today + timedelta(days=day) if isinstance(day, int) else day
        return datetime.combine(day, moment, self.zone)

    def run(self) -> str:
        with db.session.no_autoflush:
            sessions = [self._past_session(*spec) for spec in SESSIONS]
        db.session.flush()
        self._today_and_coming()
        readings = self._readings()
        reflections = self._reflections(sessions)
        return f"学习活动 {len(sessions) + 2} 次，学习资料与警示教育书录 {readings} 篇，学习心得 {reflections} 篇"

    # -- sessions --------------------------------------------------------------------------------
    def _schedule(self, day, start, end, kind, title, place, organiser, ranks, materials, window=None):
        if organiser == "admin":
            actor, units = self.admin, []
        else:
            unit = self.units[organiser]
            actor, units = self.heads[unit.id], [unit]
        starts_at, ends_at = self.at(day, start), self.at(day, end)
        opens, closes = window or (starts_at - timedelta(minutes=30), starts_at + timedelta(minutes=20))
        session = services.schedule_session(
            actor, self.campaign, kind=kind, title=title, starts_at=starts_at, ends_at=ends_at, place=place,
            signin_opens_at=opens, signin_closes_at=closes, target_ranks=ranks.split(",") if ranks else [],
            target_units=units, materials=materials)
        session.created_at = starts_at - timedelta(days=5)
        return session

    def _past_session(self, day, start, end, kind, title, place, organiser, ranks, materials):
        session = self._schedule(day, start, end, kind, title, place, organiser, ranks, materials)
        rng = self.rng
        attendees = [user for user in self.people if must_attend(session, user)]
        recorder = self.admin if organiser == "admin" else self.heads[self.units[organiser].id]
        sheet = {}
        for user in attendees:
            chance = 1.0 if user.username in ("staff", "head", "admin") else PRESENT[Rank(user.rank)]
            if user.username == "staff" and kind == SessionKind.WARNING_FILM:  # away at a training course
                sheet[user.id] = (AttendanceStatus.LEAVE, "参加县里业务培训")
            elif rng.random() < chance:
                if rng.random() < SELF_SIGN_IN:
                    moment = session.signin_opens_at + timedelta(minutes=rng.randint(5, 45))
                    services.sign_in(session, user, now=min(moment, session.signin_closes_at))
                else:
                    sheet[user.id] = (AttendanceStatus.PRESENT, "")
            elif rng.random() < 0.08:
                continue  # never recorded: 未登记
            elif rng.random() < LEAVE_SHARE:
                sheet[user.id] = (AttendanceStatus.LEAVE, rng.choice(LEAVE_REASONS))
            else:
                sheet[user.id] = (AttendanceStatus.ABSENT, "")
        if sheet:
            services.record_attendance(session, recorder, sheet, now=session.ends_at + timedelta(minutes=30))
        if kind == SessionKind.EXCHANGE:
            for username, topic in SPEAKERS:
                services.add_speaker(session, self.admin, self.by_name[username], topic)
        return session

    def _today_and_coming(self):
        """办公室's 集中学习 today, its window open for hours yet; a 三会一课 in three days."""
        now = self.now.replace(second=0, microsecond=0)
        starts_at = now - timedelta(minutes=20 + now.minute % 10)
        session = self._schedule(
            starts_at.date(), starts_at.time(), (starts_at + timedelta(hours=2)).time()
            if (starts_at + timedelta(hours=2)).date() == starts_at.date() else time(23, 59),
            SessionKind.CENTRAL, TODAY_TITLE, "办公室会议室", "办公室", "",
            "《中国共产党纪律处分条例》（2023年修订） https://www.12371.cn/\n重点学习廉洁纪律、工作纪律部分",
            window=(starts_at - timedelta(minutes=30), now + timedelta(hours=6)))
        for user in self.people:
            if user.unit_id == session.organiser_unit_id and user.username not in ("staff", "head", "admin") \
                    and self.rng.random() < 0.6:
                services.sign_in(session, user, now=min(session.starts_at, now) - timedelta(minutes=5))
        self._schedule(3, time(15, 0), time(17, 0), SessionKind.PARTY, COMING_TITLE, "局六楼大会议室", "admin", "",
                       "会前每名党员对照检视问题清单撰写发言提纲")

    # -- the reading list ------------------------------------------------------------------------
    def _readings(self) -> int:
        rng = self.rng
        for index, (kind, title, summary, link, ranks, day, share) in enumerate(READINGS):
            reading = services.create_reading(
                self.admin, self.campaign, kind=kind, title=title, summary=summary, link=link,
                target_ranks=ranks.split(",") if ranks else [], due_on=self.today + timedelta(days=day + 14),
                sort_order=index + 1)
            reading.created_at = self.at(day, time(8, 40))
            db.session.flush()
            for user in self.people:
                if not services.must_read(reading, user):
                    continue
                unread = index in UNREAD_BY_ACCOUNT.get(user.username, set())
                chance = share if user.username not in UNREAD_BY_ACCOUNT and user.username != "admin" else 1.0
                if unread or rng.random() >= chance:
                    continue
                read_on = min(day + rng.randint(0, 20), -1)
                services.acknowledge(reading, user, now=self.at(read_on, time(rng.randint(8, 17), rng.randint(0, 59))))
        return len(READINGS)

    # -- reflections -----------------------------------------------------------------------------
    def _body(self, what: str) -> str:
        rng = self.rng
        parts = [rng.choice(OPENINGS).format(what=what)] + rng.sample(MIDDLES, 4) + [rng.choice(CLOSINGS)]
        return "\n".join(parts)

    def _reflections(self, sessions) -> int:
        rng = self.rng
        office = self.units["办公室"].id
        office_others = [u for u in self.people if u.unit_id == office and u.role == Role.STAFF
                         and u.username != "staff"]
        plan = {user.id: state for user, state in zip(office_others, OFFICE_STATES, strict=False)}  # the first four
        plan[self.by_name["staff"].id] = None  # attended, has one to write
        plan[self.admin.id] = ReflectionState.PASSED
        plan[self.by_name["head"].id] = ReflectionState.SUBMITTED  # for the leaders in charge of 办公室
        written = 0
        for user in self.people:
            if user.role in (Role.ADMIN, Role.INSPECTOR) and user.id != self.admin.id:
                continue
            state = plan[user.id] if user.id in plan else rng.choices(
                list(STATE_WEIGHTS), weights=list(STATE_WEIGHTS.values()))[0]
            if state is None:
                continue
            attended = [s for s in sessions if must_attend(s, user)]
            session = rng.choice(attended) if attended and rng.random() < 0.6 else None
            what = f"{session.kind_label}“{session.title}”" if session else "作风建设专项行动学习教育和警示教育"
            title = f"{session.kind_label}学习心得" if session else "作风建设专项行动学习心得"
            written_at = (session.ends_at if session else self.at(-40, time(10))) + timedelta(days=rng.randint(1, 4),
                                                                                               hours=rng.randint(0, 5))
            reflection = services.write_reflection(user, self.campaign, session, title, self._body(what),
                                                   submit=state != ReflectionState.DRAFT, now=written_at)
            reflection.created_at = written_at - timedelta(hours=1)
            db.session.flush()
            written += 1
            if state in (ReflectionState.PASSED, ReflectionState.RETURNED):
                reviewer = self._reviewer(user)
                passed = state == ReflectionState.PASSED
                services.review_reflection(reflection, reviewer, reflection.version, passed,
                                           rng.choice(PASS_COMMENTS if passed else RETURN_COMMENTS),
                                           now=written_at + timedelta(days=rng.randint(1, 3)))
                db.session.flush()
        return written

    def _reviewer(self, user: User) -> User:
        """The unit head; for a unit head the leader in charge; for the bureau's own people 专项办."""
        if user.role != Role.UNIT_HEAD and user.unit_id in self.heads:
            return self.heads[user.unit_id]
        leader_id = default_leader_id(user.unit) if user.unit.parent_id else 0
        return db.session.get(User, leader_id) if leader_id else self.admin
