"""情况报告 in Excel: one sheet per table of the report page — 总体情况, 工作进展, 分类统计 and the
three lists."""
from app import xlsx
from app.overview.reports import Report
from app.xlsx import Column


def _column(header: str, width: int, wrap: bool = False) -> Column:
    return Column(header, header, False, width, "", wrap=wrap)


DEFINITION_COLUMNS = (_column("项目", 14), _column("口径", 70, wrap=True))
SUMMARY_COLUMNS = (_column("项目", 30), _column("数值", 30))
PROGRESS_COLUMNS = (_column("项目", 16), _column("已完成", 10), _column("应完成", 10), _column("完成率（%）", 12))
COUNT_COLUMNS = (_column("分类", 10), _column("项目", 12), _column("新增问题", 10), _column("推进落实", 10),
                 _column("已办结销号", 12))


def export(file, report: Report) -> None:
    """Write the report's tables to `file` (a seekable binary file), one sheet each."""
    sheets = [
        ("总体情况", SUMMARY_COLUMNS, report.summary_rows()),
        (f"工作进展（截至{report.as_of:%m月%d日}）", PROGRESS_COLUMNS,
         ((label, rate.done, rate.required, rate.rate) for label, rate in report.progress)),
        ("分类统计", COUNT_COLUMNS, report.count_rows()),
    ]
    for report_list in report.lists.values():
        columns = report_list.columns
        sheets.append((
            report_list.title,
            tuple(_column(c.header, c.width, wrap=c.kind == "long") for c in columns),
            _list_rows(columns, report_list.entries),
        ))
    sheets.append(("口径说明", DEFINITION_COLUMNS, report.definitions()))
    xlsx.write_sheets(file, sheets)


def _list_rows(columns, entries):
    """A list's rows as they are written (a generator of its own: one made in the loop above would
    read the loop's last `columns` by then, the 已办结销号 list's)."""
    return (tuple(column.value(entry) for column in columns) for entry in entries)

