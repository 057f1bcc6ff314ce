"""The demo campaign's commitment letter: 作风建设承诺书, published by 专项办 some five weeks ago and
signed by most of the bureau since — through the real services, each signature as its signer.

Who has signed follows the 上热中温下冷 pattern the speech warns about: every 班子成员, most 中层干部,
fewer 一般干部, and a couple of units lagging behind; the demo account `staff` has not signed yet
(the demo asks them to), `head`, `leader`, `admin` and `inspector` have. Deterministic: a seeded
random generator and dates relative to today.
"""
import random
from datetime import datetime, time, timedelta

from sqlalchemy import select

from app.commitments import services
from app.extensions import db
from app.org.models import Rank, User
from app.templating import local_zone, today

SEED = 20261201
PUBLISHED_DAYS_AGO = 38
TITLE = "作风建设承诺书"
BODY = """本人{姓名}，系{单位}{职务}。\
为深入贯彻落实省市县关于作风建设的部署要求，扎实推进作风建设专项行动，以过硬作风增强政治担当，本人郑重承诺：
一、提高政治站位。牢记“国之大者”，把作风建设作为一项重要政治任务，认真参加学习教育和警示教育，以学促思、以学提能、以学促行，用身边事教育自己、警醒自己。
二、严守纪律规矩。严格遵守工作纪律、会议纪律和请销假制度，不迟到早退，不擅离职守，不在工作时间做与工作无关的事，时刻紧绷纪律作风这根弦。
三、转变工作作风。坚持问题导向，对照五方面重点内容深刻查摆自身问题，能够及时整改的立行立改，需要长期坚持的常抓不懈；不推诿扯皮，不敷衍塞责，坚决防止“上热中温下冷”。
四、拒绝吃拿卡要。严守廉洁底线，不接受管理服务对象的宴请和礼品礼金，不利用职务之便为本人和亲友谋取私利，不打招呼、不托人情办事。
五、提高工作效率。牢固树立时间节点意识，公文和群众办件限时办结，能当天办结的不拖到次日，确保各项工作落实落细。
六、热情服务群众。牢记自己的一言一行都体现着政府的形象，文明服务、耐心解释，坚决杜绝“门难进、脸难看、事难办”。
本人自觉接受组织和群众监督。如有违反，自愿接受组织处理。
本承诺书自{日期}起生效。"""

# Demo accounts whose state the README promises.
SIGNED_ACCOUNTS = {"admin", "head", "leader", "inspector", "juzhang"}
UNSIGNED_ACCOUNTS = {"staff"}
# Chance of having signed by now: by rank level (上热中温下冷), and for units lagging behind.
BY_RANK = {Rank.LEADERSHIP: 1.0, Rank.MIDDLE: 0.92, Rank.GENERAL: 0.86}
LAGGING_UNITS = {"物业服务管理中心": 0.45, "建设工程质量安全监督站": 0.7, "城市建设档案馆": 0.8}


def seed_letters(campaign) -> int:
    """Publish the letter as `admin` and sign it as most people. Returns how many signed."""
    admin = db.session.scalar(select(User).where(User.username == "admin"))
    day = today()
    template = services.create_template(admin, campaign, title=TITLE, body=BODY, target_ranks=[],
                                        due_on=day + timedelta(days=7))
    services.publish(template, admin)
    zone = local_zone()
    template.published_at = datetime.combine(day - timedelta(days=PUBLISHED_DAYS_AGO), time(9, 0), zone)
    rng = random.Random(SEED)  # nosec B311  # reproducible demo data, nothing secret
    signed = 0
    people = db.session.scalars(select(User).where(User.active.is_(True)).order_by(User.id)).all()
    for user in people:
        chance = BY_RANK[Rank(user.rank)] * LAGGING_UNITS.get(user.unit.name, 1.0)
        if user.username in UNSIGNED_ACCOUNTS or (user.username not in SIGNED_ACCOUNTS and rng.random() >= chance):
            continue
        # Leaders sign first, at the meeting; the rest over the following weeks, in office hours.
        days_ago = PUBLISHED_DAYS_AGO - (0 if user.rank == Rank.LEADERSHIP else rng.randint(1, PUBLISHED_DAYS_AGO - 2))
        hour = rng.randint(10, 11) if days_ago == PUBLISHED_DAYS_AGO else rng.randint(8, 17)
        at = datetime.combine(day - timedelta(days=days_ago), time(hour, rng.randint(0, 59)), zone)
        address = f"10.36.{user.unit_id}.{rng.randint(11, 250)}"
        services.sign(template, user, user.full_name, address, now=at)
        signed += 1
    return signed
