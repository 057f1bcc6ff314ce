"""Excel (.xlsx) files in and out, for every import and export of the app.

In: an upload is checked before any parser sees it (extension, zip signature, zip-bomb bounds),
opened read-only, and its sheet read as text, with every problem named by row and column.
Out: a large table is written as a stream (rows go straight into the zip member, so memory does
not grow with rows), and a download carries a Chinese file name that old browsers can also save.
"""
import logging
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from io import BytesIO
from urllib.parse import quote
from xml.sax.saxutils import escape, quoteattr  # nosec B406  # they write XML text; nothing is parsed

from openpyxl import load_workbook
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.utils import get_column_letter

log = logging.getLogger(__name__)

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# An .xlsx is a zip archive. A crafted one can unpack to gigabytes from a small upload, so its
# table of contents is checked before openpyxl opens it. zipfile never inflates a member past its
# declared size (and checks the CRC), so the declared sizes are a real bound.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
ZIP_MAGIC = b"PK\x03\x04"

NOT_XLSX = "只能导入 .xlsx 格式的 Excel 文件。旧版 .xls 文件请用 Excel 或 WPS 另存为 .xlsx。"
UNREADABLE = "文件无法读取：可能已损坏，或不是 Excel 2007 及以上版本保存的 .xlsx 文件。请用 Excel 或 WPS 打开后另存为 .xlsx 再上传。"

# Chinese rosters pad two-character names to the width of three ("张  三"): the spaces are not
# part of the name. Only names made of Han characters are closed up; "买买提·艾力" keeps its dot.
HAN_NAME_WITH_SPACES = re.compile(r"^[\u4e00-\u9fff\s]+$")


class FileRefused(Exception):
    """The upload is not a workbook we are willing to open; the message is for the user."""


# -- Reading an upload --------------------------------------------------------------------------
def check_upload(data: bytes, filename: str, *, max_uncompressed: int = MAX_UNCOMPRESSED_BYTES,
                 advice: str = "") -> None:
    """Refuse anything but a plain, reasonably sized .xlsx before any parser sees it.

    `advice` ends the message for a suspicious archive (e.g. how many rows a file may have).
    """
    if not (filename or "").lower().endswith(".xlsx"):
        raise FileRefused(NOT_XLSX)
    if not data.startswith(ZIP_MAGIC):
        raise FileRefused("文件内容不是 Excel（.xlsx）格式，可能只是改了扩展名。请上传用 Excel 或 WPS 保存的 .xlsx 文件。")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise FileRefused(UNREADABLE) from None
    total = 0
    for member in members:
        total += member.file_size
        # Small members cannot hurt, whatever their ratio; big ones must look like real sheets.
        ratio = member.file_size / max(member.compress_size, 1)
        if total > max_uncompressed or (member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
            raise FileRefused("文件解压后过大或压缩比异常，疑似恶意构造的文件，已拒绝处理。" + advice)


def open_workbook(data: bytes):
    """The checked upload opened read-only (values, not formulas); FileRefused if it cannot be."""
    try:
        return load_workbook(BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        log.info("import: workbook could not be opened", exc_info=True)
        raise FileRefused(UNREADABLE) from None


@dataclass(frozen=True)
class Column:
    """A column of an import template or an export: its header, its rule, how it looks."""

    key: str
    header: str
    required: bool
    width: int
    rule: str
    max_length: int | None = None
    as_text: bool = False  # formatted as text in a template, so Excel keeps leading zeros
    wrap: bool = False  # long text: wrapped in an export
    expected: bool = False  # the column must be present even though a cell may be empty

    @property
    def template_header(self) -> str:
        return self.header + ("*" if self.required else "")


def export_column(key: str, header: str, width: int, wrap: bool = False) -> Column:
    """A column of an export: no import rule, only its header and how it looks."""
    return Column(key, header, False, width, "", wrap=wrap)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: where (sheet, row as Excel numbers it, column) and what."""

    sheet: str
    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.sheet
        if self.row is not None:
            where += f" 第 {self.row} 行"
        if self.column:
            where += f"「{self.column}」"
        return f"{where.strip()}：{self.message}" if where else self.message


def read_sheet(sheet, name: str, columns, problems: list[Problem], max_rows: int,
               header_row: int = 1) -> list[dict]:
    """The sheet's non-blank rows as {column key: text, "row": number}; header problems appended.

    Row `header_row` holds the column names (a trailing * is ignored); rows above it (a title)
    are skipped. Unknown, repeated and missing columns, data under no column and more than
    `max_rows` rows are reported as problems.
    """
    sheet.reset_dimensions()  # some programs write a wrong used range; read what is really there
    rows = sheet.iter_rows(min_row=header_row, values_only=True)
    header = next(rows, None) or ()
    by_header = {c.header: c for c in columns}
    keys: list[str | bool | None] = []  # False: a column whose header was already reported
    found_problem = False
    for index, value in enumerate(header, start=1):
        text = header_text(value)
        if not text:
            keys.append(None)
        elif text not in by_header:
            problems.append(Problem(name, header_row, text, f"无法识别的列名（第 {get_column_letter(index)} 列）。"
                                    "请使用导入模板中的列名，不需要的列请删除。"))
            keys.append(False)
            found_problem = True
        elif by_header[text].key in keys:
            problems.append(Problem(name, header_row, text, "列名重复。"))
            keys.append(False)
            found_problem = True
        else:
            keys.append(by_header[text].key)
    records: list[dict] = []
    stray_reported = False
    for number, values in enumerate(rows, start=header_row + 1):
        texts = [cell_text(v) for v in values]
        if not any(texts):
            continue
        if len(records) == max_rows:
            problems.append(Problem(name, number, "", f"数据超过 {max_rows} 行，请拆分为多个文件分批导入。"))
            return []
        record = {"row": number}
        for index, text in enumerate(texts):
            key = keys[index] if index < len(keys) else None
            if key:
                record[key] = text
            elif key is None and text and not stray_reported:
                problems.append(Problem(name, number, f"第 {get_column_letter(index + 1)} 列",
                                        "该列没有列名，无法识别其内容。请删除该列内容，或使用模板中的列。"))
                stray_reported = True
        records.append(record)
    if records or any(keys) or found_problem:
        present = set(keys)
        for column in columns:
            if (column.required or column.expected) and column.key not in present:
                problems.append(Problem(name, header_row, column.header, "缺少此列，请使用下载的导入模板填写。"))
    return records


def header_text(value) -> str:
    """A column name as written in a header cell: "问题描述*" and "问题\n描述" → "问题描述"."""
    return re.sub(r"\s+", "", cell_text(value)).rstrip("*＊")


def cell_text(value) -> str:
    """A cell's value as the text the user sees: 13800000000.0 → "13800000000"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d" if value.time() == time() else "%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return str(value).strip().strip("\u200b\ufeff").strip()


def person_name(text: str) -> str:
    """A name as typed in a roster, padding removed: "张  三" → "张三"."""
    return re.sub(r"\s+", "", text) if HAN_NAME_WITH_SPACES.match(text) else text


def choices_text(labels) -> str:
    """Allowed values for a message: 自查发现、上级通报、…"""
    return "、".join(labels.values() if isinstance(labels, dict) else labels)


class Checker:
    """Collects problems for one sheet, naming the row and column each time."""

    def __init__(self, sheet: str, columns, problems: list[Problem]):
        self.sheet = sheet
        self.headers = {c.key: c.header for c in columns}
        self.columns = {c.key: c for c in columns}
        self.problems = problems

    def add(self, row: int, key: str, message: str) -> None:
        self.problems.append(Problem(self.sheet, row, self.headers[key], message))

    def value(self, record: dict, key: str) -> str | None:
        """The cell's text, or None after reporting it missing, too long or an Excel error value."""
        text = record.get(key, "")
        column = self.columns[key]
        if text in ERROR_CODES:
            self.add(record["row"], key, f"单元格是公式错误值 {text}，请填写实际内容。")
            return None
        if column.required and not text:
            self.add(record["row"], key, "必须填写。")
            return None
        if column.max_length and len(text) > column.max_length:
            self.add(record["row"], key, f"不能超过 {column.max_length} 个字（现为 {len(text)} 个）。")
            return None
        return text

    def choice(self, record: dict, key: str, labels: dict, what: str) -> str | None:
        text = self.value(record, key)
        if not text:
            return None
        by_label = {label: value for value, label in labels.items()}
        if text not in by_label:
            self.add(record["row"], key, f"“{text}”不是有效的{what}，可选：{choices_text(labels)}。")
            return None
        return str(by_label[text])


# -- Downloads ------------------------------------------------------------------------------------
def content_disposition(filename: str, ascii_fallback: str) -> str:
    """attachment with the Chinese name as RFC 5987 filename*, and an ASCII name for old browsers."""
    return f"attachment; filename=\"{ascii_fallback}\"; filename*=UTF-8''{quote(filename)}"


# -- Writing a large table as a stream ---------------------------------------------------------
# openpyxl's write-only mode spends ~0.3 ms a cell serialising XML (3–7 s for 10,000 ledger rows
# here), so a table is written straight into the zip member instead: one sheet a table (a
# workbook may hold a few), a styled and frozen header row, inline strings, fixed styles.
# Formatting beyond that belongs in templates built with openpyxl, which are small.

# A cell beginning with one of these is a formula to Excel, WPS and LibreOffice once typed (or
# once the file passes through CSV): such text is stored as text with Excel's quote prefix, so it
# shows as typed and stays text when the cell is edited, and is never evaluated.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)
ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
EXCEL_EPOCH = date(1899, 12, 30)
HEADER_FILL = "FFDDEBF7"
BATCH_ROWS = 500

# cellXfs, in this order: the style index of a cell is its position here.
STYLE_DEFAULT, STYLE_HEADER, STYLE_DATE, STYLE_TEXT, STYLE_WRAP, STYLE_TEXT_QUOTED, STYLE_WRAP_QUOTED = range(7)
_TOP = '<alignment vertical="top"/>'
_TOP_WRAP = '<alignment vertical="top" wrapText="1"/>'
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/></numFmts>'
    '<fonts count="2">'
    '<font><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '<font><b/><sz val="11"/><name val="宋体"/><family val="3"/><charset val="134"/></font>'
    '</fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    f'<fill><patternFill patternType="solid"><fgColor rgb="{HEADER_FILL}"/><bgColor indexed="64"/></patternFill></fill>'
    '</fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border>'
    '<border><left style="thin"><color auto="1"/></left><right style="thin"><color auto="1"/></right>'
    '<top style="thin"><color auto="1"/></top><bottom style="thin"><color auto="1"/></bottom><diagonal/></border>'
    '</borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" applyBorder="1"'
    ' applyAlignment="1"><alignment horizontal="center" vertical="center" wrapText="1"/></xf>'
    f'<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"'
    f' applyAlignment="1">{_TOP}</xf>'
    f'<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">{_TOP}</xf>'
    f'<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" applyAlignment="1">{_TOP_WRAP}</xf>'
    f'<xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"'
    f' applyAlignment="1" quotePrefix="1">{_TOP}</xf>'
    f'<xf numFmtId="49" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" applyBorder="1"'
    f' applyAlignment="1" quotePrefix="1">{_TOP_WRAP}</xf>'
    '</cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '</styleSheet>'
)


def keep_as_text(sheet) -> None:
    """For a sheet built with openpyxl (the import templates): text that begins like a formula (a
    unit or a name typed as "=…", say) is stored as text with the quote prefix, as in the exports;
    openpyxl would otherwise write any "=…" string as a formula."""
    for row in sheet.iter_rows():
        for cell in row:
            if isinstance(cell.value, str) and cell.value[:1] in _TRIGGERS:
                cell.data_type = "s"
                cell.quotePrefix = True


def _content_types(sheets: int) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{n}.xml"'
            ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for n in range(1, sheets + 1)
        )
        + '<Override PartName="/xl/styles.xml"'
        ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '</Types>'
    )


_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"'
    ' Target="xl/workbook.xml"/></Relationships>'
)


def _workbook_rels(sheets: int) -> str:
    """Sheet n is rId<n>; the styles come after them."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, sheets + 1)
        )
        + f'<Relationship Id="rId{sheets + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>'
    )


def _text_cell(ref: str, text: str, wrap: bool) -> str:
    # Called once a cell: kept to plain string work (the export's hot path).
    if text[:1] in _TRIGGERS:
        style = STYLE_WRAP_QUOTED if wrap else STYLE_TEXT_QUOTED
    else:
        style = STYLE_WRAP if wrap else STYLE_TEXT
    if text[:1].isspace() or text[-1:].isspace() or "\n" in text:
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{_xml_text(text)}</t></is></c>'
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t>{_xml_text(text)}</t></is></c>'


def _xml_text(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return ILLEGAL_XML.sub("", text) if ILLEGAL_XML.search(text) else text


def _cell(ref: str, value, wrap: bool) -> str:
    if value.__class__ is str:
        return _text_cell(ref, value, wrap)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f'<c r="{ref}" s="{STYLE_DATE}"><v>{(value - EXCEL_EPOCH).days}</v></c>'
    if isinstance(value, bool):
        value = "是" if value else "否"
    if isinstance(value, (int, float)):
        return f'<c r="{ref}" s="{STYLE_TEXT}"><v>{value!r}</v></c>'
    return _text_cell(ref, str(value), wrap)


def write_table(file, title: str, columns, rows) -> int:
    """Write one sheet named `title` to `file` (a seekable binary file): the columns' headers in a
    bold, filled, frozen first row with an auto filter, then `rows` (tuples of str, int, date or
    None, in the columns' order) as they come. Returns the number of data rows written."""
    return write_sheets(file, [(title, columns, rows)])[0]


def write_sheets(file, sheets) -> list[int]:
    """Like write_table, for several sheets in one workbook: `sheets` is a list of
    (title, columns, rows). Returns the number of data rows written to each."""
    counts = []
    with zipfile.ZipFile(file, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(sheets)))
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/_rels/workbook.xml.rels", _workbook_rels(len(sheets)))
        archive.writestr("xl/styles.xml", _STYLES)
        for number, (_title, columns, rows) in enumerate(sheets, start=1):
            with archive.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as sheet:
                counts.append(_write_sheet(sheet, columns, rows, active=number == 1))
        entries, names = [], []
        for index, ((title, columns, _rows), count) in enumerate(zip(sheets, counts, strict=True)):
            last = get_column_letter(len(columns))
            quoted = escape("'" + title.replace("'", "''") + "'")
            entries.append(f'<sheet name={quoteattr(title)} sheetId="{index + 1}" r:id="rId{index + 1}"/>')
            names.append(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{index}" hidden="1">'
                f'{quoted}!$A$1:${last}${count + 1}</definedName>'
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">{quoted}!$1:$1</definedName>'
            )
        archive.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
            ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<bookViews><workbookView/></bookViews><sheets>{"".join(entries)}</sheets>'
            f'<definedNames>{"".join(names)}</definedNames></workbook>'
        ))
    return counts


def _write_sheet(sheet, columns, rows, active: bool) -> int:
    letters = [get_column_letter(i) for i in range(1, len(columns) + 1)]
    last = letters[-1]
    count = 0
    cols = "".join(
        f'<col min="{i}" max="{i}" width="{c.width}" customWidth="1"/>' for i, c in enumerate(columns, 1)
    )
    header = "".join(
        f'<c r="{letter}1" s="{STYLE_HEADER}" t="inlineStr"><is><t>{escape(c.header)}</t></is></c>'
        for letter, c in zip(letters, columns, strict=True)
    )
    selected = ' tabSelected="1"' if active else ""
    sheet.write((
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
        ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>'
        f'<sheetViews><sheetView{selected} workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f'<cols>{cols}</cols><sheetData><row r="1">{header}</row>'
    ).encode())
    wraps = [c.wrap for c in columns]
    batch: list[str] = []
    for count, values in enumerate(rows, start=1):
        number = count + 1
        cells = "".join(
            _cell(f"{letter}{number}", value, wrap)
            # a row may stop before the last column: the cells after it are empty
            for letter, value, wrap in zip(letters, values, wraps, strict=False)
            if value is not None and value != ""
        )
        batch.append(f'<row r="{number}">{cells}</row>')
        if len(batch) == BATCH_ROWS:
            sheet.write("".join(batch).encode())
            batch = []
    sheet.write("".join(batch).encode())
    sheet.write((
        f'</sheetData><autoFilter ref="A1:{last}{count + 1}"/>'
        '<pageMargins left="0.4" right="0.4" top="0.6" bottom="0.6" header="0.3" footer="0.3"/>'
        '<pageSetup paperSize="9" orientation="landscape" fitToWidth="1" fitToHeight="0"/>'
        '</worksheet>'
    ).encode())
    return count
