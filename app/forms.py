"""Forms shared by every area."""
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.fields.choices import SelectChoice


class Form(FlaskForm):
    """Every form of the app: WTForms' built-in messages in Simplified Chinese."""

    class Meta:
        locales = ("zh",)


class EmptyForm(Form):
    """Just the CSRF token and a button: for one-click POSTs such as 销号 or 设为当前."""

    submit = SubmitField("确定")


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
