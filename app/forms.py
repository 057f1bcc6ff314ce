"""Forms shared by every area, and the one rule for each kind of date.

Dates come in three kinds, each with one field class used by every form that has one:
- DayField: any day (a campaign's phases, a session's day): it must just be a date;
- DeadlineField: a day by which something is due (整改时限, 答复时限, 签署截止, 阅读期限 …):
  not before today. A form editing a record keeps the record's own deadline as the field's
  object_data, so an unchanged old deadline (an overdue item corrected for something else) still
  saves; a changed one must not lie in the past;
- PastDayField: a day on which something happened (印发日期, 表彰日期): not after today.
"Today" is the bureau's (app.templating.today), the app's one clock.
"""
from flask_wtf import FlaskForm
from wtforms import DateField, SelectMultipleField, SubmitField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

DATE_MESSAGE = "请按 2026-11-26 的格式填写日期。"  # an example after a mistake, never a placeholder
DATE_HINT = "格式：年-月-日"


class Form(FlaskForm):
    """Every form of the app: WTForms' built-in messages in Simplified Chinese, and a text over its
    limit refused with the field named (WTForms' own message names no field)."""

    class Meta:
        locales = ("zh",)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            limit = field.flags.maxlength
            if limit and isinstance(field.data, str) and len(field.data) > limit:
                generic = field.ngettext("Field cannot be longer than %(max)d character.",
                                         "Field cannot be longer than %(max)d characters.", limit) % {"max": limit}
                field.errors[:] = [too_long(field.label.text, limit, len(field.data)),
                                   *(error for error in field.errors if error != generic)]
        return ok


def too_long(label: str, limit: int, length: int) -> str:
    """The one message for a text over its limit: which field, the limit, how long it is."""
    return f"{label}不超过 {limit} 字（现有 {length} 字），请精简后再提交。"


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


class DayField(DateField):
    """A day as 2026-11-26, with the format stated as a hint (never a placeholder: IE11 shows a
    placeholder as if it were a value) and our own message for text that is not a date."""

    def __init__(self, label=None, validators=None, description=DATE_HINT, **kwargs):
        super().__init__(label, validators, description=description, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(DATE_MESSAGE) from None


def not_before_today(form, field) -> None:
    """A deadline must not have passed already, unless it is the record's own, unchanged."""
    from app.templating import format_date, today  # not at the top: templating imports the blueprints' forms

    if field.data is not None and field.data < today() and field.data != field.object_data:
        raise ValidationError(f"{field.label.text}不能早于今天（{format_date(today())}）。")


def not_after_today(form, field) -> None:
    """A day on which something happened cannot lie ahead."""
    from app.templating import format_date, today

    if field.data is not None and field.data > today():
        raise ValidationError(f"{field.label.text}不能晚于今天（{format_date(today())}）。")


class DeadlineField(DayField):
    """A day by which something is due: today or later (see not_before_today)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or []), not_before_today], **kwargs)


class PastDayField(DayField):
    """A day on which something happened: today or earlier."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [*(validators or []), not_after_today], **kwargs)
