"""Home page and 工作概况: progress by unit, the 上热中温下冷 gauge, overdue rankings, their Excel."""
from io import BytesIO

from flask import abort, current_app, render_template, request
from flask_login import current_user

from app import policy, xlsx
from app.database import utcnow
from app.htmx import document
from app.ledger import figures as ledger_figures
from app.org.models import RANK_LABELS, UNIT_KIND_LABELS
from app.overview import bp, excel
from app.overview.figures import KINDS, LEDGER_NOTE, METRICS, RANKS, dashboard, lags, people_with_overdue
from app.overview.todos import todos_for
from app.templating import campaign_for_layout, today

# The progress table's columns one may sort by: key → how to read it from a unit's figures.
SORTS = {
    "letters": lambda row: row.letters.rate,
    "checklists_submitted": lambda row: row.checklists_submitted.rate,
    "checklists_passed": lambda row: row.checklists_passed.rate,
    "ledger_total": lambda row: row.ledger.total,
    "ledger_closed": lambda row: row.ledger.closed,
    "ledger": lambda row: row.ledger.closed_rate,
    "overdue": lambda row: row.ledger.overdue,
    "supervised": lambda row: row.ledger.supervised,
    "attendance": lambda row: row.attendance.rate,
    "readings": lambda row: row.readings.rate,
    "reflections": lambda row: row.reflections.rate,
}


@bp.route("/")
def home():
    """The campaign timeline and my to-dos."""
    policy.require("home.view")
    campaign = campaign_for_layout()
    return render_template(
        "overview/home.html",
        todos=todos_for(current_user),
        campaign=campaign,
        current_phase=campaign.phase_on(today()) if campaign else None,
    )


def _figures():
    """The current campaign's figures for the units the requester may see."""
    campaign = campaign_for_layout()
    return campaign, dashboard(campaign, policy.visible_unit_ids(current_user), today(), utcnow())


def sorted_units(figures, sort: str, descending: bool):
    """Unit rows in the chosen order; units with no figure for that column always come last."""
    if sort not in SORTS:
        return figures.units
    read = SORTS[sort]
    known = [row for row in figures.units if read(row.total) is not None]
    unknown = [row for row in figures.units if read(row.total) is None]
    return sorted(known, key=lambda row: read(row.total), reverse=descending) + unknown


@bp.route("/overview/progress")
def progress():
    """各单位进度: a row per unit with every rate and the ledger's figures, sortable."""
    policy.require("overview.progress")
    campaign, figures = _figures()
    sort = request.args.get("sort", "")
    descending = request.args.get("order", "desc") != "asc"
    return render_template(
        "overview/progress.html", campaign=campaign, figures=figures,
        units=sorted_units(figures, sort, descending), sort=sort if sort in SORTS else "", descending=descending,
        ledger_note=LEDGER_NOTE, ledger_figures=ledger_figures.FIGURES,
    )


@bp.route("/overview/gauge")
def gauge():
    """上热中温下冷: the rates by rank level and by kind of unit, for everyone one may see and per
    unit, with a warning where a lower level trails the level above by more than the allowed gap."""
    policy.require("overview.progress")
    campaign, figures = _figures()
    gap = current_app.config["GAUGE_GAP_POINTS"]
    metric = request.args.get("metric", "")
    metric = metric if metric in dict(METRICS) else METRICS[0][0]
    rank_levels = [(RANK_LABELS[rank], figures.by_rank[rank]) for rank in RANKS]
    kind_levels = [(UNIT_KIND_LABELS[kind], figures.by_kind[kind]) for kind in KINDS]
    unit_lags = {row.unit.id: lags([(RANK_LABELS[r], row.by_rank[r]) for r in RANKS], gap) for row in figures.units}
    return render_template(
        "overview/gauge.html", campaign=campaign, figures=figures, gap=gap, metric=metric, metrics=METRICS,
        ranks=RANKS, rank_levels=rank_levels, kind_levels=kind_levels,
        rank_lags=lags(rank_levels, gap), kind_lags=lags(kind_levels, gap), unit_lags=unit_lags,
        lagging_units=[row for row in figures.units if unit_lags[row.unit.id]],
        show_kinds=policy.visible_unit_ids(current_user) is None,
    )


@bp.route("/overview/overdue")
def overdue():
    """逾期与排名: units by overdue items and by 销号率; the people with overdue items."""
    policy.require("overview.progress")
    campaign, figures = _figures()
    people = people_with_overdue(campaign.id, policy.ledger_scope(current_user), today()) if campaign else []
    return render_template(
        "overview/overdue.html", campaign=campaign, figures=figures,
        by_overdue=overdue_ranking(figures), by_closure=closure_ranking(figures), people=people,
        ledger_note=LEDGER_NOTE,
    )


def overdue_ranking(figures):
    """Units with overdue items, most first (ties: more 督办 first, then the usual order)."""
    rows = [row for row in figures.units if row.total.ledger.overdue]
    return sorted(rows, key=lambda row: (-row.total.ledger.overdue, -row.total.ledger.supervised))


def closure_ranking(figures):
    """Units with items, by 销号率 from the highest (ties: more items closed first)."""
    rows = [row for row in figures.units if row.total.ledger.total]
    return sorted(rows, key=lambda row: (-row.total.ledger.closed_rate, -row.total.ledger.closed))


@bp.route("/overview/progress.xlsx")
@document
def progress_export():
    """The progress table, the rank levels and kinds of unit, and the rankings in one workbook."""
    policy.require("overview.progress")
    campaign, figures = _figures()
    if campaign is None:
        abort(404)
    file = BytesIO()  # one row per unit: small
    excel.export_progress(file, figures, overdue_ranking(figures), closure_ranking(figures),
                          show_kinds=policy.visible_unit_ids(current_user) is None)
    response = current_app.response_class(file.getvalue(), mimetype=xlsx.XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = xlsx.content_disposition(*excel.filenames(campaign, today()))
    return response

