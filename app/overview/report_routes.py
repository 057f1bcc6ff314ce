"""Reports for reporting upward (情况报告): chosen date range, print view, Excel, Word."""
import re
from datetime import date
from io import BytesIO

from flask import abort, current_app, render_template, request
from flask_login import current_user
from wtforms import SelectField, StringField, SubmitField
from wtforms.validators import ValidationError

from app import policy, xlsx
from app.campaigns.models import current_campaign
from app.extensions import db
from app.forms import Form, choices
from app.htmx import document, render_page_or_fragment
from app.org.models import Unit, units_in_order
from app.overview import bp, report_excel, report_word, reports
from app.templating import today

DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NO_CAMPAIGN = "尚未设置当前专项行动，无法生成情况报告。请先由专项办在“专项行动”中设置当前专项行动。"
# 2026-11-01 (what a date input sends), and what people type where there is none (IE11): 2026/11/1, 2026年11月1日.
DATE_TEXT = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> date:
    match = DATE_TEXT.match(text.strip())
    try:
        return date(*(int(part) for part in match.groups()))
    except (AttributeError, ValueError):  # no match, or no such day
        raise ValidationError(f"“{text[:20]}”不是有效的日期，请按 2026-11-01 的格式填写。") from None


class ReportForm(Form):
    """The period and the unit of a report; read from the address (GET), so no CSRF token."""

    class Meta:
        csrf = False

    start = StringField("开始日期", render_kw={"type": "date", "placeholder": "2026-11-01", "size": 12})
    end = StringField("结束日期", render_kw={"type": "date", "placeholder": "2026-11-30", "size": 12})
    unit = SelectField("统计单位", coerce=lambda value: int(value) if str(value).isdigit() else -1, default=0,
                       validate_choice=False)
    submit = SubmitField("生成报告")

    def __init__(self, units: list[Unit], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit.choices = choices([(0, f"全部（{len(units)} 个单位）")] + [(u.id, u.name) for u in units])
        self.start_on: date | None = None
        self.end_on: date | None = None

    def validate_unit(self, field):
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("请从列表中选择统计单位。")

    # A date left out of the address altogether (?start=… alone) leaves the field's data None.
    def validate_start(self, field):
        if not (field.data or "").strip():
            raise ValidationError("请填写开始日期。")
        self.start_on = parse_date(field.data)

    def validate_end(self, field):
        if not (field.data or "").strip():
            raise ValidationError("请填写结束日期。")
        self.end_on = parse_date(field.data)
        day = today()
        if self.end_on > day:
            raise ValidationError(f"结束日期不能晚于今天（{day:%Y-%m-%d}）。")
        if self.start_on and self.end_on < self.start_on:
            raise ValidationError("结束日期不能早于开始日期。")

    @property
    def period(self) -> reports.Period:
        return reports.Period(self.start_on, self.end_on)

    @property
    def first_error(self) -> str:
        return next(error for errors in self.errors.values() for error in errors)


def _reported_units() -> list[Unit]:
    """The units whose report the person may make: their own, their portfolio, or every unit."""
    return [unit for unit in units_in_order() if policy.can(current_user, "overview.report", unit)]


def _form(campaign) -> tuple[ReportForm, list[Unit]]:
    """The form as the address fills it; a 预设 (本月 …) or no dates at all gives the preset's dates."""
    policy.require("overview.report")
    unit_id = request.args.get("unit", type=int)
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is not None:
            policy.require("overview.report", unit)  # another unit's report: refused, not ignored
    units = _reported_units()
    form = ReportForm(units, formdata=request.args)
    preset = request.args.get("preset", "")
    if campaign is not None and (preset in dict(reports.PRESETS) or not (form.start.data or form.end.data)):
        period = reports.preset_period(preset, campaign, today())
        form.start.data, form.end.data = f"{period.start:%Y-%m-%d}", f"{period.end:%Y-%m-%d}"
    return form, units


def _build(form: ReportForm, campaign, units: list[Unit]) -> reports.Report:
    chosen = [unit for unit in units if unit.id == form.unit.data]
    scope = None if policy.visible_unit_ids(current_user) is None else units
    return reports.build(current_user, campaign, form.period, chosen or scope)


def _report_for_download() -> reports.Report:
    """The report the address asks for, or a 4xx page saying what is wrong with it."""
    campaign = current_campaign()
    form, units = _form(campaign)
    if campaign is None:
        abort(409, NO_CAMPAIGN)
    if not form.validate():
        abort(400, f"{form.first_error}请返回情况报告页面重新选择统计期间和单位。")
    return _build(form, campaign, units)


@bp.route("/overview/report")
def report():
    """情况报告: a period's 新增问题, 推进落实 and 已办结销号 with their counts; print and download links."""
    campaign = current_campaign()
    form, units = _form(campaign)
    context = {"form": form, "campaign": campaign, "presets": reports.PRESETS, "report": None,
               "overdue_definition": reports.OVERDUE_DEFINITION,
               "totals_definition": reports.TOTALS_DEFINITION, "show_units": len(units) > 1}
    status = 200
    if campaign is not None:
        if form.validate():
            context["report"] = _build(form, campaign, units)
        else:
            status = 422
    response = current_app.make_response(
        (render_page_or_fragment("overview/report.html", "overview/_report_tables.html", **context), status)
    )
    response.vary.add("HX-Request")
    return response


@bp.route("/overview/report/print")
@document
def report_print():
    """The one-page A4 summary of a report: its figures and the 分类统计 table, with signature lines."""
    return render_template("overview/report_print.html", report=_report_for_download(),
                           overdue_definition=reports.OVERDUE_DEFINITION,
                           totals_definition=reports.TOTALS_DEFINITION)


@bp.route("/overview/report.xlsx")
@document
def report_xlsx():
    """The report as an Excel workbook: 总体情况, 分类统计 and each of the three lists on its own sheet."""
    report = _report_for_download()
    file = BytesIO()  # a period's items, which the report page shows in full too: small enough for memory
    report_excel.export(file, report)
    response = current_app.response_class(file.getvalue(), mimetype=xlsx.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = xlsx.content_disposition(*reports.filenames(report, "xlsx"))
    return response


@bp.route("/overview/report.docx")
@document
def report_docx():
    """The report as a Word 情况报告 draft, in the fonts and margins of official documents."""
    report = _report_for_download()
    data = report_word.build(report, today())
    response = current_app.response_class(data, mimetype=DOCX_MIMETYPE)
    response.headers["Content-Disposition"] = xlsx.content_disposition(*reports.filenames(report, "docx"))
    return response
