"""Forms of the register of rules: the entry itself and the small forms behind each action."""
from flask_wtf.file import FileField
from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import DATE_MESSAGE, DeadlineField, Form, PastDayField, choices
from app.regulations.models import RuleAction


class RegulationForm(Form):
    title = StringField("制度名称", validators=[DataRequired("请填写制度名称。"), Length(max=200)],
                        render_kw={"size": 50, "placeholder": "如：窗口服务首问负责制度"})
    document_number = StringField("文号", validators=[Optional(), Length(max=60)],
                                  render_kw={"placeholder": "如：青建发〔2026〕12号（印发时也可填写）"})
    owner_unit_id = SelectField("制定单位", coerce=int)
    action = SelectField("制度类型", choices=choices(RuleAction.choices()))
    summary = TextAreaField("主要内容", validators=[Optional(), Length(max=2000)], render_kw={"rows": 5})
    version = HiddenField()
    submit = SubmitField("保存")

    def __init__(self, units, *args, **kwargs):
        """units: those this person may register rules for."""
        super().__init__(*args, **kwargs)
        self.owner_unit_id.choices = choices((u.id, u.name) for u in units)

    def fields_data(self) -> dict:
        return {
            "title": self.title.data, "document_number": self.document_number.data or "",
            "owner_unit_id": self.owner_unit_id.data, "action": self.action.data, "summary": self.summary.data or "",
        }


class VersionedForm(Form):
    """Every action carries the version of the rule the person was looking at."""

    version = IntegerField(validators=[InputRequired("页面已过期，请刷新后重试。")])


class IssueForm(VersionedForm):
    issued_on = PastDayField("印发日期", validators=[DataRequired(DATE_MESSAGE)])
    next_review_on = DeadlineField("下次复审日期", validators=[Optional()])
    document_number = StringField("文号", validators=[Optional(), Length(max=60)])


class ReviewForm(VersionedForm):
    note = TextAreaField("复审意见", validators=[DataRequired("请填写复审意见。"), Length(max=1000)],
                         render_kw={"rows": 2, "placeholder": "如：经复审，制度内容与当前工作要求相适应，继续执行。"})
    next_review_on = DeadlineField("下次复审日期", validators=[DataRequired(DATE_MESSAGE)])


class AbolishForm(VersionedForm):
    reason = TextAreaField("废止原因", validators=[DataRequired("请填写废止原因。"), Length(max=1000)],
                           render_kw={"rows": 2})


class DocumentForm(VersionedForm):
    file = FileField("制度文件")


class LinkForm(Form):
    """Link a ledger item: chosen from the owner unit's items, or by its 序号 (e.g. 办公室-007)."""

    item_id = SelectField("本单位问题", coerce=int, validate_choice=False)
    code = StringField("或按序号", validators=[Optional(), Length(max=80)],
                       render_kw={"size": 14, "placeholder": "如：办公室-007"})

    def __init__(self, items=(), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.item_id.choices = choices([(0, "（请选择）")] + [(i.id, item_label(i)) for i in items])

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        if ok and not self.item_id.data and not (self.code.data or "").strip():
            self.code.errors.append("请选择要关联的问题，或填写问题序号。")
            ok = False
        return ok


def item_label(item) -> str:
    description = item.description if len(item.description) <= 36 else item.description[:36] + "…"
    return f"{item.code}［{item.state_label}］{description}"
