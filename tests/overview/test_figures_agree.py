"""Figures that should agree do, on the demo bureau: each ledger figure has one definition
(app.ledger.figures), stated beside it on every page, print view, Excel workbook and Word report."""
import re
from io import BytesIO

import pytest
from docx import Document
from openpyxl import load_workbook
from sqlalchemy import func, select

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.ledger import figures
from app.ledger.models import LedgerItem, State
from app.org.models import Unit
from app.overview.figures import LEDGER_NOTE
from app.overview.reports import TOTALS_DEFINITION


@pytest.fixture(scope="module")
def admin(demo):
    client = demo.test_client()
    client.post("/auth/login", data={"username": "admin", "password": DEMO_PASSWORD})
    return client


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_report_and_the_progress_count_the_same_problems_discipline_cases_included(demo, admin):
    everything = db.session.scalar(select(func.count(LedgerItem.id)))
    assert db.session.scalar(select(func.count(LedgerItem.id)).where(LedgerItem.is_discipline.is_(True)))
    progress = admin.get("/overview/progress").text
    total = re.search(r'<tfoot><tr id="unit-total"><th>合计</th>.*?</tfoot>', progress, re.S).group(0)
    report = admin.get("/overview/report?preset=all").text
    summary = re.search(r'<table class="table progress-table report-summary">.*?</table>', report, re.S).group(0)
    figures_of = dict(zip(re.findall(r'<th class="num">([^<]+)</th>', summary),
                          re.findall(r'<td class="num">([^<]+)</td>', summary), strict=True))
    assert int(figures_of["累计发现问题"]) == everything
    assert f">{everything}</a>" in total  # the 问题总数 cell of the 合计 row


def _header(page: str) -> dict[str, int]:
    summary = page.split('id="reconcile-summary"', 1)[1].split("</tr>", 1)[0]
    return {label: int(n) for label, n in re.findall(r"<td>(\S+) <strong[^>]*>(\d+)</strong>", summary)}


def test_the_reconcile_header_counts_each_section_and_the_print_agrees(demo, admin):
    units = db.session.scalars(select(Unit).where(Unit.parent_id.is_not(None))).all()
    for unit in units:
        page = admin.get(f"/ledger/reconcile/{unit.id}").text
        header = _header(page)
        sections = {label: int(n) for label, n in re.findall(r"<h2>(\S+)（(\d+)）</h2>", page)}
        for state in State:
            assert header[state.label] == sections.get(state.label, 0), (unit.name, state.label)
        assert header["问题总数"] == sum(sections.values())
        printed = admin.get(f"/ledger/reconcile/{unit.id}/print").text
        heads = re.findall(r'<th class="num">([^<]+)</th>', printed)[:len(figures.FIGURES) + 1]
        cells = re.findall(r'<td class="num">([^<]+)</td>', printed)[:len(heads)]
        printed_figures = dict(zip(heads, cells, strict=True))
        assert all(int(printed_figures[label]) == n for label, n in header.items()), unit.name


def test_every_page_print_and_export_states_the_definitions(demo, admin):
    reconcile = f"/ledger/reconcile/{db.session.scalar(select(Unit.id).where(Unit.parent_id.is_not(None)))}"
    ledger_note = figures.note(*figures.FIGURES, rate=True)
    for url, note in [("/overview/progress", LEDGER_NOTE), ("/overview/overdue", LEDGER_NOTE),
                      ("/ledger/reconcile", ledger_note), (reconcile, ledger_note), (reconcile + "/print", ledger_note),
                      ("/overview/report?preset=all", TOTALS_DEFINITION),
                      ("/overview/report/print?preset=all", TOTALS_DEFINITION)]:
        assert note in admin.get(url).text, url
    for url in ("/overview/progress.xlsx", "/overview/report.xlsx?preset=all"):
        book = load_workbook(BytesIO(admin.get(url).data), read_only=True)
        rows = dict(book["口径说明"].iter_rows(min_row=2, values_only=True))
        assert figures.DISCIPLINE in "".join(rows.values()), url
    word = Document(BytesIO(admin.get("/overview/report.docx?preset=all").data))
    assert figures.DISCIPLINE in "".join(paragraph.text for paragraph in word.paragraphs)
