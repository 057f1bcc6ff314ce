"""Ledger forms: the item itself and the small forms behind each action button."""
from flask_wtf.file import MultipleFileField
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.extensions import db
from app.forms import DATE_MESSAGE, DeadlineField, Form, choices
from app.ledger.models import CATEGORIES, Handling, RectifyType, Source
from app.org.models import Role, User


class LedgerItemForm(Form):
    unit_id = SelectField("责任单位", coerce=int)
    source = SelectField("问题来源", choices=choices(Source.choices()))
    category = SelectField("问题类别", choices=choices((c, c) for c in CATEGORIES))
    description = TextAreaField("问题描述", validators=[DataRequired("请填写问题描述。"), Length(max=2000)])
    rectify_type = SelectField("整改类型", choices=choices(RectifyType.choices()))
    goal = TextAreaField("整改目标", validators=[Optional(), Length(max=1000)])
    measures = TextAreaField("整改措施", validators=[DataRequired("请填写整改措施。"), Length(max=2000)])
    leader_id = SelectField("责任领导", coerce=int)
    owner_id = SelectField("责任人", coerce=int)
    due_on = DeadlineField("整改时限", validators=[Optional()])
    remarks = TextAreaField("备注", validators=[Optional(), Length(max=1000)])
    version = HiddenField()
    submit = SubmitField("保存")

    def __init__(self, units, leaders, people, *args, unit_leaders: dict | None = None, **kwargs):
        """units/leaders/people: what this person may choose from; unit_leaders: each unit's 分管
        leader (unit id → leader id), proposed as 责任领导 when the unit is chosen (static/js/app.js).

        People come grouped by unit and leaders with the units they are in charge of, for the filter
        box app.js puts above each select (by name or unit); without JavaScript the select is all.
        Nobody is chosen as 责任人 until someone is: the first of the list is not made responsible."""
        super().__init__(*args, **kwargs)
        unit_leaders = unit_leaders or {}
        self.unit_id.choices = [
            SelectChoice(u.id, u.name, render_kw={"data-leader": unit_leaders[u.id]} if u.id in unit_leaders else {})
            for u in units]
        self.leader_id.choices = [SelectChoice(0, "（请选择）")] + [
            SelectChoice(u.id, f"{u.full_name}（{u.title}）" if u.title else u.full_name,
                         render_kw={"data-search": "分管：" + "、".join(p.name for p in u.portfolio_units)}
                         if u.portfolio_units else {})
            for u in leaders]
        self.owner_id.choices = [SelectChoice(0, "（请选择责任人）")] + [
            SelectChoice(u.id, f"{u.full_name}（{u.title}）" if u.title else u.full_name, optgroup=u.unit.name)
            for u in people]
        for chooser in (self.owner_id, self.leader_id):
            chooser.render_kw = {"data-filter": "按姓名或单位筛选"}

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if self.due_on.data is None and not self.due_on.errors and self.rectify_type.data != RectifyType.LONG_TERM:
            self.due_on.errors.append("立行立改和限期整改的问题须填写整改时限。")
            ok = False
        return ok

    def validate_owner_id(self, field):
        if not field.data:
            raise ValidationError("请选择责任人。")
        owner = db.session.get(User, field.data)
        if owner is None or owner.unit_id != self.unit_id.data or not owner.active:
            raise ValidationError("责任人须是责任单位在岗人员。")

    def validate_leader_id(self, field):
        if not field.data:
            raise ValidationError("请选择责任领导。")
        leader = db.session.get(User, field.data)
        if leader is None or leader.role != Role.LEADER:
            raise ValidationError("责任领导须是班子成员。")

    def item_fields(self) -> dict:
        return {
            "unit_id": self.unit_id.data, "source": self.source.data, "category": self.category.data,
            "description": self.description.data.strip(), "rectify_type": self.rectify_type.data,
            "goal": (self.goal.data or "").strip(), "measures": self.measures.data.strip(),
            "leader_id": self.leader_id.data, "owner_id": self.owner_id.data, "due_on": self.due_on.data,
            "remarks": (self.remarks.data or "").strip(),
        }


def active_leaders():
    """The leaders to choose a 责任领导 from, with their portfolios (searched by unit)."""
    return db.session.scalars(
        select(User).where(User.role == Role.LEADER, User.active.is_(True)).order_by(User.id)
        .options(selectinload(User.portfolio_units))
    ).all()


class VersionedForm(Form):
    """Every action carries the version of the item the person was looking at."""

    version = IntegerField(validators=[InputRequired("页面已过期，请刷新后重试。")])
    next = HiddenField()


class NoteForm(VersionedForm):
    """初审通过 / 销号: an optional remark."""

    note = StringField("意见", validators=[Optional(), Length(max=500)])


class ReasonForm(VersionedForm):
    """退回 / 重新打开: a reason is required (the service says so in Chinese)."""

    reason = StringField("原因", validators=[Length(max=500)])


class ProgressForm(VersionedForm):
    text = TextAreaField("整改进展", validators=[DataRequired("请填写整改进展。"), Length(max=2000)])
    files = MultipleFileField("佐证材料")


class SubmitForm(VersionedForm):
    completion = TextAreaField("完成情况", validators=[DataRequired("请填写完成情况。"), Length(max=2000)])


class CloseNowForm(VersionedForm):
    note = TextAreaField("整改情况说明", validators=[DataRequired("请填写整改情况说明。"), Length(max=1000)])


class SuperviseForm(VersionedForm):
    instruction = TextAreaField("批示", validators=[DataRequired("请填写批示内容。"), Length(max=1000)])


class ExtensionForm(VersionedForm):
    new_due_on = DeadlineField("新的整改时限", validators=[DataRequired(DATE_MESSAGE)])
    reason = TextAreaField("延期理由", validators=[DataRequired("请填写延期理由。"), Length(max=1000)])


class DecideExtensionForm(Form):
    decision = RadioField("审批意见", choices=choices([("approve", "同意延期"), ("refuse", "不同意")]),
                          validators=[InputRequired("请选择同意或不同意。")])
    note = StringField("说明", validators=[Optional(), Length(max=500)])
    next = HiddenField()


class HandlingForm(VersionedForm):
    handling = SelectField("查处方式", choices=choices(Handling.choices()))
    person = StringField("涉及人员", validators=[DataRequired("请填写涉及人员。"), Length(max=60)])
    note = TextAreaField("查处情况", validators=[Optional(), Length(max=1000)])
