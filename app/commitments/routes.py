"""Commitment-letter views: my letter and signing it, the A4 print views, progress and its export."""
from dataclasses import dataclass
from io import BytesIO

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app import policy, xlsx
from app.campaigns.models import current_campaign
from app.checklists.models import TemplateStatus
from app.commitments import bp, excel, queries, services
from app.commitments.forms import SignForm
from app.commitments.models import LetterTemplate, Signature
from app.extensions import client_address, db
from app.htmx import document, is_htmx
from app.org.models import Rank, Unit
from app.templating import today


@dataclass
class Panel:
    """One letter on my page: to read and sign, or signed (the stored text, never re-rendered)."""

    template: LetterTemplate
    signature: Signature | None
    form: SignForm
    text: str = ""
    message: str = ""
    error: str = ""


def _panel(template: LetterTemplate, signature: Signature | None, form: SignForm | None = None, **notes) -> Panel:
    text = signature.rendered_text if signature else services.render(template, current_user, today())
    return Panel(template, signature, form or SignForm(formdata=None), text, **notes)


def _my_page(panels: list[Panel], status: int = 200):
    campaign = current_campaign()
    shown = {panel.template.id for panel in panels}
    history = [s for s in queries.my_signatures(current_user) if s.template_id not in shown]
    return render_template("commitments/index.html", panels=panels, history=history, campaign=campaign), status


@bp.route("/")
def index():
    """My commitment letters: read each as rendered for me and sign it; what I signed before."""
    policy.require("letter.sign")
    campaign = current_campaign()
    letters = [t for t in queries.current_letters(campaign.id if campaign else None)
               if services.must_sign(t, current_user)]
    signatures = queries.signatures_by_template(current_user, letters)
    return _my_page([_panel(letter, signatures.get(letter.id)) for letter in letters])


@bp.route("/letters/<int:template_id>/sign", methods=["POST"])
def sign(template_id: int):
    """签署: the promise ticked and my own full name typed; the text I read is stored as signed."""
    policy.require("letter.sign")
    template = db.session.get(LetterTemplate, template_id)
    if template is None or template.status == TemplateStatus.DRAFT:
        abort(404)
    form = SignForm()
    if not form.validate_on_submit():  # the reasons show at their fields
        return _refuse(template_id, form, "", 422)
    try:
        signature = services.sign(template, current_user, form.typed_name.data, client_address())
        db.session.commit()
    except services.LetterError as refused:
        db.session.rollback()
        return _refuse(template_id, form, str(refused), refused.status)
    except IntegrityError:  # the same person signing in two windows at once: the other one won
        db.session.rollback()
        return _refuse(template_id, form, "您已签署过本承诺书，无需重复签署。", 409)
    message = f"已签署《{template.title}》，签署时间已记录。可点击“打印”打印纸质承诺书存档。"
    if is_htmx():
        return render_template("commitments/_letter.html", panel=_panel(template, signature, message=message))
    flash(message, "success")
    return redirect(url_for("commitments.index") + f"#letter-{template.id}")


def _refuse(template_id: int, form: SignForm, error: str, status: int):
    """The letter's panel with the reason: alone for htmx, in my page without JavaScript."""
    template = db.session.get(LetterTemplate, template_id)
    signature = services.signature_of(template, current_user)
    if signature is not None:  # already signed (maybe in another window): show what was signed
        error = services.already_signed_message(signature)
        form = None
    panel = _panel(template, signature, form, error=error)
    if is_htmx():
        return render_template("commitments/_letter.html", panel=panel), status
    return _my_page([panel], status)


# -- Print ------------------------------------------------------------------------------------
@bp.route("/signatures/<int:signature_id>/print")
@document
def print_signature(signature_id: int):
    """One signed letter on A4, with lines for the handwritten signature and date."""
    signature = db.session.get(Signature, signature_id) or abort(404)
    policy.require("signature.view", signature, hide=True)
    back = url_for("commitments.index") if signature.user_id == current_user.id else url_for("commitments.progress")
    return render_template("commitments/print.html", signatures=[signature], unit=None, back=back,
                           doc_title=f"{signature.title} - {signature.user.full_name}")


def _chosen_letter(campaign_id: int | None, letter_id: int | None) -> tuple[LetterTemplate | None, list]:
    """The version asked for (of those one may follow), else the first current one."""
    letters = queries.progress_letters(campaign_id)
    chosen = next((t for t in letters if t.id == letter_id), None) if letter_id else None
    return chosen or (letters[0] if letters else None), letters


@bp.route("/units/<int:unit_id>/print")
@document
def print_unit(unit_id: int):
    """All of a unit's signed letters of one version in one document, a page each."""
    unit = db.session.get(Unit, unit_id) or abort(404)
    policy.require("letter.print_unit", unit, hide=not policy.can(current_user, "unit.view", unit))
    campaign = current_campaign()
    template, _letters = _chosen_letter(campaign.id if campaign else None, request.args.get("letter", type=int))
    if template is None:
        abort(404)
    signatures = queries.unit_signatures(template, unit.id)
    unsigned = queries.people(template, None, unit.id, status=queries.UNSIGNED)
    return render_template(
        "commitments/print.html", signatures=signatures, unit=unit, template=template,
        unsigned=[user for user, _ in unsigned], doc_title=f"{template.title} - {unit.name}",
        back=url_for("commitments.progress", letter=template.id),
    )


# -- Progress ---------------------------------------------------------------------------------
@dataclass
class NameFilter:
    unit: Unit | None = None
    rank: str = ""
    status: str = ""

    @classmethod
    def from_args(cls, args) -> "NameFilter":
        """Unknown values and units one may not follow are ignored, never an error page."""
        unit_id = args.get("unit", type=int)
        unit = db.session.get(Unit, unit_id) if unit_id else None
        if unit is not None and not policy.can(current_user, "letter.progress", unit):
            unit = None
        rank = args.get("rank", "")
        status = args.get("status", "")
        return cls(unit, rank if rank in set(Rank) else "",
                   status if status in (queries.SIGNED, queries.UNSIGNED) else "")

    @property
    def active(self) -> bool:
        return bool(self.unit or self.rank or self.status)

    def describe(self) -> str:
        parts = [self.unit.name if self.unit else "", Rank(self.rank).label if self.rank else "",
                 {queries.SIGNED: "已签署", queries.UNSIGNED: "未签署"}.get(self.status, "")]
        return " · ".join(p for p in parts if p) or "全部"


def _progress_context():
    campaign = current_campaign()
    template, letters = _chosen_letter(campaign.id if campaign else None, request.args.get("letter", type=int))
    scope = policy.visible_unit_ids(current_user)
    return campaign, template, letters, scope


@bp.route("/progress")
def progress():
    """Who has signed, per unit and per rank level, with the names of those who have not."""
    policy.require("letter.progress")
    campaign, template, letters, scope = _progress_context()
    figures = queries.progress(template, scope) if template else None
    names = NameFilter.from_args(request.args)
    people = queries.people(template, scope, names.unit.id if names.unit else None, names.rank, names.status) \
        if template and names.active else None
    return render_template("commitments/progress.html", campaign=campaign, template=template, letters=letters,
                           figures=figures, names=names, people=people, ranks=queries.RANKS,
                           SIGNED=queries.SIGNED, UNSIGNED=queries.UNSIGNED)


@bp.route("/progress.xlsx")
@document
def progress_export():
    """签署情况 in Excel: per unit with the rank levels and who has not signed, and every name."""
    policy.require("letter.progress")
    _campaign, template, _letters, scope = _progress_context()
    if template is None:
        abort(404)
    figures = queries.progress(template, scope)
    people = queries.people(template, scope)
    file = BytesIO()  # a bureau's people, not a ledger's rows: small enough for memory
    excel.export_progress(file, template, figures, people)
    response = current_app.response_class(file.getvalue(), mimetype=xlsx.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = xlsx.content_disposition(*excel.filenames(template, today()))
    return response
