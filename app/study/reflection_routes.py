"""学习心得: write (draft, submit), the review list with 合格 / 退回修改 on the row, edit when returned."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from app import policy
from app.auth.routes import safe_next
from app.campaigns.models import current_campaign
from app.extensions import db
from app.htmx import is_htmx
from app.study import bp, queries, services
from app.study.forms import ReflectionForm, ReviewForm
from app.study.models import Reflection, ReflectionState, StudySession
from app.study.routes import first_error, required_campaign
from app.templating import format_date

REVIEW_FILTERS = {"all": "全部（待审阅在前）", "submitted": "待审阅", "returned": "退回修改", "passed": "合格"}


def _load(reflection_id: int) -> Reflection:
    reflection = db.session.get(Reflection, reflection_id) or abort(404)
    policy.require("reflection.view", reflection, hide=True)
    return reflection


@bp.route("/reflections")
def reflections():
    """我的学习心得: drafts, submitted, returned (to fix), passed."""
    policy.require("study.view")
    campaign = current_campaign()
    return render_template("study/reflections.html", campaign=campaign,
                           reflections=queries.my_reflections(current_user, campaign.id if campaign else None),
                           min_length=services.MIN_REFLECTION_LENGTH)


def _session_choices(campaign) -> list[tuple[int, str]]:
    return [(0, "专项行动整体（不针对某次学习活动）")] + [
        (session.id, f"{format_date(session.starts_at)} {session.kind_label}：{session.title}")
        for session in services.reflection_sessions(current_user, campaign.id)
    ]


def _saved(reflection: Reflection, submitted: bool):
    flash("学习心得已提交，等待审阅。" if submitted else "草稿已保存。", "success")
    if submitted:
        return redirect(url_for("study.reflection", reflection_id=reflection.id))
    return redirect(url_for("study.edit_reflection", reflection_id=reflection.id))


@bp.route("/reflections/new", methods=["GET", "POST"])
def write_reflection():
    """撰写学习心得: on a session I attended, or on the campaign as a whole."""
    policy.require("reflection.write")
    campaign = required_campaign()
    form = ReflectionForm()
    form.session_id.choices = _session_choices(campaign)
    if request.method == "GET":
        chosen = request.args.get("session", type=int)
        if chosen and chosen in {value for value, _label in form.session_id.choices}:  # 0: the campaign
            form.session_id.data = chosen
            session = db.session.get(StudySession, chosen)
            form.title.data = f"参加{session.kind_label}「{session.title}」的学习心得"
        else:
            form.title.data = "作风建设专项行动学习心得"
    error, status = None, 200
    if form.validate_on_submit():
        session = None
        if form.session_id.data:
            session = db.session.get(StudySession, form.session_id.data)
        submit = bool(form.submit.data)
        try:
            if form.session_id.data and session is None:
                raise services.Invalid("所选学习活动不存在。")
            reflection = services.write_reflection(current_user, campaign, session, form.title.data,
                                                   form.body.data or "", submit)
            db.session.commit()
        except services.StudyError as refused:
            db.session.rollback()
            error, status = str(refused), refused.status
        else:
            return _saved(reflection, submit)
    elif form.errors:
        status = 422
    return render_template("study/reflection_form.html", form=form, reflection=None, error=error,
                           min_length=services.MIN_REFLECTION_LENGTH), status


@bp.route("/reflections/<int:reflection_id>/edit", methods=["GET", "POST"])
def edit_reflection(reflection_id: int):
    """Go on with a draft, or rewrite a returned reflection, and submit it."""
    reflection = _load(reflection_id)
    policy.require("reflection.edit", reflection)
    form = ReflectionForm(obj=reflection if request.method == "GET" else None)
    form.session_id.choices = []
    if request.method == "GET":
        form.version.data = reflection.version
    if reflection.state not in (ReflectionState.DRAFT, ReflectionState.RETURNED) and request.method == "GET":
        return redirect(url_for("study.reflection", reflection_id=reflection.id))
    error, status = None, 200
    if form.validate_on_submit():
        submit = bool(form.submit.data)
        try:
            version = int(form.version.data) if (form.version.data or "").isdigit() else None
            services.edit_reflection(reflection, current_user, version, form.title.data, form.body.data or "", submit)
            db.session.commit()
        except services.StudyError as refused:
            db.session.rollback()
            error, status = str(refused), refused.status
        except StaleDataError:
            db.session.rollback()
            error, status = "该心得刚被修改或审阅过，请查看最新内容后再修改。", 409
        else:
            return _saved(reflection, submit)
        reflection = db.session.get(Reflection, reflection_id)
    elif form.errors:
        status = 422
    return render_template("study/reflection_form.html", form=form, reflection=reflection, error=error,
                           min_length=services.MIN_REFLECTION_LENGTH), status


@bp.route("/reflections/<int:reflection_id>")
def reflection(reflection_id: int):
    """A reflection with its review; the reviewer can pass or return it here too."""
    return _render_detail(_load(reflection_id))


def _render_detail(reflection: Reflection, error: str | None = None, status: int = 200, comment: str = ""):
    return render_template("study/reflection.html", reflection=reflection, error=error, comment=comment,
                           length=services.reflection_length(reflection.body),
                           min_length=services.MIN_REFLECTION_LENGTH), status


@bp.route("/reflections/review")
def review_list():
    """心得审阅: the reflections I review, 待审阅 first, with 合格 / 退回修改 on each row."""
    policy.require("reflection.review")
    campaign = current_campaign()
    state = request.args.get("state", "all")
    state = state if state in REVIEW_FILTERS else "all"
    rows = queries.reflections_to_review(current_user, campaign.id if campaign else None,
                                         "" if state == "all" else state)
    return render_template("study/review.html", campaign=campaign, rows=rows, state=state, filters=REVIEW_FILTERS,
                           next_url=request.full_path, min_length=services.MIN_REFLECTION_LENGTH)


@bp.route("/reflections/<int:reflection_id>/review", methods=["POST"])
def review_reflection(reflection_id: int):
    """合格, or 退回修改 with a comment: the row comes back (htmx), or the page the reviewer was on."""
    reflection = _load(reflection_id)
    policy.require("reflection.review", reflection)
    form = ReviewForm()
    if not form.validate_on_submit():
        return _refuse(reflection, form, first_error(form), 422)
    passed = form.decision.data == "pass"
    try:
        services.review_reflection(reflection, current_user, form.version.data, passed, form.comment.data or "")
        db.session.commit()
    except services.StudyError as refused:
        db.session.rollback()
        return _refuse(db.session.get(Reflection, reflection_id), form, str(refused), refused.status)
    except StaleDataError:
        db.session.rollback()
        reflection = db.session.get(Reflection, reflection_id)
        return _refuse(reflection, form, f"该心得刚被他人审阅过，当前状态为「{reflection.state_label}」。", 409)
    message = "已审阅：合格。" if passed else "已退回修改，作者将修改后重新提交。"
    if is_htmx():
        return render_template("study/_reflection_row.html", reflection=reflection, row_message=message,
                               next_url=form.next.data)
    flash(message, "success")
    target = safe_next(form.next.data)
    return redirect(f"{target}#reflection-{reflection.id}" if target else url_for("study.review_list"))


def _refuse(reflection: Reflection, form, error: str, status: int):
    if is_htmx():
        return render_template("study/_reflection_row.html", reflection=reflection, row_error=error,
                               next_url=form.next.data), status
    return _render_detail(reflection, error=error, status=status, comment=form.comment.data or "")


@bp.app_template_global()
def reflection_length(body: str) -> int:
    return services.reflection_length(body)
