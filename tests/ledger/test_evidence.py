"""佐证材料 uploads: accepted kinds, disguised and oversize files, names, who may download."""
import io
import zipfile
from pathlib import Path

import pytest

from app.extensions import db
from app.ledger.models import Evidence, LedgerEvent, State

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _docx(extra_size=0, ratio_bomb=False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if ratio_bomb:
            archive.writestr("word/bomb.xml", b"0" * (120 * 1024 * 1024))
    return out.getvalue()


def _post(client, item, *files, text="已完成窗口流程再造"):
    data = {"version": str(item.version), "text": text, "files": [(io.BytesIO(body), name) for name, body in files]}
    return client.post(f"/ledger/{item.id}/progress", data=data, content_type="multipart/form-data")


def _events(item, kind="progress"):
    return db.session.query(LedgerEvent).filter_by(item_id=item.id, kind=kind).count()


def test_upload_and_download_as_attachment(world, client, auth, app):
    item = world["item"]
    auth.login("staff")
    response = _post(client, item, ("整改照片.png", PNG), ("整改报告.pdf", PDF))
    assert response.status_code == 302
    stored = db.session.query(Evidence).order_by(Evidence.id).all()
    assert [e.original_name for e in stored] == ["整改照片.png", "整改报告.pdf"]
    path = Path(app.config["UPLOAD_DIR"]) / "evidence" / stored[1].stored_name[:2] / stored[1].stored_name
    assert path.read_bytes() == PDF
    assert "static" not in str(path) and "报告" not in str(path)
    download = client.get(f"/ledger/evidence/{stored[1].id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert db.session.get(type(item), item.id).state == State.IN_PROGRESS


def test_html_renamed_to_pdf_is_refused_and_nothing_saved(world, client, auth):
    item = world["item"]
    auth.login("staff")
    response = _post(client, item, ("报告.pdf", b"<html><script>alert(1)</script></html>"))
    assert response.status_code == 422
    assert "内容与扩展名不符" in response.text
    assert db.session.query(Evidence).count() == 0
    assert _events(item) == 0
    assert db.session.get(type(item), item.id).state == State.PENDING


@pytest.mark.parametrize("name", ["脚本.exe", "页面.html", "无扩展名"])
def test_disallowed_types_refused(world, client, auth, name):
    auth.login("staff")
    response = _post(client, world["item"], (name, PDF))
    assert response.status_code == 422
    assert "文件类型不允许上传" in response.text


def test_zip_bomb_in_office_file_refused(world, client, auth):
    auth.login("staff")
    response = _post(client, world["item"], ("方案.docx", _docx(ratio_bomb=True)))
    assert response.status_code == 422
    assert "压缩炸弹" in response.text


def test_real_docx_accepted(world, client, auth):
    auth.login("staff")
    assert _post(client, world["item"], ("方案.docx", _docx())).status_code == 302


def test_path_traversal_name_is_cleaned(world, client, auth, app):
    auth.login("staff")
    assert _post(client, world["item"], ("../../etc/passwd.pdf", PDF)).status_code == 302
    record = db.session.query(Evidence).one()
    assert record.original_name == "passwd.pdf"
    assert not (Path(app.config["UPLOAD_DIR"]).parent / "etc").exists()


def test_oversize_request_is_413(world, client, auth, app):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    auth.login("staff")
    response = _post(client, world["item"], ("大文件.pdf", PDF + b"0" * (128 * 1024)))
    assert response.status_code == 413
    assert db.session.query(Evidence).count() == 0


def test_another_units_file_is_404(world, client, auth):
    auth.login("staff")
    _post(client, world["item"], ("报告.pdf", PDF))
    evidence_id = db.session.query(Evidence).one().id
    auth.logout()
    auth.login("other_staff")
    assert client.get(f"/ledger/evidence/{evidence_id}").status_code == 404
    assert client.get("/ledger/evidence/99999").status_code == 404


def test_only_the_responsible_person_reports(world, client, auth):
    auth.login("head")
    assert _post(client, world["item"], ("报告.pdf", PDF)).status_code == 403
