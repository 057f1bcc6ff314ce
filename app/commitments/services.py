"""Commitment letters under their rules: templates drafted, published and revised; letters signed.

A template is a version of a family. Only a draft may be edited; publishing a draft makes it the
family's current version and supersedes the one before, so everyone must sign the new text; the
old signatures stay as they were. A signature stores the text as rendered for the person on the
day (with its SHA-256), so later edits or versions never change what someone signed.

Each function checks the state, changes the records, appends an audit row and leaves the commit
to the route. Two signatures of one person on one version are refused here (Conflict), and by
the unique constraint underneath when two requests race (the route turns IntegrityError into 409).
"""
import hashlib
import re
import unicodedata
from datetime import date, datetime

from sqlalchemy import func, select

from app import audit
from app.checklists.models import TemplateStatus
from app.commitments.models import PLACEHOLDERS, LetterTemplate, Signature
from app.database import utcnow
from app.extensions import db
from app.org.models import Rank
from app.templating import format_datetime, local_zone

PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


class LetterError(Exception):
    """A refused change, with the Chinese message to show."""

    status = 422


class Conflict(LetterError):
    """Already done, or the letter is no longer in a state that allows this."""

    status = 409


class Invalid(LetterError):
    status = 422


# -- Rendering --------------------------------------------------------------------------------
def letter_date(day: date) -> str:
    """A date as official letters write it: 2026年11月30日."""
    return f"{day.year}年{day.month}月{day.day}日"


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces that are not placeholders, e.g. {部门} or {姓 名}."""
    return [name for name in PLACEHOLDER.findall(text) if name not in PLACEHOLDERS]


def render(template: LetterTemplate, user, day: date) -> str:
    """The letter's body for `user` on `day`: {姓名} {单位} {职务} {职级} {日期} filled in."""
    values = {
        "姓名": user.full_name,
        "单位": user.unit.name,
        "职务": user.title or Rank(user.rank).label,
        "职级": Rank(user.rank).label,
        "日期": letter_date(day),
    }
    text = PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template.body)
    # One paragraph a line; blank lines and trailing spaces carry no meaning on paper.
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def must_sign(template: LetterTemplate, user) -> bool:
    """Active people whose rank level the letter names (none named: everyone)."""
    return bool(user.active) and (not template.rank_list or user.rank in template.rank_list)


def normalise_name(name: str) -> str:
    """A typed name compared as written: full-width forms folded, spaces removed ("张  三" → "张三"),
    and the several middle dots of minority names ("买买提·艾力") made one."""
    name = unicodedata.normalize("NFKC", name or "")
    name = re.sub(r"\s+", "", name)
    return re.sub(r"[\u00b7\u2022\u2027\u30fb\uff65\u2219]", "·", name)


# -- Signing ----------------------------------------------------------------------------------
def signature_of(template: LetterTemplate, user) -> Signature | None:
    return db.session.scalar(
        select(Signature).where(Signature.template_id == template.id, Signature.user_id == user.id)
    )


def already_signed_message(signature: Signature) -> str:
    return f"您已于 {format_datetime(signature.signed_at)} 签署过本承诺书，无需重复签署。"


def sign(template: LetterTemplate, user, typed_name: str, address: str, now: datetime | None = None) -> Signature:
    """`user` signs `template`: the text rendered for them today is stored with its hash."""
    if template.status == TemplateStatus.SUPERSEDED:
        raise Conflict("该承诺书已发布新版本，请刷新页面，阅读并签署新版本。")
    if template.status != TemplateStatus.PUBLISHED:
        raise Conflict("该承诺书尚未发布，暂不能签署。")
    if not must_sign(template, user):
        raise Invalid("本承诺书不要求您签署。")
    existing = signature_of(template, user)
    if existing is not None:
        raise Conflict(already_signed_message(existing))
    typed = (typed_name or "").strip()
    if not typed:
        raise Invalid("请输入您本人的姓名。")
    if normalise_name(typed) != normalise_name(user.full_name):
        raise Invalid("签名与您的姓名不一致：请输入您本人的姓名（与系统登记的姓名相同）。"
                      "如系统登记的姓名有误，请联系专项办更正。")
    now = now or utcnow()
    text = render(template, user, now.astimezone(local_zone()).date())
    signature = Signature(
        template_id=template.id, user_id=user.id, unit_id=user.unit_id, title=template.title,
        rendered_text=text, text_sha256=text_hash(text), typed_name=typed[:40], signed_at=now,
        address=(address or "")[:64],
    )
    db.session.add(signature)
    db.session.flush()  # the unique constraint speaks here when two requests race
    audit.record("letter.signed", signature, f"签署承诺书《{template.title}》（第 {template.version} 版）",
                 template_id=template.id, version=template.version, sha256=signature.text_sha256,
                 typed_name=signature.typed_name, actor=user)
    return signature


# -- Templates --------------------------------------------------------------------------------
def _check_body(body: str) -> None:
    unknown = unknown_placeholders(body)
    if unknown:
        raise Invalid("正文中有无法识别的占位符：" + "、".join("{" + n + "}" for n in unknown)
                      + "。可用的占位符：" + "、".join("{" + n + "}" for n in PLACEHOLDERS) + "。")


def create_template(actor, campaign, *, title: str, body: str, target_ranks: list[str], due_on: date | None
                    ) -> LetterTemplate:
    """A new letter (its family's version 1), as a draft."""
    _check_body(body)
    template = LetterTemplate(
        campaign_id=campaign.id, version=1, title=title.strip(), body=body.strip(),
        status=TemplateStatus.DRAFT, target_ranks=",".join(target_ranks), due_on=due_on, created_by_id=actor.id,
    )
    db.session.add(template)
    db.session.flush()
    template.family_id = template.id
    audit.record("letter.template_created", template, f"新建承诺书《{template.title}》（草稿）", actor=actor)
    return template


def edit_template(template: LetterTemplate, actor, *, title: str, body: str, target_ranks: list[str],
                  due_on: date | None) -> None:
    if template.status != TemplateStatus.DRAFT:
        raise Conflict(f"该承诺书{template.status_label}，不能直接修改。如需修改，请“修订”生成新版本。")
    _check_body(body)
    fields = {"title": title.strip(), "body": body.strip(), "target_ranks": ",".join(target_ranks), "due_on": due_on}
    changed = sorted(name for name, value in fields.items() if getattr(template, name) != value)
    if not changed:
        return
    for name in changed:
        setattr(template, name, fields[name])
    audit.record("letter.template_edited", template, f"修改承诺书《{template.title}》第 {template.version} 版（草稿）",
                 fields=changed, actor=actor)


def current_version(family_id: int) -> LetterTemplate | None:
    """The family's published version, if any."""
    return db.session.scalar(
        select(LetterTemplate).where(LetterTemplate.family_id == family_id,
                                     LetterTemplate.status == TemplateStatus.PUBLISHED)
    )


def publish(template: LetterTemplate, actor) -> LetterTemplate | None:
    """The draft becomes its family's current version; the version before (returned) is superseded.
    Everyone asked to sign must sign the new version; their signatures of the old one remain."""
    if template.status != TemplateStatus.DRAFT:
        raise Conflict(f"该承诺书{template.status_label}，不能再次发布。")
    _check_body(template.body)
    previous = current_version(template.family_id)
    if previous is not None:
        previous.status = TemplateStatus.SUPERSEDED
        db.session.flush()  # one published version per family, in the order the rows change
    template.status = TemplateStatus.PUBLISHED
    template.published_at = utcnow()
    summary = f"发布承诺书《{template.title}》第 {template.version} 版"
    if previous is not None:
        summary += f"，替代第 {previous.version} 版（须重新签署）"
    audit.record("letter.published", template, summary, superseded_id=previous.id if previous else None,
                 actor=actor)
    return previous


def revise(template: LetterTemplate, actor) -> LetterTemplate:
    """A new draft version of a published letter, its text copied for editing."""
    if template.status != TemplateStatus.PUBLISHED:
        raise Conflict("只能修订当前已发布的版本。")
    draft = db.session.scalar(
        select(LetterTemplate).where(LetterTemplate.family_id == template.family_id,
                                     LetterTemplate.status == TemplateStatus.DRAFT)
    )
    if draft is not None:
        raise Conflict(f"该承诺书已有待发布的第 {draft.version} 版草稿，请直接修改该草稿。")
    last = db.session.scalar(
        select(func.max(LetterTemplate.version)).where(LetterTemplate.family_id == template.family_id)
    )
    new = LetterTemplate(
        campaign_id=template.campaign_id, family_id=template.family_id, version=last + 1, title=template.title,
        body=template.body, status=TemplateStatus.DRAFT, target_ranks=template.target_ranks,
        due_on=template.due_on, created_by_id=actor.id,
    )
    db.session.add(new)
    db.session.flush()
    audit.record("letter.revised", new, f"修订承诺书《{new.title}》：第 {new.version} 版草稿", based_on=template.id,
                 actor=actor)
    return new


def discard_draft(template: LetterTemplate, actor) -> None:
    """Delete a draft that was never published (nobody has seen or signed it)."""
    if template.status != TemplateStatus.DRAFT:
        raise Conflict(f"该承诺书{template.status_label}，不能删除。")
    audit.record("letter.draft_discarded", template, f"删除承诺书《{template.title}》第 {template.version} 版草稿",
                 actor=actor)
    db.session.delete(template)
