"""Ledger views for Excel: export the filtered ledger, download the import template, import a unit's ledger."""
import tempfile

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, SubmitField

from app import policy, xlsx
from app.campaigns.models import current_campaign
from app.extensions import db
from app.forms import Form, choices
from app.htmx import document
from app.ledger import bp, excel
from app.ledger.forms import active_leaders
from app.ledger.queries import LedgerFilters
from app.org.models import Unit, User, units_in_order
from app.templating import today

# The page shows at most this many problems; a file with more has a systematic mistake anyway.
SHOWN_PROBLEMS = 500
# The workbook is built in memory up to this size, then on disk: memory does not grow with rows.
SPOOL_BYTES = 4 * 1024 * 1024
CHUNK_BYTES = 64 * 1024
NO_CAMPAIGN = "尚未设置当前专项行动，无法导入问题台账。请先由专项办在“专项行动”中设置当前专项行动。"


class LedgerImportForm(Form):
    unit_id = SelectField("责任单位", coerce=int)
    file = FileField("Excel 文件", validators=[
        FileRequired("请选择要导入的 Excel 文件。"),
        FileAllowed(["xlsx"], xlsx.NOT_XLSX),
    ])
    submit = SubmitField("校验并导入")

    def __init__(self, units, *args, **kwargs):
        """units: those this person may import for."""
        super().__init__(*args, **kwargs)
        self.unit_id.choices = choices((u.id, u.name) for u in units)


def _importable_units() -> list[Unit]:
    return [u for u in units_in_order() if u.active and policy.can(current_user, "ledger.import", u)]


def _chunks(file):
    try:
        while chunk := file.read(CHUNK_BYTES):
            yield chunk
    finally:
        file.close()


def _xlsx_response(file, size: int, filename: str, ascii_filename: str):
    response = current_app.response_class(_chunks(file), mimetype=xlsx.XLSX_MIMETYPE, direct_passthrough=True)
    response.content_length = size
    response.headers["Content-Disposition"] = xlsx.content_disposition(filename, ascii_filename)
    return response


@bp.route("/export.xlsx")
@document
def export():
    """The ledger as filtered on the list page (all pages), as an Excel workbook in the standard layout."""
    policy.require("ledger.list")
    campaign = current_campaign()
    filters = LedgerFilters.from_args(request.args, campaign.id if campaign else None)
    day = today()
    # Read in batches as the rows are written, never the whole ledger at once.
    rows = db.session.execute(excel.export_query(current_user, filters, day).execution_options(yield_per=500))
    file = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)
    try:
        excel.export(file, rows)
    except BaseException:
        file.close()
        raise
    size = file.tell()
    file.seek(0)
    unit = db.session.get(Unit, filters.unit) if filters.unit else None
    return _xlsx_response(file, size, *excel.export_filenames(unit, day))


@bp.route("/import/template")
@document
def import_template():
    """Download the Excel template for importing a unit's ledger (with that unit's people, if given)."""
    policy.require("ledger.import")
    unit_id = request.args.get("unit", type=int)
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is not None and not policy.can(current_user, "ledger.import", unit):
        unit = None
    people = db.session.scalars(
        select(User).where(User.unit_id == unit.id, User.active.is_(True)).order_by(User.id)
    ).all() if unit else []
    data = excel.build_template(active_leaders(), people, unit)
    response = current_app.response_class(data, mimetype=xlsx.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = xlsx.content_disposition(
        excel.TEMPLATE_FILENAME, excel.TEMPLATE_ASCII_FILENAME
    )
    return response


def _page(form: LedgerImportForm, campaign, status: int = 200, **context):
    context.setdefault("problems", [])
    return render_template(
        "ledger/import.html", form=form, campaign=campaign, columns=excel.COLUMNS,
        not_imported=excel.NOT_IMPORTED, max_rows=excel.MAX_ROWS, shown_problems=SHOWN_PROBLEMS, **context,
    ), status


@bp.route("/import", methods=["GET", "POST"])
def import_items():
    """Upload a unit's existing ledger; import every row into the current campaign, or nothing and a report."""
    policy.require("ledger.import")
    campaign = current_campaign()
    if campaign is None:
        abort(409, NO_CAMPAIGN)
    units = _importable_units()
    form = LedgerImportForm(units)
    if request.method == "GET":
        own = current_user.unit_id
        form.unit_id.data = own if own in {u.id for u in units} else (units[0].id if units else None)
        return _page(form, campaign)
    # A unit head naming another unit is refused outright, before the form is looked at.
    unit = db.session.get(Unit, request.form.get("unit_id", type=int) or 0)
    if unit is not None:
        policy.require("ledger.import", unit)
    if not form.validate_on_submit():
        return _page(form, campaign, 422)
    upload = form.file.data
    try:
        plan = excel.read_upload(upload.read(), upload.filename, unit)
    except xlsx.FileRefused as refused:
        form.file.errors.append(str(refused))
        return _page(form, campaign, 422)
    if not plan.ok:
        return _page(form, campaign, 422, problems=plan.problems, filename=upload.filename, sheet=plan.sheet)
    try:
        items = excel.apply(plan, current_user, campaign, source=upload.filename)
        db.session.commit()
    except IntegrityError:
        # Two imports (or an import and a 登记) for one unit at once on a database without row locks.
        db.session.rollback()
        form.file.errors.append("导入时该单位的问题编号被他人同时占用，本次未导入任何数据。请重新提交该文件。")
        return _page(form, campaign, 409)
    span = f"（{items[0].code} 至 {items[-1].code}）" if len(items) > 1 else f"（{items[0].code}）"
    flash(f"已从「{upload.filename}」导入{unit.name}的问题 {len(items)} 条{span}，均为待整改状态。", "success")
    return redirect(url_for("ledger.index", unit=unit.id))
