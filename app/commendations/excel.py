"""表彰名单 and 推荐对象名单 in Excel, for reporting upward (app/xlsx.py writes the workbook)."""
from datetime import date
from io import BytesIO

from app import xlsx
from app.org.models import Rank
from app.xlsx import export_column

LIST_COLUMNS = (
    export_column("number", "序号", 6),
    export_column("kind", "类别", 8),
    export_column("name", "姓名/集体", 22),
    export_column("unit", "单位", 22),
    export_column("title", "职务", 14),
    export_column("honour", "荣誉称号", 22),
    export_column("reason", "表彰事由", 50, wrap=True),
    export_column("awarded_on", "表彰日期", 12),
    export_column("issuer", "表彰单位", 14),
)
RECOMMENDATION_COLUMN = export_column("recommendation", "推荐情况", 14)
RECOMMENDATION_COLUMNS = (
    export_column("number", "序号", 6),
    export_column("name", "姓名", 10),
    export_column("unit", "单位", 22),
    export_column("title", "职务", 14),
    export_column("rank", "职级层次", 10),
    export_column("recommendation", "推荐类别", 14),
    export_column("honour", "荣誉称号", 22),
    export_column("reason", "表彰事由", 50, wrap=True),
    export_column("awarded_on", "表彰日期", 12),
    export_column("issuer", "表彰单位", 14),
)


def _list_rows(commendations, with_recommendation: bool):
    for number, c in enumerate(commendations, start=1):
        person = c.user
        row = (
            number, "个人" if person else "集体", person.full_name if person else c.unit.name, c.unit.name,
            person.title if person else "", c.honour, c.reason, c.awarded_on, c.issuer,
        )
        yield row + ((c.recommendation_label,) if with_recommendation else ())


def _recommendation_rows(commendations):
    for number, c in enumerate(commendations, start=1):
        yield (
            number, c.user.full_name, c.unit.name, c.user.title, Rank(c.user.rank).label, c.recommendation_label,
            c.honour, c.reason, c.awarded_on, c.issuer,
        )


def list_workbook(commendations, with_recommendation: bool) -> bytes:
    """The list of commended people and units; the 推荐情况 column only for those who may see it."""
    columns = LIST_COLUMNS + ((RECOMMENDATION_COLUMN,) if with_recommendation else ())
    out = BytesIO()
    xlsx.write_table(out, "表彰名单", columns, _list_rows(commendations, with_recommendation))
    return out.getvalue()


def recommendations_workbook(commendations) -> bytes:
    out = BytesIO()
    xlsx.write_table(out, "推荐对象名单", RECOMMENDATION_COLUMNS, _recommendation_rows(commendations))
    return out.getvalue()


def filenames(what: str, ascii_name: str, day: date) -> tuple[str, str]:
    return f"{what}-{day:%Y-%m-%d}.xlsx", f"{ascii_name}-{day:%Y-%m-%d}.xlsx"
