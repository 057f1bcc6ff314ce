"""Checklist forms: the 自查表 (one field group per item, read by hand), review, and the template editor."""
from dataclasses import dataclass
from datetime import datetime

from wtforms import FieldList, FormField, HiddenField, IntegerField, SelectMultipleField, StringField, TextAreaField
from wtforms import Form as SubForm
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.checklists.services import MAX_TEXT, AnswerInput, SectionInput
from app.forms import DATE_MESSAGE, DeadlineField, Form, choices, too_long
from app.org.models import RANK_LABELS


# -- The 自查表 ---------------------------------------------------------------------------------------
class InspectionForm(Form):
    """The CSRF token and the version of the 自查表 the person opened (empty: not started yet).

    The answers have one field group per checklist item, named answer-<id>, manifestation-<id>,
    measures-<id>, planned_on-<id>; AnswerValues reads them, since their number varies.
    """

    version = IntegerField(validators=[Optional()])


@dataclass
class AnswerValues:
    """One item's fields exactly as typed, so that a refused form comes back with every character."""

    answer: str = ""  # "yes", "no" or ""
    manifestation: str = ""
    measures: str = ""
    planned_on: str = ""

    @classmethod
    def from_answer(cls, answer) -> "AnswerValues":
        flag = {True: "yes", False: "no"}.get(answer.has_problem, "")
        planned = answer.planned_on.strftime("%Y-%m-%d") if answer.planned_on else ""
        return cls(flag, answer.manifestation or "", answer.measures or "", planned)

    @classmethod
    def from_form(cls, formdata, item_id: int) -> "AnswerValues":
        answer = formdata.get(f"answer-{item_id}", "")
        return cls(
            answer if answer in ("yes", "no") else "",
            formdata.get(f"manifestation-{item_id}", ""), formdata.get(f"measures-{item_id}", ""),
            formdata.get(f"planned_on-{item_id}", "").strip(),
        )


def read_answers(formdata, items) -> tuple[dict[int, AnswerValues], list[AnswerInput], dict[int, list[str]]]:
    """The values typed for each item, the answers they make, and what cannot be read (a date in
    the wrong format, a text too long): refused for a draft too, since it could not be stored."""
    values, answers, errors = {}, [], {}
    for item in items:
        typed = values[item.id] = AnswerValues.from_form(formdata, item.id)
        messages = []
        planned_on = None
        if typed.planned_on:
            try:
                planned_on = datetime.strptime(typed.planned_on, "%Y-%m-%d").date()  # noqa: DTZ007 - a calendar day
            except ValueError:
                messages.append(DATE_MESSAGE)
        for label, text in (("具体表现", typed.manifestation), ("整改措施", typed.measures)):
            if len(text.strip()) > MAX_TEXT:
                messages.append(too_long(label, MAX_TEXT, len(text.strip())))
        if messages:
            errors[item.id] = messages
        answers.append(AnswerInput(
            item.id, {"yes": True, "no": False}.get(typed.answer), typed.manifestation, typed.measures, planned_on,
        ))
    return values, answers, errors


# -- Review --------------------------------------------------------------------------------------------
class ReviewForm(Form):
    """通过 (an optional note) or 退回 (the service asks for a reason in Chinese)."""

    version = IntegerField(validators=[DataRequired("页面已过期，请刷新后重试。")])
    note = StringField("意见", validators=[Optional(), Length(max=500)])
    reason = StringField("退回原因", validators=[Length(max=500)])
    next = HiddenField()


# -- The template editor (专项办) -------------------------------------------------------------------
class SectionForm(SubForm):
    """One 方面: its name and its items, one per line (works without JavaScript)."""

    class Meta:
        locales = ("zh",)

    title = StringField("方面", validators=[Optional(), Length(max=60)])
    items = TextAreaField("自查项目（每行一项）", validators=[Optional(), Length(max=5000)])


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class TemplateForm(Form):
    title = StringField("清单名称", validators=[DataRequired("请填写清单名称。"), Length(max=120)])
    instructions = TextAreaField("填写说明", validators=[Optional(), Length(max=2000)])
    due_on = DeadlineField("填报截止日期", validators=[Optional()])
    ranks = MultiCheckboxField("填报人员层级（不选为全部）", choices=choices(RANK_LABELS.items()))
    unit_ids = MultiCheckboxField("填报单位（不选为全部单位，含局领导班子）", coerce=int)
    sections = FieldList(FormField(SectionForm), min_entries=1)

    EXTRA_SECTIONS = 2  # blank 方面 offered below the filled ones, to add without JavaScript

    def __init__(self, units, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_ids.choices = choices((unit.id, unit.name) for unit in units)

    def show_sections(self, sections) -> None:
        """(title, items text) pairs, then blank 方面 to add more."""
        while len(self.sections):
            self.sections.pop_entry()
        for title, items in sections:
            self.sections.append_entry({"title": title, "items": items})
        for _ in range(self.EXTRA_SECTIONS):
            self.sections.append_entry()

    def section_inputs(self) -> list[SectionInput]:
        return [SectionInput(entry.title.data or "", (entry.items.data or "").splitlines()) for entry in self.sections]

    def template_fields(self) -> dict:
        return {
            "title": self.title.data, "instructions": self.instructions.data or "", "due_on": self.due_on.data,
            "ranks": self.ranks.data or [], "unit_ids": self.unit_ids.data or [], "sections": self.section_inputs(),
        }
