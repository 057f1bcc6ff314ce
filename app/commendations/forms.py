"""The commendation form: a person or a whole unit, the honour, reason, date, issuer, recommendation."""
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from app.commendations.models import Recommendation
from app.forms import DATE_MESSAGE, Form, PastDayField, choices

PERSON, UNIT = "person", "unit"
HONOUR_EXAMPLES = "作风建设先进个人、作风建设先进集体、服务群众标兵、优秀共产党员"


class CommendationForm(Form):
    kind = RadioField("表彰对象", choices=choices([(PERSON, "个人"), (UNIT, "集体（单位）")]), default=PERSON)
    user_id = SelectField("受表彰人员", coerce=int)
    unit_id = SelectField("受表彰单位", coerce=int)
    honour = StringField("荣誉称号", validators=[DataRequired("请填写荣誉称号。"), Length(max=100)],
                         render_kw={"size": 30, "placeholder": "如：作风建设先进个人"})
    reason = TextAreaField("表彰事由", validators=[DataRequired("请填写表彰事由。"), Length(max=2000)],
                           render_kw={"rows": 4})
    awarded_on = PastDayField("表彰日期", validators=[DataRequired(DATE_MESSAGE)])
    issuer = StringField("表彰单位", validators=[DataRequired("请填写表彰单位。"), Length(max=100)],
                         render_kw={"placeholder": "如：局党组"})
    recommendation = SelectField("推荐情况", choices=choices(Recommendation.choices()))
    submit = SubmitField("保存")

    def __init__(self, people, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.user_id.choices = choices(
            [(0, "（请选择）")] + [(u.id, f"{u.unit.name} · {u.full_name}（{u.title}）" if u.title
                                  else f"{u.unit.name} · {u.full_name}") for u in people])
        self.unit_id.choices = choices([(0, "（请选择）")] + [(u.id, u.name) for u in units])

    def validate_user_id(self, field):
        if self.kind.data == PERSON and not field.data:
            raise ValidationError("请选择受表彰人员。")

    def validate_unit_id(self, field):
        if self.kind.data == UNIT and not field.data:
            raise ValidationError("请选择受表彰单位。")

    def validate_recommendation(self, field):
        if self.kind.data == UNIT and field.data != Recommendation.NONE:
            raise ValidationError("推荐提拔使用和职级晋升推荐只适用于个人，集体表彰请选“无”。")

    def values(self) -> dict:
        person = self.kind.data == PERSON
        return {
            "user_id": self.user_id.data if person else None, "unit_id": None if person else self.unit_id.data,
            "honour": self.honour.data, "reason": self.reason.data, "awarded_on": self.awarded_on.data,
            "issuer": self.issuer.data, "recommendation": self.recommendation.data,
        }

