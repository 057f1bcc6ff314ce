"""Forms shared by every area."""
from flask_wtf import FlaskForm
from wtforms import SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget


class Form(FlaskForm):
    """Every form of the app: WTForms' built-in messages in Simplified Chinese."""

    class Meta:
        locales = ("zh",)


class EmptyForm(Form):
    """Just the CSRF token and a button: for one-click POSTs such as 销号 or 设为当前."""

    submit = SubmitField("确定")


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes: works everywhere, unlike a multi-select box on old browsers."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]
