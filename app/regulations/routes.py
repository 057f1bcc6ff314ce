"""Views of the register of rules (制度建设): the list, a rule's page and its actions, the document,
the links to ledger items; and the 相关制度 block of a ledger item's page."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.campaigns.models import current_campaign
from app.extensions import db
from app.forms import EmptyForm
from app.htmx import document, is_htmx
from app.ledger import evidence
from app.ledger.models import LedgerItem
from app.org.models import Unit, units_in_order
from app.regulations import bp, queries, services
from app.regulations.forms import AbolishForm, DocumentForm, IssueForm, LinkForm, RegulationForm, ReviewForm
from app.regulations.models import Regulation, RuleAction, RuleStatus
from app.templating import today


@bp.app_template_global()
def related_rules(item: LedgerItem) -> list[Regulation]:
    """相关制度 on a ledger item's page: the rules answering it that the reader may read."""
    return queries.rules_for_item(current_user, item)


def _load(regulation_id: int) -> Regulation:
    """The rule, or 404 when it does not exist or is a draft this person may not read."""
    regulation = db.session.get(Regulation, regulation_id) or abort(404)
    policy.require("regulation.view", regulation, hide=True)
    return regulation


def _load_managed(regulation_id: int) -> Regulation:
    regulation = _load(regulation_id)
    policy.require("regulation.manage", regulation)
    return regulation


def _first_error(form) -> str:
    for errors in form.errors.values():
        if errors:
            return errors[0]
    return "提交的内容有误。"


def _creatable_units() -> list[Unit]:
    return [u for u in units_in_order() if u.active and policy.can(current_user, "regulation.create", u)]


@bp.route("/")
def index():
    """The register: filter by unit, type, status and 待复审; rules past their review date stand out."""
    policy.require("regulation.list")
    day = today()
    filters = queries.RuleFilters.from_args(request.args)
    page = db.paginate(queries.register_query(current_user, filters, day), per_page=50, error_out=False)
    return render_template(
        "regulations/index.html", page=page, filters=filters, units=units_in_order(), actions=list(RuleAction),
        statuses=list(RuleStatus), due_count=queries.due_count(current_user, day),
        link_counts=queries.link_counts([r.id for r in page.items]),
    )


@bp.route("/<int:regulation_id>")
def detail(regulation_id: int):
    """One rule: its entry, document, linked ledger items, history, and the actions open to me."""
    return _render_detail(_load(regulation_id))


def _link_context(regulation: Regulation, link_form: LinkForm | None = None, **notes) -> dict:
    items, hidden = queries.linked_items(current_user, regulation)
    manage = policy.can(current_user, "regulation.manage", regulation) and regulation.status != RuleStatus.ABOLISHED
    candidates = queries.candidate_items(current_user, regulation) if manage else []
    return {
        "regulation": regulation, "linked": items, "hidden_links": hidden, "may_link": manage,
        "link_form": link_form or LinkForm(candidates, formdata=None), "code_form": LinkForm(formdata=None),
        **notes,
    }


def _render_detail(regulation: Regulation, error: str | None = None, status: int = 200, forms: dict | None = None,
                   link_form: LinkForm | None = None):
    day = today()
    blank = {
        "issue": IssueForm(formdata=None, issued_on=day, document_number=regulation.document_number),
        "review": ReviewForm(formdata=None, next_review_on=services.a_year_after(day)),
        "abolish": AbolishForm(formdata=None), "document": DocumentForm(formdata=None),
    }
    blank.update(forms or {})
    return render_template(
        "regulations/detail.html", error=error, forms=blank, history=queries.history(current_user, regulation),
        document_types=services.DOCUMENT_LABEL, **_link_context(regulation, link_form),
    ), status


def _perform(regulation_id: int, form_class, form_key: str, change, message: str):
    """The shape of every action on a rule: load, ask the policy, validate, change, commit, answer."""
    regulation = _load_managed(regulation_id)
    form = form_class()
    if not form.validate_on_submit():
        return _render_detail(regulation, _first_error(form), 422, {form_key: form})
    try:
        change(regulation, form)
        db.session.commit()
    except services.RegulationError as refused:
        db.session.rollback()
        return _render_detail(db.session.get(Regulation, regulation_id), str(refused), refused.status,
                              {form_key: form})
    except StaleDataError:  # someone else's change landed between our read and our write
        db.session.rollback()
        regulation = db.session.get(Regulation, regulation_id)
        return _render_detail(regulation, f"该制度刚被他人修改过，当前状态为「{regulation.status_label}」。", 409)
    flash(message, "success")
    return redirect(url_for("regulations.detail", regulation_id=regulation_id))


@bp.route("/<int:regulation_id>/issue", methods=["POST"])
def issue(regulation_id: int):
    """印发: the issue date, 文号 and the first review date (a year later unless given)."""
    return _perform(regulation_id, IssueForm, "issue", lambda regulation, f: services.issue(
        regulation, current_user, f.version.data, f.issued_on.data, f.next_review_on.data,
        f.document_number.data or "", today()), "已登记印发。")


@bp.route("/<int:regulation_id>/review", methods=["POST"])
def review(regulation_id: int):
    """复审 (动态调整): a note, and the next review date moves on."""
    return _perform(regulation_id, ReviewForm, "review", lambda regulation, f: services.review(
        regulation, current_user, f.version.data, f.note.data, f.next_review_on.data, today()),
        "已记录复审，下次复审日期已更新。")


@bp.route("/<int:regulation_id>/abolish", methods=["POST"])
def abolish(regulation_id: int):
    """废止, with a reason; the entry stays in the register."""
    return _perform(regulation_id, AbolishForm, "abolish", lambda regulation, f: services.abolish(
        regulation, current_user, f.version.data, f.reason.data), "已废止。")


@bp.route("/<int:regulation_id>/document", methods=["POST"])
def upload_document(regulation_id: int):
    """Upload the rule's document (PDF/Word, checked by content), replacing any earlier one."""
    regulation = _load_managed(regulation_id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return _render_detail(regulation, _first_error(form), 422)
    upload = request.files.get(form.file.name)
    if not upload or not upload.filename:
        return _render_detail(regulation, "请选择要上传的制度文件。", 422)
    try:
        checked = evidence.check(upload, services.DOCUMENT_KINDS, services.DOCUMENT_LABEL)
    except evidence.EvidenceRefused as refused:
        return _render_detail(regulation, str(refused), 422)
    stored = None
    try:
        stored = services.attach_document(regulation, current_user, form.version.data, checked)
        db.session.commit()
    except (services.RegulationError, StaleDataError) as refused:
        db.session.rollback()
        if stored:
            services.discard_document(stored)
        regulation = db.session.get(Regulation, regulation_id)
        if isinstance(refused, services.RegulationError):
            return _render_detail(regulation, str(refused), refused.status)
        return _render_detail(regulation, "该制度刚被他人修改过，请查看最新内容后重新上传。", 409)
    except Exception:
        # Nothing saved (a failed commit, a lost connection): no file stays on disk without its record.
        db.session.rollback()
        if stored:
            services.discard_document(stored)
        raise
    flash(f"已上传制度文件「{checked.original_name}」。", "success")
    return redirect(url_for("regulations.detail", regulation_id=regulation_id))


@bp.route("/<int:regulation_id>/document")
@document
def download_document(regulation_id: int):
    """The rule's document, as an attachment, to those who may read the rule."""
    regulation = _load(regulation_id)
    if not regulation.file_stored_name:
        abort(404)
    path = services.document_path(regulation)
    if not path.exists():
        abort(404)
    return evidence.send_stored(path, regulation.file_content_type, regulation.file_name)


def _refuse_foreign_unit() -> None:
    """A unit head naming another unit is refused outright (403), before the form is looked at."""
    if request.method == "POST":
        unit = db.session.get(Unit, request.form.get("owner_unit_id", type=int) or 0)
        if unit is not None:
            policy.require("regulation.create", unit)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """登记制度: a rule being drafted (新建 / 修订 / 废止), for a unit."""
    policy.require("regulation.create")
    units = _creatable_units()
    form = RegulationForm(units)
    if request.method == "GET":
        own = current_user.unit_id
        form.owner_unit_id.data = own if own in {u.id for u in units} else (units[0].id if units else None)
    _refuse_foreign_unit()
    if form.validate_on_submit():
        regulation = services.create(current_user, **form.fields_data())
        db.session.commit()
        flash(f"已登记制度《{regulation.title}》（起草中）。印发后请在本页登记印发日期并上传制度文件。", "success")
        return redirect(url_for("regulations.detail", regulation_id=regulation.id))
    return render_template("regulations/form.html", form=form, regulation=None), 422 if form.errors else 200


@bp.route("/<int:regulation_id>/edit", methods=["GET", "POST"])
def edit(regulation_id: int):
    """Correct a rule's entry (name, 文号, unit, type, content)."""
    regulation = _load_managed(regulation_id)
    units = _creatable_units()
    if regulation.owner_unit not in units:
        units = [regulation.owner_unit] + units
    form = RegulationForm(units, obj=regulation)
    if not form.is_submitted():
        form.version.data = regulation.version
    if request.form.get("owner_unit_id", type=int) != regulation.owner_unit_id:
        _refuse_foreign_unit()
    if form.validate_on_submit():
        fields = form.fields_data()
        try:
            services.edit(regulation, current_user, request.form.get("version", type=int), **fields)
            db.session.commit()
        except (services.RegulationError, StaleDataError) as refused:
            db.session.rollback()
            regulation = db.session.get(Regulation, regulation_id)
            message = str(refused) if isinstance(refused, services.RegulationError) else \
                f"该制度刚被他人修改过，当前状态为「{regulation.status_label}」。请查看最新内容后再修改。"
            flash(message, "error")
            return render_template("regulations/form.html", form=form, regulation=regulation), 409
        flash("已保存。", "success")
        return redirect(url_for("regulations.detail", regulation_id=regulation_id))
    return render_template("regulations/form.html", form=form, regulation=regulation), 422 if form.errors else 200


# -- Links to ledger items -------------------------------------------------------------------------
def _links_answer(regulation_id: int, message: str = "", error: str = "", status: int = 200,
                  link_form: LinkForm | None = None):
    """After a link or unlink: the links card for htmx; else the page (an error) or back to it."""
    regulation = db.session.get(Regulation, regulation_id)
    if is_htmx():
        context = _link_context(regulation, link_form, links_message=message, links_error=error)
        return render_template("regulations/_links.html", **context), status
    if error:
        return _render_detail(regulation, error, status, link_form=link_form)
    flash(message, "success")
    return redirect(url_for("regulations.detail", regulation_id=regulation_id) + "#regulation-links")


def _visible_item(item: LedgerItem | None) -> bool:
    return item is not None and policy.can(current_user, "ledger.view", item)


@bp.route("/<int:regulation_id>/links", methods=["POST"])
def link(regulation_id: int):
    """Link a ledger item this rule answers: one of the owner unit's, or any I may see by its 序号."""
    regulation = _load_managed(regulation_id)
    form = LinkForm(queries.candidate_items(current_user, regulation))
    if not form.validate_on_submit():
        return _links_answer(regulation_id, error=_first_error(form), status=422, link_form=form)
    code = (form.code.data or "").strip()
    if code:
        campaign = current_campaign()
        item = services.find_item(code, campaign.id if campaign else None)
    else:
        item = db.session.get(LedgerItem, form.item_id.data)
    if not _visible_item(item):  # another unit's item is answered as if it did not exist
        return _links_answer(regulation_id, error=f"未找到序号为「{code}」的问题，或您无权查看该问题。" if code
                             else "未找到该问题，或您无权查看。", status=422, link_form=form)
    try:
        services.link(regulation, current_user, item)
        db.session.commit()
    except services.RegulationError as refused:
        db.session.rollback()
        return _links_answer(regulation_id, error=str(refused), status=refused.status, link_form=form)
    except IntegrityError:  # the same link made at the same moment in another window
        db.session.rollback()
        return _links_answer(regulation_id, error="该问题刚被他人关联到本制度。", status=409)
    return _links_answer(regulation_id, message=f"已关联问题 {item.code}。")


@bp.route("/<int:regulation_id>/links/<int:item_id>/delete", methods=["POST"])
def unlink(regulation_id: int, item_id: int):
    """Take a ledger item off the rule's links."""
    regulation = _load_managed(regulation_id)
    item = db.session.get(LedgerItem, item_id)
    if not _visible_item(item):
        abort(404)
    form = EmptyForm()
    if not form.validate_on_submit():  # the CSRF token
        return _links_answer(regulation_id, error=_first_error(form), status=422)
    try:
        services.unlink(regulation, current_user, item)
        db.session.commit()
    except services.RegulationError as refused:
        db.session.rollback()
        return _links_answer(regulation_id, error=str(refused), status=refused.status)
    return _links_answer(regulation_id, message=f"已取消关联问题 {item.code}。")
