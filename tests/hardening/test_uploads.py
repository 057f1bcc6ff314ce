"""Every upload of the app refuses the same attacks, and saves nothing when it does.

The five places that take a file (佐证材料, 学习材料, 制度文件, 导入台账, 批量导入) each get an .exe or a
web page under an innocent name, zip bombs dressed as Word and Excel files, a request over the
size limit (413, in Chinese), and a good file under a name that climbs out of the upload folder.
Who may download a stored file, and that another unit's file id is a 404, is tested with each
area: tests/ledger/test_evidence.py, tests/study/test_files.py, tests/regulations/test_document.py.
"""
import io
import zipfile
from pathlib import Path

import pytest

from app.extensions import db
from app.ledger.models import Evidence
from app.regulations.models import Regulation
from app.study.models import SessionFile
from tests.admin.test_import import person, workbook
from tests.conftest import AuthActions
from tests.hardening.snapshot import fingerprint, stored_files
from tests.hardening.world import PDF
from tests.ledger.test_excel import good_row, ledger_file


def _bomb(name: str) -> bytes:
    """An Office file whose one extra member unpacks a thousand times bigger than it weighs."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(name, b"0" * (2 * 1024 * 1024))
    return out.getvalue()


UPLOADS = {  # endpoint: (who, url, file field, other fields, a good file)
    "ledger.report_progress": ("staff", lambda w: f"/ledger/{w['item'].id}/progress", "files",
                               lambda w: {"version": w["item"].version, "text": "已整改。"}, lambda w: PDF),
    "study.attach_files": ("admin", lambda w: f"/study/sessions/{w['exchange'].id}/files", "files",
                           lambda w: {}, lambda w: PDF),
    "regulations.upload_document": ("head", lambda w: f"/regulations/{w['rule'].id}/document", "file",
                                    lambda w: {"version": w["rule"].version}, lambda w: PDF),
    "ledger.import_items": ("head", lambda w: "/ledger/import", "file", lambda w: {"unit_id": w["office"].id},
                            lambda w: ledger_file(good_row(w))),
    "admin.import_org": ("admin", lambda w: "/admin/import", "file", lambda w: {},
                         lambda w: workbook(users=[person("zhangwei", "张伟", "办公室")])),
}
ATTACKS = {
    "exe renamed .pdf": (b"MZ\x90\x00\x03" + b"\x00" * 512, "整改报告.pdf"),
    "exe renamed .xlsx": (b"MZ\x90\x00\x03" + b"\x00" * 512, "台账.xlsx"),
    "web page renamed .png": (b"<html><script>alert(1)</script></html>", "整改照片.png"),
    "web page renamed .docx": (b"<html><script>alert(1)</script></html>", "方案.docx"),
    "zip bomb .docx": (_bomb("word/document.xml"), "方案.docx"),
    "zip bomb .xlsx": (_bomb("xl/worksheets/sheet1.xml"), "台账.xlsx"),
}


@pytest.fixture(params=sorted(UPLOADS))
def upload(request, app, world):
    """One of the uploads, its person logged in: upload(body, name) posts a file to it."""
    who, url, field, fields, _good = UPLOADS[request.param]
    client = app.test_client()
    assert AuthActions(client).login(who).status_code == 302

    def post(body: bytes, name: str):
        return client.post(url(world), data={**fields(world), field: (io.BytesIO(body), name)},
                           content_type="multipart/form-data")

    post.good = UPLOADS[request.param][4](world)
    return post


@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_a_disguised_file_or_a_zip_bomb_is_refused_and_nothing_saved(app, upload, attack):
    before, files = fingerprint(), stored_files(app)
    response = upload(*ATTACKS[attack])
    assert response.status_code == 422
    assert fingerprint() == before and stored_files(app) == files


def test_a_request_over_the_size_limit_is_413_in_chinese(app, upload):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    before, files = fingerprint(), stored_files(app)
    response = upload(PDF + b"0" * (128 * 1024), "大文件.pdf")
    assert response.status_code == 413
    assert "文件过大" in response.text
    assert fingerprint() == before and stored_files(app) == files


def test_a_name_that_climbs_out_of_the_folder_stays_a_name(app, upload, tmp_path):
    """Stored files get random names inside UPLOAD_DIR; the name shown keeps no folder part."""
    everything = set(tmp_path.rglob("*"))
    extension = ".pdf" if upload.good.startswith(b"%PDF") else ".xlsx"
    response = upload(upload.good, "../../../etc/cron.d/..\\..\\整改报告" + extension)
    assert response.status_code < 400, response.text
    uploads = Path(app.config["UPLOAD_DIR"]).resolve()
    for path in set(tmp_path.rglob("*")) - everything:
        assert path.resolve().is_relative_to(uploads) or path.name.startswith("test.db"), path
    shown = [*db.session.scalars(db.select(Evidence.original_name)), *db.session.scalars(
        db.select(SessionFile.original_name)), *db.session.scalars(db.select(Regulation.file_name))]
    assert all("/" not in name and "\\" not in name and ".." not in name for name in shown), shown
