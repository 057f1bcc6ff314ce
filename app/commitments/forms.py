"""Commitment-letter forms: signing, and the template 专项办 writes."""
from wtforms import BooleanField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.commitments.models import PLACEHOLDERS
from app.commitments.services import unknown_placeholders
from app.forms import DeadlineField, Form, MultiCheckboxField, choices
from app.org.models import RANK_LABELS

PROMISE = "本人已认真阅读并郑重承诺"
PLACEHOLDER_LIST = "、".join("{" + name + "}" for name in PLACEHOLDERS)


class SignForm(Form):
    promise = BooleanField(PROMISE, validators=[DataRequired(f"请先勾选“{PROMISE}”。")])
    typed_name = StringField("签名", validators=[DataRequired("请输入您本人的姓名。"), Length(max=40)],
                             render_kw={"autocomplete": "off", "placeholder": "请输入您的姓名"})
    submit = SubmitField("签署")


class LetterTemplateForm(Form):
    title = StringField("标题", validators=[DataRequired("请填写标题。"), Length(max=120)],
                        render_kw={"placeholder": "作风建设承诺书"})
    body = TextAreaField("正文", validators=[DataRequired("请填写正文。"), Length(max=10000)])
    target_ranks = MultiCheckboxField("须签署的职级", choices=choices(RANK_LABELS.items()))
    due_on = DeadlineField("签署截止日期", validators=[Optional()])
    submit = SubmitField("保存")

    def validate_body(self, field):
        unknown = unknown_placeholders(field.data or "")
        if unknown:
            raise ValidationError("无法识别的占位符：" + "、".join("{" + n + "}" for n in unknown)
                                  + f"。可用的占位符：{PLACEHOLDER_LIST}。")

    def template_fields(self) -> dict:
        return {"title": self.title.data, "body": self.body.data, "target_ranks": list(self.target_ranks.data or []),
                "due_on": self.due_on.data}
