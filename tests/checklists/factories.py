"""Checklists for tests, built through the services like 专项办 would."""
from app.checklists import services
from app.checklists.services import AnswerInput, SectionInput
from app.extensions import db

SECTIONS = [
    ("工作效率", ["效率低下，办事拖拉，不能按规定时限办结", "首问负责、一次性告知、限时办结等制度落实不到位"]),
    ("纪律意识", ["纪律意识淡薄，迟到早退，工作时间脱岗离岗"]),
    ("廉洁自律", ["吃拿卡要，收受管理服务对象礼品礼金、接受宴请"]),
    ("学风会风", ["会风会纪不严"]),  # not one of the ledger's categories: its problems file as 其他
]


def make_checklist(admin, campaign, sections=SECTIONS, publish: bool = True, ranks=(), unit_ids=(), **fields):
    template = services.save_template(
        None, admin, campaign, title=fields.pop("title", "个人自查清单"), instructions=fields.pop("instructions", ""),
        due_on=fields.pop("due_on", None), ranks=list(ranks), unit_ids=list(unit_ids),
        sections=[SectionInput(title, list(items)) for title, items in sections],
    )
    if publish:
        services.publish(template, admin)
    db.session.flush()
    return template


def items_of(template):
    return services.template_items(template)


def all_no(template) -> list[AnswerInput]:
    return [AnswerInput(item.id, False) for item in items_of(template)]


def with_problems(template, problems: dict[int, tuple]) -> list[AnswerInput]:
    """否 everywhere except the items (by position) given as (具体表现, 整改措施, planned date)."""
    answers = []
    for n, item in enumerate(items_of(template)):
        if n in problems:
            manifestation, measures, planned = problems[n]
            answers.append(AnswerInput(item.id, True, manifestation, measures, planned))
        else:
            answers.append(AnswerInput(item.id, False))
    return answers


def form_data(template, answers: list[AnswerInput], action: str = "draft", version=None) -> dict:
    """The 自查表 page's fields as the browser posts them."""
    data = {"action": action}
    if version is not None:
        data["version"] = str(version)
    for answer in answers:
        if answer.has_problem is not None:
            data[f"answer-{answer.item_id}"] = "yes" if answer.has_problem else "no"
        data[f"manifestation-{answer.item_id}"] = answer.manifestation
        data[f"measures-{answer.item_id}"] = answer.measures
        data[f"planned_on-{answer.item_id}"] = answer.planned_on.isoformat() if answer.planned_on else ""
    return data
