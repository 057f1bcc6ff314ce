"""Seed a database for the benchmark: a county bureau or a whole province, in bulk.

    python -m bench.seed --scale county                       # SQLite, instance/bench-county.db
    python -m bench.seed --scale province --database-url postgresql://postgres@127.0.0.1:5432/zuofeng_bench

The schema comes from the migrations (as in production); the rows are written in bulk, bypassing
the services: Core executemany on SQLite, COPY on PostgreSQL, with ids given here so no row has
to be read back. Deterministic (a fixed random seed). The audit log stays empty (its chain is
valid). Every account's password is BENCH_PASSWORD; the benchmark logs in as `admin`,
`inspector`, `leader`, `head`, `staff`, the rush accounts `rush001`… and generic `u000123`….
"""
import argparse
import hashlib
import random
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy import text
from werkzeug.security import generate_password_hash

BENCH_PASSWORD = "bench-zuofeng-2026"
CHUNK = 5000


@dataclass(frozen=True)
class Scale:
    name: str
    bureaus: int
    units: int  # every unit, the bureaus included
    people: int
    items: int
    reports_per_item: int  # progress reports (情况反馈) per item, on average
    sessions: int  # study sessions
    rush: int  # people who have neither signed the letter nor filled the checklist yet (samples + the rush)


SCALES = {
    "tiny": Scale("tiny", 1, 6, 80, 100, 3, 4, 10),
    "small": Scale("small", 1, 12, 240, 1_000, 3, 8, 20),
    "county": Scale("county", 1, 30, 800, 20_000, 3, 40, 340),
    "province": Scale("province", 40, 1_000, 30_000, 500_000, 3, 1_000, 340),
}

OFFICES = ["办公室", "人事股", "财务股", "政策法规股", "规划建设股", "村镇建设股", "住房保障股", "建筑市场监管股",
           "政务服务中心住建窗口", "建设工程质量安全监督站", "城市建设档案馆", "物业服务管理中心", "城建监察大队",
           "房产交易中心", "公积金管理部", "燃气安全股", "消防审验股", "科技信息股"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华红玉兰建国志海波宁欣怡晨浩宇子轩思雨佳琪梓涵文博一鸣雪梅春燕立新"
SOURCES = ["self_inspection", "superior", "public", "media", "inspection", "other"]
CATEGORIES = ["思想认识", "工作效率", "纪律意识", "廉洁自律", "服务群众", "其他"]
PROBLEMS = ["窗口办件超时，群众多次往返", "政策解读不到位，答复群众口径不一", "会议文件多、督查检查频，基层负担重",
            "审批环节多，材料重复提交", "值班值守不严，接听电话不及时", "公务接待超标准", "项目现场检查走过场",
            "信访件办理超期", "对企业诉求推诿扯皮", "学习教育流于形式，心得照抄照搬"]
MEASURES = ["梳理流程，实行首问负责和限时办结", "建立台账，逐项明确责任人和完成时限", "开展专题学习，组织警示教育",
            "精简会议文件，合并督查检查", "公开办事指南，推行一次性告知"]
REPORTS = ["已召开专题会议研究整改方案", "已完成流程梳理，正在试运行", "已组织全体人员学习相关规定",
           "已建立长效机制并印发执行", "本月办件超时率下降至 1% 以内", "已对相关责任人进行提醒谈话"]
LETTER_BODY = (
    "本人{姓名}，系{单位}{职务}（{职级}）。为深入推进作风建设专项行动，本人郑重承诺：\n"
    "一、坚定理想信念，自觉加强理论学习，做到学思用贯通、知信行统一。\n"
    "二、严守纪律规矩，不推诿扯皮、不敷衍塞责、不吃拿卡要，真心实意为群众办实事。\n"
    "三、提高工作效率，对群众诉求做到件件有回音、事事有着落。\n"
    "四、廉洁自律，严格执行中央八项规定及其实施细则精神。\n"
    "如有违反，自愿接受组织处理。\n承诺人：{姓名}\n{日期}"
)
SECTIONS = [("思想认识", ["理想信念是否坚定", "理论学习是否走过场", "宗旨意识是否淡薄"]),
            ("工作效率", ["是否存在推诿扯皮", "办事是否拖拉", "是否存在文山会海"]),
            ("纪律意识", ["是否遵守工作纪律", "是否落实请示报告制度", "是否存在上班迟到早退"]),
            ("廉洁自律", ["是否违规收受礼品礼金", "是否违规公款吃喝", "是否存在吃拿卡要"]),
            ("服务群众", ["是否存在门难进脸难看", "群众诉求是否及时回应", "是否存在不作为慢作为"])]
RANKS = ("leadership", "middle", "general")
RANK_LABELS = {"leadership": "班子成员", "middle": "中层干部", "general": "一般干部"}
STATE_WEIGHTS = {"pending": 10, "in_progress": 35, "first_review": 10, "sign_off": 10, "closed": 35}


def _table(name: str):
    from app.extensions import db

    return db.metadata.tables[name]


class Writer:
    """Bulk rows into one table: executemany on SQLite, COPY on PostgreSQL. Rows are dicts; columns
    left out get their model default (or NULL), so a column added later does not break seeding."""

    def __init__(self, connection):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}

    def write(self, name: str, rows) -> int:
        table = _table(name)
        defaults = {c.name: c.default for c in table.columns if c.default is not None}
        names = [c.name for c in table.columns]
        count = 0
        batch = []
        for row in rows:
            for column in names:
                if column not in row:
                    default = defaults.get(column)
                    row[column] = (default.arg(None) if default.is_callable else default.arg) if default else None
            batch.append(row)
            if len(batch) >= CHUNK:
                count += self._flush(table, names, batch)
                batch = []
        if batch:
            count += self._flush(table, names, batch)
        self.counts[name] = self.counts.get(name, 0) + count
        return count

    def _flush(self, table, names, batch) -> int:
        if not self.postgres:
            self.connection.execute(table.insert(), batch)
            return len(batch)
        columns = ", ".join(f'"{n}"' for n in names)
        cursor = self.connection.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
            for row in batch:
                copy.write_row([_naive_utc(row[n]) for n in names])
        return len(batch)


def _naive_utc(value):
    if isinstance(value, datetime) and value.tzinfo is not None:
        return value.astimezone(UTC).replace(tzinfo=None)
    return value


class Bureau:
    """What the generators need to remember about the people and units they made."""

    def __init__(self):
        self.units: list[dict] = []
        self.offices: list[int] = []
        self.members: dict[int, list[dict]] = {}
        self.heads: dict[int, dict] = {}
        self.leader_of: dict[int, int] = {}
        self.people: list[dict] = []
        self.rush: list[dict] = []


def seed(connection, scale: Scale, today: date | None = None) -> dict[str, int]:
    """Write every row of `scale` through `connection` (in its transaction); returns counts per table."""
    rng = random.Random(2026)
    today = today or datetime.now(timezone(timedelta(hours=8))).date()
    now = datetime.now(UTC)
    writer = Writer(connection)
    bureau = Bureau()
    _org(writer, scale, rng, bureau, now)
    campaign_id = _campaign(writer, today)
    _ledger(writer, scale, rng, bureau, campaign_id, today, now)
    _letters(writer, rng, bureau, campaign_id, today, now)
    _checklists(writer, rng, bureau, campaign_id, today, now)
    _study(writer, scale, rng, bureau, campaign_id, today, now)
    return writer.counts


def _names(rng: random.Random):
    while True:
        yield rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def _org(writer: Writer, scale: Scale, rng: random.Random, bureau: Bureau, now: datetime) -> None:
    password_hash = generate_password_hash(BENCH_PASSWORD)  # one hash for everyone: seeding stays fast
    names = _names(rng)
    offices_per_bureau = (scale.units - scale.bureaus) // scale.bureaus
    units, people, portfolio = [], [], []
    next_user = iter(range(1, 10**9))

    def person(unit_id, role, rank, title, username=None):
        user_id = next(next_user)
        row = {"id": user_id, "username": username or f"u{user_id:06d}", "full_name": next(names),
               "unit_id": unit_id, "role": role, "rank": rank, "title": title, "phone": "", "active": True,
               "password_hash": password_hash, "must_change_password": False, "session_version": 1,
               "created_at": now}
        people.append(row)
        return row

    unit_id = 0
    for b in range(scale.bureaus):
        unit_id += 1
        bureau_id = unit_id
        prefix = f"第{b + 1:02d}县" if scale.bureaus > 1 else ""
        units.append({"id": bureau_id, "name": f"{prefix}青山县住房和城乡建设局" if not prefix else f"{prefix}住房和城乡建设局",
                      "kind": "bureau", "parent_id": None, "sort_order": b * 10_000, "active": True, "created_at": now})
        leaders = [person(bureau_id, "leader", "leadership", "局长" if i == 0 else "副局长",
                          "leader" if b == 0 and i == 1 else None) for i in range(5)]
        if b == 0:
            person(bureau_id, "inspector", "middle", "派驻纪检监察组干部", "inspector")
        extra = scale.units - scale.bureaus - offices_per_bureau * scale.bureaus if b == 0 else 0
        for k in range(offices_per_bureau + extra):
            unit_id += 1
            base = OFFICES[k % len(OFFICES)] + (str(k // len(OFFICES) + 1) if k >= len(OFFICES) else "")
            units.append({"id": unit_id, "name": f"{prefix}{base}", "kind": "office", "parent_id": bureau_id,
                          "sort_order": b * 10_000 + (k + 1) * 10, "active": True, "created_at": now})
            bureau.offices.append(unit_id)
            leader = leaders[1 + k % 4]
            portfolio.append({"leader_id": leader["id"], "unit_id": unit_id})
            bureau.leader_of[unit_id] = leader["id"]
    # People: the named accounts first, then the rest spread over the offices.
    first = bureau.offices[0]
    head = person(first, "unit_head", "middle", "主任", "head")
    bureau.heads[first] = head
    person(first, "staff", "general", "科员", "staff")
    person(first, "admin", "general", "专项办联络员", "admin")
    for office in bureau.offices[1:]:
        bureau.heads[office] = person(office, "unit_head", "middle", "股长")
    rush_every = max(1, (scale.people - len(people)) // max(scale.rush, 1))
    n = 0
    while len(people) < scale.people:
        office = bureau.offices[n % len(bureau.offices)]
        rank = "middle" if rng.random() < 0.2 else "general"
        row = person(office, "staff", rank, "副股长" if rank == "middle" else rng.choice(["科员", "办事员"]))
        if n % rush_every == 0 and len(bureau.rush) < scale.rush:
            row["username"] = f"rush{len(bureau.rush) + 1:03d}"
            bureau.rush.append(row)
        n += 1
    for row in people:
        bureau.members.setdefault(row["unit_id"], []).append(row)
    bureau.people = people
    bureau.units = units
    writer.write("unit", units)
    writer.write("user", people)
    writer.write("portfolio", portfolio)


def _campaign(writer: Writer, today: date) -> int:
    writer.write("campaign", [{"id": 1, "title": f"{today.year}年作风建设专项行动", "year": today.year,
                               "description": "基准测试数据", "is_current": True}])
    spans = [(-75, -46), (-45, -31), (-30, 30), (31, 75)]
    kinds = ["study", "warning", "rectify", "institution"]
    writer.write("phase", [{"id": i + 1, "campaign_id": 1, "kind": kind, "sort_order": i,
                            "starts_on": today + timedelta(days=a), "ends_on": today + timedelta(days=b)}
                           for i, (kind, (a, b)) in enumerate(zip(kinds, spans, strict=True))])
    return 1


def _ledger(writer, scale, rng, bureau, campaign_id, today, now) -> None:
    states = list(STATE_WEIGHTS)
    weights = list(STATE_WEIGHTS.values())
    serials: dict[int, int] = {}
    events: list[dict] = []
    event_id = 0

    def event(item_id, kind, actor_id, at, note="", from_state=None, to_state=None):
        nonlocal event_id
        event_id += 1
        return {"id": event_id, "item_id": item_id, "cycle": 1, "kind": kind, "actor_id": actor_id,
                "occurred_at": at, "from_state": from_state, "to_state": to_state, "note": note}

    def items():
        for item_id in range(1, scale.items + 1):
            unit_id = rng.choice(bureau.offices)
            serials[unit_id] = serials.get(unit_id, 0) + 1
            owner = rng.choice(bureau.members[unit_id])
            head = bureau.heads[unit_id]
            state = rng.choices(states, weights)[0]
            if state == "first_review" and owner is head:
                state = "sign_off"
            rectify = rng.choices(["immediate", "deadline", "long_term"], [20, 60, 20])[0]
            created = now - timedelta(days=rng.uniform(5, 60))
            due = None if rectify == "long_term" else today + timedelta(days=rng.randint(-40, 90))
            reports = [] if state == "pending" else [rng.choice(REPORTS) for _ in range(rng.randint(2, 2 * scale.reports_per_item - 2))]
            at = created
            events.append(event(item_id, "created", head["id"], at, "登记问题", None, "pending"))
            for i, report in enumerate(reports):
                at += timedelta(hours=rng.uniform(2, 48))
                events.append(event(item_id, "progress", owner["id"], at, report,
                                    "pending" if i == 0 else None, "in_progress" if i == 0 else None))
            if state in ("first_review", "sign_off", "closed"):
                at += timedelta(hours=6)
                first = "first_review" if owner is not head else "sign_off"
                events.append(event(item_id, "submitted", owner["id"], at, "已完成整改", "in_progress", first))
                if first == "first_review" and state in ("sign_off", "closed"):
                    at += timedelta(hours=6)
                    events.append(event(item_id, "first_review_passed", head["id"], at, "", "first_review", "sign_off"))
            leader_id = bureau.leader_of[unit_id]
            closed_at = None
            if state == "closed":
                at += timedelta(hours=6)
                closed_at = at
                events.append(event(item_id, "signed_off", leader_id, at, "", "sign_off", "closed"))
            discipline = rng.random() < 0.01
            yield {
                "id": item_id, "campaign_id": campaign_id, "unit_id": unit_id, "serial": serials[unit_id],
                "source": rng.choice(SOURCES), "category": rng.choice(CATEGORIES),
                "description": f"{rng.choice(PROBLEMS)}（{item_id}）", "rectify_type": rectify,
                "goal": "问题整改到位，群众满意", "measures": rng.choice(MEASURES), "leader_id": leader_id,
                "owner_id": owner["id"], "due_on": due, "progress": reports[-1] if reports else "",
                "completion": "已按要求完成整改" if state in ("first_review", "sign_off", "closed") else "",
                "remarks": "", "state": state, "cycle": 1, "closed_at": closed_at,
                "closed_by_id": leader_id if closed_at else None,
                "supervised": state != "closed" and rng.random() < 0.03,
                "instruction": "", "is_discipline": discipline, "handling": "criticism" if discipline else None,
                "person_concerned": "", "dispatch_id": None, "created_by_id": head["id"], "created_at": created,
                "updated_at": at, "version": 1 + len(reports),
            }

    def chunked_items():
        # Items and their events interleaved in chunks, so the province's millions of events never
        # sit in memory at once.
        batch = []
        for row in items():
            batch.append(row)
            if len(batch) >= CHUNK:
                yield batch
                batch = []
        if batch:
            yield batch

    for batch in chunked_items():
        writer.write("ledger_item", batch)
        writer.write("ledger_event", events)
        events.clear()
    writer.write("ledger_counter", [{"campaign_id": campaign_id, "unit_id": u, "last_serial": s}
                                    for u, s in serials.items()])


def _letters(writer, rng, bureau, campaign_id, today, now) -> None:
    admin = next(p for p in bureau.people if p["username"] == "admin")
    writer.write("letter_template", [{
        "id": 1, "campaign_id": campaign_id, "family_id": 1, "version": 1, "title": "作风建设承诺书",
        "body": LETTER_BODY, "status": "published", "target_ranks": "", "due_on": today + timedelta(days=7),
        "created_by_id": admin["id"], "created_at": now - timedelta(days=36), "published_at": now - timedelta(days=35),
    }])
    unit_names = {u["id"]: u["name"] for u in bureau.units}
    skip = {p["id"] for p in bureau.rush} | {p["id"] for p in bureau.people if p["username"] == "staff"}

    def signatures():
        signature_id = 0
        for person in bureau.people:
            if person["id"] in skip or rng.random() > 0.7:
                continue
            signature_id += 1
            signed = now - timedelta(days=rng.uniform(0, 35))
            rendered = LETTER_BODY.format(姓名=person["full_name"], 单位=unit_names[person["unit_id"]],
                                          职务=person["title"], 职级=RANK_LABELS[person["rank"]],
                                          日期=f"{signed:%Y年%m月%d日}")
            yield {"id": signature_id, "template_id": 1, "user_id": person["id"], "unit_id": person["unit_id"],
                   "title": "作风建设承诺书", "rendered_text": rendered,
                   "text_sha256": hashlib.sha256(rendered.encode()).hexdigest(), "typed_name": person["full_name"],
                   "signed_at": signed, "address": "127.0.0.1"}

    writer.write("signature", signatures())


def _checklists(writer, rng, bureau, campaign_id, today, now) -> None:
    admin = next(p for p in bureau.people if p["username"] == "admin")
    writer.write("checklist_template", [{
        "id": 1, "campaign_id": campaign_id, "family_id": 1, "version": 1, "title": "作风建设自查清单",
        "instructions": "对照五方面重点内容逐项自查。", "status": "published", "due_on": today + timedelta(days=10),
        "target_ranks": "", "created_by_id": admin["id"], "created_at": now - timedelta(days=30),
        "published_at": now - timedelta(days=30),
    }])
    sections, items = [], []
    for s, (title, questions) in enumerate(SECTIONS, start=1):
        sections.append({"id": s, "template_id": 1, "title": title, "sort_order": s})
        for q, question in enumerate(questions, start=1):
            items.append({"id": len(items) + 1, "section_id": s, "text": question, "sort_order": q})
    writer.write("checklist_section", sections)
    writer.write("checklist_item", items)
    skip = {p["id"] for p in bureau.rush} | {p["id"] for p in bureau.people if p["username"] == "staff"}
    inspections, answers, events = [], [], []
    for person in bureau.people:
        if person["id"] in skip or person["role"] in ("leader", "inspector") or rng.random() > 0.6:
            continue
        state = rng.choices(["draft", "submitted", "returned", "passed"], [15, 30, 5, 50])[0]
        inspection_id = len(inspections) + 1
        reviewer = bureau.heads.get(person["unit_id"], admin)["id"]
        at = now - timedelta(days=rng.uniform(1, 25))
        inspections.append({
            "id": inspection_id, "template_id": 1, "user_id": person["id"], "unit_id": person["unit_id"],
            "state": state, "submitted_at": None if state == "draft" else at,
            "reviewed_at": at + timedelta(days=1) if state in ("returned", "passed") else None,
            "reviewed_by_id": reviewer if state in ("returned", "passed") else None,
            "return_reason": "请具体说明整改措施" if state == "returned" else "", "created_at": at, "updated_at": at,
            "version": 2,
        })
        answered = items if state != "draft" else items[: rng.randint(0, len(items))]
        for item in answered:
            problem = rng.random() < 0.1
            answers.append({"id": len(answers) + 1, "inspection_id": inspection_id, "item_id": item["id"],
                            "has_problem": problem, "manifestation": "学习不够深入" if problem else "",
                            "measures": "加强学习" if problem else "", "planned_on": None, "ledger_item_id": None})
        if state != "draft":
            events.append({"id": len(events) + 1, "inspection_id": inspection_id, "kind": "submitted",
                           "actor_id": person["id"], "occurred_at": at, "note": ""})
        if state in ("returned", "passed"):
            events.append({"id": len(events) + 1, "inspection_id": inspection_id, "kind": state,
                           "actor_id": reviewer, "occurred_at": at + timedelta(days=1), "note": ""})
    writer.write("self_inspection", inspections)
    writer.write("self_inspection_answer", answers)
    writer.write("self_inspection_event", events)


def _study(writer, scale, rng, bureau, campaign_id, today, now) -> None:
    admin = next(p for p in bureau.people if p["username"] == "admin")
    sessions, targets, attendance = [], [], []
    kinds = ["central", "group", "exchange", "party", "warning_film"]
    for session_id in range(1, scale.sessions + 1):
        unit_id = rng.choice(bureau.offices)
        starts = now - timedelta(days=rng.uniform(1, 45))
        sessions.append({
            "id": session_id, "campaign_id": campaign_id, "kind": rng.choice(kinds), "title": f"专题学习（{session_id}）",
            "starts_at": starts, "ends_at": starts + timedelta(hours=2), "place": "三楼会议室",
            "signin_opens_at": starts - timedelta(minutes=30), "signin_closes_at": starts + timedelta(minutes=30),
            "target_ranks": "", "materials": "", "organiser_id": bureau.heads[unit_id]["id"],
            "organiser_unit_id": unit_id, "created_at": starts - timedelta(days=3),
        })
        targets.append({"session_id": session_id, "unit_id": unit_id})
        for person in bureau.members[unit_id]:
            if rng.random() < 0.9:
                status = rng.choices(["present", "leave", "absent"], [85, 10, 5])[0]
                attendance.append({
                    "id": len(attendance) + 1, "session_id": session_id, "user_id": person["id"], "status": status,
                    "reason": "出差" if status == "leave" else "",
                    "signed_in_at": starts if status == "present" else None,
                    "recorded_by_id": None if status == "present" else bureau.heads[unit_id]["id"],
                    "recorded_at": starts,
                })
    writer.write("study_session", sessions)
    writer.write("study_session_unit", targets)
    writer.write("attendance", attendance)
    readings = [{"id": r, "campaign_id": campaign_id, "kind": "warning_case" if r % 2 else "material",
                 "title": f"警示教育案例（{r}）" if r % 2 else f"学习资料（{r}）", "summary": "", "link": "",
                 "target_ranks": "", "due_on": today + timedelta(days=14), "sort_order": r,
                 "created_by_id": admin["id"], "created_at": now - timedelta(days=40)} for r in range(1, 9)]
    writer.write("reading", readings)

    def acks():
        ack_id = 0
        for person in bureau.people:
            for reading in readings:
                if rng.random() < 0.5:
                    ack_id += 1
                    yield {"id": ack_id, "reading_id": reading["id"], "user_id": person["id"],
                           "read_at": now - timedelta(days=rng.uniform(0, 30))}

    writer.write("reading_ack", acks())


# -- The database ---------------------------------------------------------------------------------
def default_url(scale: str) -> str:
    from app.config import INSTANCE_DIR

    return f"sqlite:///{INSTANCE_DIR / f'bench-{scale}.db'}"


def reset_database(url: str) -> None:
    """An empty database at `url`: the SQLite file removed, or the PostgreSQL schema dropped
    (only for a database whose name says it is for benchmarks)."""
    if url.startswith("sqlite"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"refusing to wipe database {name!r}: its name must contain 'bench'")
    admin_url = url.replace("postgresql+psycopg://", "postgresql://").rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def build(url: str, scale: Scale, echo=print) -> dict[str, int]:
    """Reset the database at `url`, migrate it, seed it at `scale`, and refresh the planner's statistics."""
    from flask_migrate import upgrade

    from app import create_app
    from app.config import normalise_database_url
    from app.extensions import db

    url = normalise_database_url(url)
    started = time.perf_counter()
    reset_database(url)
    app = create_app("development", SQLALCHEMY_DATABASE_URI=url)
    with app.app_context():
        upgrade()
        echo(f"migrated in {time.perf_counter() - started:.1f} s")
        seeded = time.perf_counter()
        with db.engine.begin() as connection:
            counts = seed(connection, scale)
            if connection.dialect.name == "postgresql":
                for table in db.metadata.sorted_tables:
                    if "id" in table.c and table.c.id.primary_key:
                        connection.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('\"{table.name}\"', 'id'), "
                            f"COALESCE((SELECT MAX(id) FROM \"{table.name}\"), 0) + 1, false)"))
        echo(f"seeded {sum(counts.values()):,} rows in {time.perf_counter() - seeded:.1f} s")
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
        else:
            with db.engine.begin() as connection:
                connection.exec_driver_sql("ANALYZE")
        db.engine.dispose()
    echo(f"ready in {time.perf_counter() - started:.1f} s: " + ", ".join(f"{t} {n:,}" for t, n in counts.items()))
    return counts


def main(argv=None) -> None:
    """Seed a benchmark database at the chosen scale."""
    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--scale", choices=SCALES, default="county")
    parser.add_argument("--database-url", help="default: SQLite instance/bench-<scale>.db")
    args = parser.parse_args(argv)
    build(args.database_url or default_url(args.scale), SCALES[args.scale])


if __name__ == "__main__":
    main()
