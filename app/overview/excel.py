"""工作概况 in Excel for reporting upward: the same figures as the pages, from app.overview.figures."""
from datetime import date

from app import xlsx
from app.ledger import figures as ledger_figures
from app.ledger.excel import UNSAFE_IN_FILENAME
from app.org.models import RANK_LABELS, UNIT_KIND_LABELS
from app.overview.figures import KINDS, METRICS, RANKS, Dashboard, Row
from app.xlsx import export_column

PROGRESS_SHEET = "各单位进度"
RANK_SHEET = "按职级（上热中温下冷）"
KIND_SHEET = "按单位类型"
UNIT_RANK_SHEET = "各单位分职级"
OVERDUE_SHEET = "逾期排名"
CLOSURE_SHEET = "销号率排名"
DEFINITIONS_SHEET = "口径说明"
DEFINITION_COLUMNS = (export_column("figure", "项目", 12), export_column("definition", "口径", 60))

FIGURE_COLUMNS = (
    export_column("letters", "承诺书签署率（%）", 12),
    export_column("checklists_submitted", "自查表提交率（%）", 12),
    export_column("checklists_passed", "自查表通过率（%）", 12),
    export_column("ledger_total", "问题总数", 9),
    export_column("ledger_closed", "已销号", 9),
    export_column("ledger", "销号率（%）", 10),
    export_column("overdue", "逾期", 8),
    export_column("supervised", "督办", 8),
    export_column("attendance", "学习出勤率（%）", 12),
    export_column("readings", "书录阅读率（%）", 12),
    export_column("reflections", "心得合格率（%）", 12),
)


def figure_cells(row: Row) -> tuple:
    """A row's figures in the order of FIGURE_COLUMNS (and of the progress page)."""
    return (
        row.letters.rate, row.checklists_submitted.rate, row.checklists_passed.rate, row.ledger.total,
        row.ledger.closed, row.ledger.closed_rate, row.ledger.overdue, row.ledger.supervised,
        row.attendance.rate, row.readings.rate, row.reflections.rate,
    )


def _progress_rows(figures: Dashboard):
    for row in figures.units:
        yield (row.unit.name, row.unit.kind_label, *figure_cells(row.total))
    yield ("合计", "", *figure_cells(figures.total))


def _level_rows(levels):
    for label, row in levels:
        yield (label, *figure_cells(row))


def _unit_rank_rows(figures: Dashboard):
    for row in figures.units:
        for rank in RANKS:
            yield (row.unit.name, RANK_LABELS[rank], *(row.by_rank[rank].rate_of(metric) for metric, _ in METRICS))


def _ranking_rows(rows):
    for place, row in enumerate(rows, start=1):
        ledger = row.total.ledger
        yield (place, row.unit.name, ledger.total, ledger.closed, ledger.closed_rate, ledger.overdue, ledger.supervised)


RANKING_COLUMNS = (
    export_column("place", "名次", 6),
    export_column("unit", "单位", 22),
    export_column("total", "问题总数", 9),
    export_column("closed", "已销号", 9),
    export_column("rate", "销号率（%）", 10),
    export_column("overdue", "逾期", 8),
    export_column("supervised", "督办", 8),
)


def export_progress(file, figures: Dashboard, by_overdue, by_closure, show_kinds: bool) -> None:
    sheets = [
        (PROGRESS_SHEET, (export_column("unit", "单位", 22), export_column("kind", "类型", 12), *FIGURE_COLUMNS),
         _progress_rows(figures)),
        (RANK_SHEET, (export_column("rank", "职级", 12), *FIGURE_COLUMNS),
         _level_rows([(RANK_LABELS[rank], figures.by_rank[rank]) for rank in RANKS])),
    ]
    if show_kinds:
        sheets.append((KIND_SHEET, (export_column("kind", "单位类型", 14), *FIGURE_COLUMNS),
                       _level_rows([(UNIT_KIND_LABELS[kind], figures.by_kind[kind]) for kind in KINDS])))
    sheets += [
        (UNIT_RANK_SHEET, (export_column("unit", "单位", 22), export_column("rank", "职级", 10),
                           *(export_column(metric, label + "（%）", 12) for metric, label in METRICS)),
         _unit_rank_rows(figures)),
        (OVERDUE_SHEET, RANKING_COLUMNS, _ranking_rows(by_overdue)),
        (CLOSURE_SHEET, RANKING_COLUMNS, _ranking_rows(by_closure)),
        (DEFINITIONS_SHEET, DEFINITION_COLUMNS, ledger_figures.definitions()),
    ]
    xlsx.write_sheets(file, sheets)


def filenames(campaign, day: date) -> tuple[str, str]:
    """The Chinese file name and its ASCII fallback for old browsers."""
    title = UNSAFE_IN_FILENAME.sub("", campaign.title)
    return f"{title}工作进度-{day:%Y-%m-%d}.xlsx", f"campaign-progress-{day:%Y-%m-%d}.xlsx"
