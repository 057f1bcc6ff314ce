"""The rule's document: PDF or Word only, checked by content (the 佐证材料 checks), stored outside
static/, downloaded as an attachment by those who may read the rule."""
import io
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import select

from app.audit import AuditLog
from app.extensions import db
from app.regulations import services
from app.regulations.models import Regulation
from tests.factories import today

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def upload(client, rule, name: str, body: bytes, version=None):
    data = {"version": str(rule.version if version is None else version), "file": (io.BytesIO(body), name)}
    return client.post(f"/regulations/{rule.id}/document", data=data, content_type="multipart/form-data")


def test_upload_and_download_as_attachment(world, client, auth, app):
    rule = world["rule"]
    auth.login("head")
    response = upload(client, rule, "值班值守制度.pdf", PDF)
    assert response.status_code == 302
    rule = db.session.get(Regulation, rule.id)
    assert rule.file_name == "值班值守制度.pdf" and rule.file_size == len(PDF)
    path = Path(app.config["UPLOAD_DIR"]) / "rules" / rule.file_stored_name[:2] / rule.file_stored_name
    assert path.read_bytes() == PDF and "static" not in str(path)
    download = client.get(f"/regulations/{rule.id}/document")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Content-Type"] == "application/pdf"
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "regulation.document_uploaded")).one()
    assert row.details_dict["sha256"] == rule.file_sha256 and row.details_dict["replaced"] is None


def test_a_word_document_replaces_the_pdf(world, client, auth):
    rule = world["rule"]
    auth.login("head")
    upload(client, rule, "初稿.pdf", PDF)
    rule = db.session.get(Regulation, rule.id)
    first = rule.file_stored_name
    assert upload(client, rule, "值班值守制度（印发稿）.docx", docx()).status_code == 302
    rule = db.session.get(Regulation, rule.id)
    assert rule.file_name == "值班值守制度（印发稿）.docx" and rule.file_stored_name != first
    rows = db.session.scalars(select(AuditLog).where(AuditLog.action == "regulation.document_uploaded")
                              .order_by(AuditLog.seq)).all()
    assert rows[-1].details_dict["replaced"]["stored_name"] == first


@pytest.mark.parametrize("name, body, message", [
    ("制度.pdf", b"<html><script>alert(1)</script></html>", "内容与扩展名不符"),  # a web page renamed
    ("制度.docx", b"MZ\x90\x00" + b"\x00" * 60, "内容与扩展名不符"),  # a program renamed
    ("制度.png", PNG, "文件类型不允许上传"),  # evidence may be a picture; a rule's document may not
    ("制度.exe", PDF, "文件类型不允许上传"),
])
def test_disguised_and_other_files_are_refused(world, client, auth, app, name, body, message):
    rule = world["rule"]
    auth.login("head")
    response = upload(client, rule, name, body)
    assert response.status_code == 422
    assert message in response.text
    assert db.session.get(Regulation, rule.id).file_stored_name == ""
    assert not (Path(app.config["UPLOAD_DIR"]) / "rules").exists()
    if "类型" in message:
        assert "PDF、Word（doc/docx）" in response.text


def test_no_file_chosen(world, client, auth):
    auth.login("head")
    response = client.post(f"/regulations/{world['rule'].id}/document", data={"version": world["rule"].version},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择要上传的制度文件" in response.text


def test_a_stale_upload_is_refused_and_its_file_removed(world, client, auth, app):
    rule = world["rule"]
    seen = rule.version
    services.edit(rule, world["admin"], seen, title="值班值守制度（试行）")
    db.session.commit()
    auth.login("head")
    response = upload(client, rule, "制度.pdf", PDF, version=seen)
    assert response.status_code == 409
    folder = Path(app.config["UPLOAD_DIR"]) / "rules"
    assert not folder.exists() or not any(p.is_file() for p in folder.rglob("*"))


def test_who_downloads(world, client, auth):
    """A draft's document: those who may read the draft; once issued, everyone. Staff cannot upload."""
    rule = world["rule"]
    auth.login("head")
    upload(client, rule, "制度.pdf", PDF)
    auth.logout()
    auth.login("staff")
    assert upload(client, rule, "制度.pdf", PDF).status_code == 403
    assert client.get(f"/regulations/{rule.id}/document").status_code == 200
    auth.logout()
    auth.login("other_staff")
    assert client.get(f"/regulations/{rule.id}/document").status_code == 404
    rule = db.session.get(Regulation, rule.id)
    services.issue(rule, world["head"], rule.version, today(), None, "", today())
    db.session.commit()
    assert client.get(f"/regulations/{rule.id}/document").status_code == 200


def test_no_document_yet(world, client, auth):
    auth.login("head")
    assert client.get(f"/regulations/{world['rule'].id}/document").status_code == 404
