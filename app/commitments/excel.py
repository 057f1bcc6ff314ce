"""承诺书签署情况 in Excel, for reporting upward: the per-unit table (with the rank levels and the
names of who has not signed) and the list of everyone asked to sign."""
from datetime import date

from app import xlsx
from app.commitments.queries import RANKS, Progress
from app.ledger.excel import UNSAFE_IN_FILENAME
from app.org.models import Rank
from app.templating import format_datetime
from app.xlsx import export_column

SUMMARY_SHEET = "签署情况统计"
PEOPLE_SHEET = "人员名单"


SUMMARY_COLUMNS = (
    export_column("unit", "单位", 22),
    export_column("required", "应签人数", 9),
    export_column("signed", "已签人数", 9),
    export_column("unsigned", "未签人数", 9),
    export_column("rate", "签署率（%）", 10),
    *(column for rank in RANKS for column in (
        export_column(f"{rank}_required", f"{rank.label}应签", 10), export_column(f"{rank}_signed", f"{rank.label}已签", 10),
    )),
    export_column("unsigned_names", "未签署人员", 50, wrap=True),
)
PEOPLE_COLUMNS = (
    export_column("unit", "单位", 22),
    export_column("name", "姓名", 10),
    export_column("title", "职务", 14),
    export_column("rank", "职级", 10),
    export_column("status", "签署情况", 10),
    export_column("signed_at", "签署时间", 17),
    export_column("typed_name", "签名", 10),
)


def _summary_rows(figures: Progress):
    for row in figures.units:
        yield (
            row.unit.name, row.total.required, row.total.signed, row.total.unsigned, row.total.rate,
            *(n for rank in RANKS for n in (row.by_rank[rank].required, row.by_rank[rank].signed)),
            "、".join(row.unsigned_names),
        )
    total = figures.total
    yield (
        "合计", total.required, total.signed, total.unsigned, total.rate,
        *(n for rank in RANKS for n in (figures.by_rank[rank].required, figures.by_rank[rank].signed)), "",
    )


def _people_rows(people):
    for user, signature in people:
        yield (
            user.unit.name, user.full_name, user.title, Rank(user.rank).label,
            "已签署" if signature else "未签署",
            format_datetime(signature.signed_at) if signature else "", signature.typed_name if signature else "",
        )


def export_progress(file, template, figures: Progress, people) -> None:
    xlsx.write_sheets(file, [
        (SUMMARY_SHEET, SUMMARY_COLUMNS, _summary_rows(figures)),
        (PEOPLE_SHEET, PEOPLE_COLUMNS, _people_rows(people)),
    ])


def filenames(template, day: date) -> tuple[str, str]:
    """The Chinese file name and its ASCII fallback for old browsers."""
    title = UNSAFE_IN_FILENAME.sub("", template.title)
    return (f"{title}签署情况-第{template.version}版-{day:%Y-%m-%d}.xlsx",
            f"commitment-letters-v{template.version}-{day:%Y-%m-%d}.xlsx")
