"""Admin views for importing units and people from Excel (批量导入), and the template download."""
from flask import current_app, render_template
from flask_wtf.file import FileAllowed, FileField, FileRequired
from sqlalchemy.exc import IntegrityError
from wtforms import SubmitField

from app import policy, xlsx
from app.admin import bp, imports
from app.extensions import db
from app.forms import Form
from app.htmx import document

# The page shows at most this many problems; a file with more has a systematic mistake anyway.
SHOWN_PROBLEMS = 500


class ImportForm(Form):
    file = FileField("Excel 文件", validators=[
        FileRequired("请选择要导入的 Excel 文件。"),
        FileAllowed(["xlsx"], "只能导入 .xlsx 格式的 Excel 文件。旧版 .xls 文件请用 Excel 或 WPS 另存为 .xlsx。"),
    ])
    submit = SubmitField("校验并导入")


def _page(form: ImportForm, status: int = 200, **context):
    context.setdefault("problems", [])
    context.setdefault("result", None)
    return render_template(
        "admin/import.html", form=form, sheets=imports.SHEETS, max_rows=imports.MAX_ROWS,
        shown_problems=SHOWN_PROBLEMS, **context,
    ), status


@bp.route("/import", methods=["GET", "POST"])
@policy.requires("org.manage")
def import_org():
    """Upload a filled-in template; import every row, or nothing and a report of what is wrong."""
    form = ImportForm()
    if not form.validate_on_submit():
        return _page(form, 422 if form.errors else 200)
    upload = form.file.data
    try:
        plan = imports.read_upload(upload.read(), upload.filename)
    except imports.FileRefused as refused:
        form.file.errors.append(str(refused))
        return _page(form, 422)
    if not plan.ok:
        return _page(form, 422, problems=plan.problems, filename=upload.filename)
    try:
        result = imports.apply(plan, source=upload.filename)
        db.session.commit()
    except IntegrityError:
        # Someone added one of these units or usernames between our check and our insert.
        db.session.rollback()
        form.file.errors.append("导入时发现部分单位名称或用户名刚被他人占用，本次未导入任何数据。请重新上传该文件，查看具体问题。")
        return _page(form, 409)
    # Shown once, not redirected: the generated passwords exist nowhere else (no-store page).
    return _page(form, result=result, filename=upload.filename)


@bp.route("/import/template")
@document
@policy.requires("org.manage")
def import_org_template():
    """Download the Excel template for importing units and people."""
    response = current_app.response_class(imports.build_template(), mimetype=xlsx.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = xlsx.content_disposition(
        imports.TEMPLATE_FILENAME, imports.TEMPLATE_ASCII_FILENAME
    )
    return response
