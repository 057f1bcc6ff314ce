"""The campaign form: title, year and the four phases' dates (时间节点)."""
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.campaigns.models import PHASE_ORDER
from app.forms import DATE_MESSAGE, DayField, Form


class CampaignForm(Form):
    title = StringField("专项行动名称", validators=[DataRequired("请填写专项行动名称。"), Length(max=120)])
    year = IntegerField(
        "年度",
        validators=[DataRequired("请填写年度。"), NumberRange(2000, 2100, "年度应在 2000 至 2100 之间。")],
    )
    description = TextAreaField("工作方案摘要", validators=[Optional(), Length(max=4000)])
    submit = SubmitField("保存")

    def phase_fields(self):
        """(phase kind, start field, end field) in campaign order, for the template."""
        return [(kind, self[f"{kind}_starts_on"], self[f"{kind}_ends_on"]) for kind in PHASE_ORDER]

    def validate(self, extra_validators=None) -> bool:
        if not super().validate(extra_validators):
            return False
        ok = True
        previous = None
        for kind, start, end in self.phase_fields():
            if start.data > end.data:
                end.errors.append(f"{kind.label}阶段的结束日期不能早于开始日期。")
                ok = False
            if previous is not None and start.data < previous.data:
                start.errors.append(f"{kind.label}阶段不能早于上一阶段开始。")
                ok = False
            previous = start
        return ok


for _kind in PHASE_ORDER:
    setattr(CampaignForm, f"{_kind}_starts_on",
            DayField(f"{_kind.label}开始", validators=[DataRequired(DATE_MESSAGE)]))
    setattr(CampaignForm, f"{_kind}_ends_on",
            DayField(f"{_kind.label}结束", validators=[DataRequired(DATE_MESSAGE)]))
