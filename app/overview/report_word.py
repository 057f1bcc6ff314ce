"""情况报告 as a Word (.docx) draft the 专项办 edits and sends upward.

Laid out as Chinese official documents (党政机关公文格式, GB/T 9704) are: A4 with margins of 3.7 cm
(top), 3.5 cm (bottom), 2.8 cm (left) and 2.6 cm (right); the title in 方正小标宋简体 二号, the body in
仿宋_GB2312 三号 at a fixed 28 pt line (22 lines a page), first-level headings in 黑体, paragraphs
indented two characters, page numbers "— 1 —" at the foot. Offices without 方正小标宋简体 or
仿宋_GB2312 (a plain Windows) get 宋体 and 仿宋: the document's font table names them as the
alternatives.

The report: the opening naming the campaign, the units and the period; 总体情况 in figures (the
ledger's for the period, the other work's as at today); the
分类统计 table; a highlighted placeholder where the office writes its own analysis and plans; the
list of attachments and the 落款. The three lists follow as 附件1–3 on landscape pages, with the
page's columns (less 整改类型 and 责任人) in 五号.
"""
from io import BytesIO
from xml.sax.saxutils import escape  # nosec B406  # it writes XML text; nothing is parsed

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt
from lxml import etree

from app.ledger.figures import DISCIPLINE
from app.ledger.models import Source
from app.overview.reports import CLOSED, NEW, ONGOING, OVERDUE_DEFINITION, TOTALS_DEFINITION, Report, chinese_date
from app.xlsx import ILLEGAL_XML

TITLE_FONT, TITLE_FALLBACK = "方正小标宋简体", "宋体"
BODY_FONT, BODY_FALLBACK = "仿宋_GB2312", "仿宋"
HEADING_FONT = "黑体"
LATIN_FONT = "Times New Roman"
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
TABLE_SIZE = Pt(10.5)  # 五号
LINE = Pt(28)
TEXT_WIDTH_CM = 21.0 - 2.8 - 2.6
LANDSCAPE_WIDTH_CM = 29.7 - 2.8 - 2.6
# The lists' columns in the Word tables, by kind; long text shares what is left of the width.
COLUMN_CM = {"code": 2.4, "date": 2.3, "flag": 1.3, "text": 1.9}
NUMERALS = "一二三四五六七八九十"
PLACEHOLDER = "（此处由专项办填写存在的主要问题、原因分析和下一步工作打算。）"
# Fonts the document names, with the one Word and WPS use where that is not installed.
FONT_TABLE = ((TITLE_FONT, TITLE_FALLBACK, "roman"), (BODY_FONT, BODY_FALLBACK, "modern"),
              (HEADING_FONT, None, "modern"))


def build(report: Report, today) -> bytes:
    """The report as a .docx file."""
    document = Document()
    _page(document.sections[0])
    _default_fonts(document)
    _font_table(document)
    _table_styles(document)
    _footer_page_number(document.sections[0])

    title = f"关于{report.campaign.title}问题整改情况的报告"
    _paragraph(document, title, font=TITLE_FONT, size=TITLE_SIZE, align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _paragraph(document, "", indent=False)
    _paragraph(document, (
        f"按照{report.campaign.title}工作部署，现将{report.scope_name}{report.period.text}问题排查整改情况"
        "报告如下："
    ))
    headings = iter(NUMERALS)

    def heading(text: str) -> None:
        _paragraph(document, f"{next(headings)}、{text}", font=HEADING_FONT)

    heading("总体情况")
    _paragraph(document, _figures_text(report))
    if progress := _progress_text(report):
        _paragraph(document, progress)
    heading("问题分类统计")
    _paragraph(document, "新增、推进落实和已办结销号的问题按问题来源、问题类别统计如下：")
    _counts_table(document, report)
    heading("存在问题和下一步工作")
    placeholder = _paragraph(document, PLACEHOLDER)
    for run in placeholder.runs:
        run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    _paragraph(document, "", indent=False)
    lists = list(report.lists.values())
    for number, report_list in enumerate(lists, start=1):
        # 附件：1．… with the later items aligned under the first one's number.
        line = _paragraph(document, f"{'附件：' if number == 1 else ''}{number}．{_attachment_title(report_list)}")
        if number > 1:
            line.paragraph_format.first_line_indent = Pt(5 * 16)
    _paragraph(document, "", indent=False)
    for text in (report.scope_name, chinese_date(today)):
        # 落款: right-aligned, four characters in from the right margin.
        signature = _paragraph(document, text, align=WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
        signature.paragraph_format.right_indent = Pt(4 * 16)

    # The attachments: each list on landscape pages, as wide tables are printed.
    for number, report_list in enumerate(lists, start=1):
        section = document.add_section(WD_SECTION.NEW_PAGE)
        _page(section, landscape=True)
        _paragraph(document, f"附件{number}", font=HEADING_FONT, indent=False)
        _paragraph(document, _attachment_title(report_list), font=TITLE_FONT, size=TITLE_SIZE,
                   align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        _paragraph(document, f"（{report.scope_name}　{report.period.text}　共{report_list.tally.total}个）",
                   align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        if report_list.entries:
            _list_table(document, report_list, LANDSCAPE_WIDTH_CM)
        else:
            _paragraph(document, f"本期无{report_list.title}。")
        note = _paragraph(document, f"说明：{report_list.definition}{OVERDUE_DEFINITION}{TOTALS_DEFINITION}",
                          size=TABLE_SIZE)
        note.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def _attachment_title(report_list) -> str:
    return {NEW: "新增问题清单", ONGOING: "推进落实情况表", CLOSED: "已办结销号情况表"}[report_list.key]


def _progress_text(report: Report) -> str:
    """The other work as at today, where anyone was asked (承诺书签署率95%（190/200）…)."""
    figures = "，".join(f"{label}{rate.rate}%（{rate.done}/{rate.required}）"
                       for label, rate in report.progress if rate.rate is not None)
    return f"截至{report.as_of.month}月{report.as_of.day}日，{figures}。" if figures else ""


def _figures_text(report: Report) -> str:
    new, ongoing, closed = report.new.tally, report.ongoing.tally, report.signed_off.tally
    sources = "、".join(f"{Source(key).label}{n}个" for key, n in new.by_source.items() if n)
    end = f"{report.period.end.month}月{report.period.end.day}日"
    text = f"{report.period.text}，新增问题{new.total}个"
    text += f"（{sources}）" if sources else ""
    text += f"；办结销号{closed.total}个"
    text += f"，其中超过整改时限销号{closed.overdue}个" if closed.overdue else ""
    text += (f"。截至{end}，正在推进落实的问题{ongoing.total}个，其中逾期{ongoing.overdue}个，"
             f"本期有情况反馈的{report.with_feedback}个。")
    text += f"专项行动开展以来累计发现问题{report.registered}个（{DISCIPLINE}），已销号{report.closed}个"
    text += f"，销号率{report.closed_rate}%。" if report.closed_rate is not None else "。"
    return text


# -- Tables ----------------------------------------------------------------------------------------
# A list may run to a thousand rows: rows are written as XML (python-docx's cell API costs some 10 ms
# a cell), in two paragraph styles made once (表格文字, 表格标题: 五号, single-spaced, not indented).
TABLE_STYLE, TABLE_HEADING_STYLE = "表格文字", "表格标题"
_CELL = ('<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style}"/>{align}'
         '</w:pPr>{run}</w:p></w:tc>')
_RUN = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
_CENTER = '<w:jc w:val="center"/>'


def _counts_table(document, report: Report) -> None:
    table = _table(document, ("分类", "项目", "新增问题", "推进落实", "已办结销号"), (2.6, 3.4, 3.2, 3.2, 3.2))
    for group, rows in report.count_table():
        first = len(table.rows)
        for index, (label, *counts) in enumerate(rows):
            _add_row(table, ("" if index else group, label, *counts), (True, False, True, True, True))
        if len(rows) > 1:  # the group's name once, in a cell spanning its rows
            table.cell(first, 0).merge(table.cell(first + len(rows) - 1, 0))


def _list_table(document, report_list, width_cm: float) -> None:
    columns = [c for c in report_list.columns if c.in_document]
    share = (width_cm - sum(COLUMN_CM.get(c.kind, 0) for c in columns)) / sum(c.kind == "long" for c in columns)
    table = _table(document, [c.header for c in columns], [COLUMN_CM.get(c.kind, share) for c in columns])
    centered = [c.kind in ("date", "code", "flag") for c in columns]
    for entry in report_list.entries:
        _add_row(table, [column.value(entry) for column in columns], centered)


def _table(document, headers, widths_cm):
    """A bordered table, centred, its header row repeated at the top of every page it runs over."""
    table = document.add_table(rows=0, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    header = _add_row(table, headers, [True] * len(headers), style=_style_id(document, TABLE_HEADING_STYLE))
    header.insert(0, parse_xml(f"<w:trPr {nsdecls('w')}><w:tblHeader/></w:trPr>"))
    return table


def _add_row(table, values, centered, style: str | None = None):
    """A row of `values` (text, numbers, dates); each cell as wide as its column (Word goes by the
    cells' widths, not the grid's)."""
    style = style or _style_id(table.part.document, TABLE_STYLE)
    cells = "".join(
        _CELL.format(width=column.width.twips, style=style, align=_CENTER if center else "", run=_run(value))
        for column, value, center in zip(table.columns, values, centered, strict=True)
    )
    row = parse_xml(f"<w:tr {nsdecls('w')}>{cells}</w:tr>")
    table._tbl.append(row)
    return row


def _run(value) -> str:
    """The value as a run of text (none for an empty cell), escaped for XML; line breaks kept."""
    text = f"{value:%Y-%m-%d}" if hasattr(value, "strftime") else str(value if value is not None else "")
    if not text:
        return ""
    return _RUN.format('</w:t><w:br/><w:t xml:space="preserve">'.join(escape(_clean(line)) for line in text.splitlines()))


def _style_id(document, name: str) -> str:
    return document.styles[name].style_id


def _table_styles(document) -> None:
    for name, bold in ((TABLE_STYLE, False), (TABLE_HEADING_STYLE, True)):
        style = document.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = document.styles["Normal"]
        style.font.size = TABLE_SIZE
        style.font.bold = bold
        style.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
        style.paragraph_format.first_line_indent = Pt(0)


def _clean(text: str) -> str:
    """Text as XML may hold it: control characters pasted in from elsewhere are dropped."""
    return ILLEGAL_XML.sub("", text)


# -- Page, fonts, paragraphs -----------------------------------------------------------------------
def _page(section, landscape: bool = False) -> None:
    """A4 with the 公文 margins; a landscape page (the attachments' tables) keeps the side margins."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Cm(29.7), Cm(21.0)
        section.top_margin, section.bottom_margin = Cm(2.8), Cm(2.6)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _set_fonts(r_pr, east_asia: str) -> None:
    """Name the fonts outright (Latin, East Asian) and drop the theme's, which would win over them."""
    fonts = r_pr.get_or_add_rFonts()
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)
    for slot, name in (("w:ascii", LATIN_FONT), ("w:hAnsi", LATIN_FONT), ("w:cs", LATIN_FONT),
                       ("w:eastAsia", east_asia)):
        fonts.set(qn(slot), name)


def _default_fonts(document) -> None:
    """仿宋_GB2312 三号 at a fixed 28 pt line, no space between paragraphs, Chinese line breaking."""
    defaults = document.styles.element.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(r_pr, BODY_FONT)
    r_pr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    normal = document.styles["Normal"]
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    normal.font.size = BODY_SIZE
    paragraph = normal.paragraph_format
    paragraph.space_before = paragraph.space_after = Pt(0)
    paragraph.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    paragraph.line_spacing = LINE
    paragraph.widow_control = False


def _font_table(document) -> None:
    """Declare the Chinese fonts (GB2312 character set) with the alternative Word falls back on."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    fonts = parse_xml(part.blob)
    for name, fallback, family in FONT_TABLE:
        alternative = f'<w:altName w:val="{fallback}"/>' if fallback else ""
        fonts.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}">{alternative}<w:charset w:val="86"/>'
            f'<w:family w:val="{family}"/><w:pitch w:val="fixed"/></w:font>'
        ))
    # python-docx keeps parts it does not model as bytes; there is no public setter.
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


def _footer_page_number(section) -> None:
    """— 1 — in 宋体 四号 at the foot of every page, centred."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in ("— ", None, " —"):
        run = paragraph.add_run()
        run.font.size = Pt(14)
        _set_fonts(run._element.get_or_add_rPr(), "宋体")
        if text is None:
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), "PAGE")
            paragraph._p.append(field)
            field.append(run._element)
            run.text = "1"
        else:
            run.text = text


def _paragraph(document, text: str, font: str | None = None, size=None, align=None, indent: bool = True):
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * 16)
    if align is not None:
        paragraph.alignment = align
    if text:
        run = paragraph.add_run(_clean(text))
        if font:
            _set_fonts(run._element.get_or_add_rPr(), font)
        if size:
            run.font.size = size
    return paragraph
