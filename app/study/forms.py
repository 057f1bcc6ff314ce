"""Study forms: a session, a speaker, a reading, a reflection and its review."""
from datetime import time

from wtforms import HiddenField, IntegerField, SelectField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import DATE_MESSAGE, DayField, DeadlineField, Form, MultiCheckboxField, choices
from app.org.models import RANK_LABELS
from app.study.models import ReadingKind, SessionKind

TIME_MESSAGE = "请按 14:30 的格式填写时间。"


class ClockField(TimeField):
    """A time of day as 14:30, with our own message for one that is not (old browsers have no picker)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(TIME_MESSAGE) from None


def _time(label: str, default: time) -> ClockField:
    return ClockField(label, default=default, validators=[InputRequired(TIME_MESSAGE)],
                      render_kw={"placeholder": "14:30", "class": "time"})


class SessionForm(Form):
    kind = SelectField("活动形式", choices=choices(SessionKind.choices()))
    title = StringField("主题", validators=[DataRequired("请填写学习活动的主题。"), Length(max=200)])
    day = DayField("日期", validators=[InputRequired(DATE_MESSAGE)])
    starts = _time("开始时间", time(9, 0))
    ends = _time("结束时间", time(11, 0))
    signin_opens = _time("签到开始", time(8, 30))
    signin_closes = _time("签到截止", time(9, 30))
    place = StringField("地点", validators=[Optional(), Length(max=100)])
    target_ranks = MultiCheckboxField("参加人员层级（不选为全部）", choices=choices(RANK_LABELS.items()))
    target_units = MultiCheckboxField("参加单位（不选为全部单位）", coerce=int)
    materials = TextAreaField("学习材料", validators=[Optional(), Length(max=5000)])
    submit = SubmitField("保存")

    def validate_signin_closes(self, field):
        """Sign-in closes by the end of the session: nobody signs in to what is over."""
        ends, starts = self.ends.data, self.starts.data
        if field.data is not None and ends is not None and starts is not None and starts < ends < field.data:
            raise ValidationError(f"签到截止不能晚于结束时间（{self.ends.data:%H:%M}）。")

    def __init__(self, units, *args, **kwargs):
        """units: those the person may name as attending (None: their own unit only, not a choice)."""
        super().__init__(*args, **kwargs)
        if units is None:
            del self.target_units
        else:
            self.target_units.choices = choices((unit.id, unit.name) for unit in units)


class CancelSessionForm(Form):
    reason = TextAreaField("取消原因", validators=[DataRequired("请填写取消原因。"), Length(max=500)],
                           render_kw={"rows": 2})


class SpeakerForm(Form):
    user_id = SelectField("发言人", coerce=int, validate_choice=False)
    topic = StringField("发言题目", validators=[DataRequired("请填写发言题目。"), Length(max=200)])
    submit = SubmitField("登记发言")


class ReadingForm(Form):
    kind = SelectField("类别", choices=choices(ReadingKind.choices()))
    title = StringField("标题", validators=[DataRequired("请填写标题。"), Length(max=200)])
    summary = TextAreaField("内容摘要", validators=[Optional(), Length(max=5000)])
    link = StringField("链接（可选）", validators=[Optional(), Length(max=500)],
                       render_kw={"placeholder": "http://"})
    target_ranks = MultiCheckboxField("阅读人员层级（不选为全部）", choices=choices(RANK_LABELS.items()))
    due_on = DeadlineField("阅读期限", validators=[Optional()])
    sort_order = IntegerField("排序号", default=0,
                              validators=[Optional(), NumberRange(0, 9999, "排序号应在 0 至 9999 之间。")])
    submit = SubmitField("保存")

    def reading_fields(self) -> dict:
        return {
            "kind": self.kind.data, "title": self.title.data, "summary": self.summary.data or "",
            "link": self.link.data or "", "target_ranks": self.target_ranks.data or [], "due_on": self.due_on.data,
            "sort_order": self.sort_order.data or 0,
        }


class ReflectionForm(Form):
    session_id = SelectField("针对", coerce=int, validate_choice=False)
    title = StringField("标题", validators=[DataRequired("请填写标题。"), Length(max=200)])
    body = TextAreaField("心得内容", validators=[Length(max=20000)])
    version = HiddenField()
    save = SubmitField("保存草稿")
    submit = SubmitField("提交审阅")


class ReviewForm(Form):
    """合格 or 退回修改 (a comment is then required: the service says so in Chinese)."""

    decision = HiddenField(validators=[DataRequired("请选择合格或退回修改。")])
    comment = StringField("修改意见", validators=[Optional(), Length(max=500)])
    version = IntegerField(validators=[InputRequired("页面已过期，请刷新后重试。")])
    next = HiddenField()
