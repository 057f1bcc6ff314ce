"""Study material files on a session: upload by the organiser, download by attendees, refusals."""
import io

from app.audit import AuditLog
from app.extensions import db
from app.study.models import SessionFile
from tests.study.conftest import make_session

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _upload(client, session, *files):
    data = {"files": [(io.BytesIO(body), name) for name, body in files]}
    return client.post(f"/study/sessions/{session.id}/files", data=data, content_type="multipart/form-data")


def test_organiser_uploads_and_attendee_downloads(world, client, auth):
    session = world["office_session"]
    auth.login("head")
    response = _upload(client, session, ("警示教育案例汇编.pdf", PDF))
    assert response.status_code == 302
    record = db.session.query(SessionFile).one()
    assert record.original_name == "警示教育案例汇编.pdf"
    assert db.session.query(AuditLog).filter_by(action="study.file_attached").count() == 1
    auth.logout()
    auth.login("staff")
    page = client.get(f"/study/sessions/{session.id}").text
    assert "警示教育案例汇编.pdf" in page and "上传材料文件" not in page
    download = client.get(f"/study/files/{record.id}")
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment;")


def test_disguised_file_refused_and_nothing_saved(world, client, auth):
    auth.login("head")
    response = _upload(client, world["office_session"], ("讲稿.pdf", b"<html><script>x</script></html>"))
    assert response.status_code == 422
    assert "内容与扩展名不符" in response.text
    assert db.session.query(SessionFile).count() == 0


def test_attendee_cannot_upload(world, client, auth):
    auth.login("staff")
    assert _upload(client, world["office_session"], ("讲稿.pdf", PDF)).status_code == 403


def test_other_units_session_file_is_404(world, client, auth):
    auth.login("head")
    _upload(client, world["office_session"], ("讲稿.pdf", PDF))
    record_id = db.session.query(SessionFile).one().id
    auth.logout()
    auth.login("other_staff")
    assert client.get(f"/study/files/{record_id}").status_code == 404


def test_organiser_removes_a_file(world, client, auth, app):
    auth.login("head")
    _upload(client, world["office_session"], ("讲稿.pdf", PDF))
    record = db.session.query(SessionFile).one()
    response = client.post(f"/study/files/{record.id}/delete")
    assert response.status_code == 302
    assert db.session.query(SessionFile).count() == 0
    assert db.session.query(AuditLog).filter_by(action="study.file_removed").count() == 1


def test_empty_upload_is_422(world, client, auth):
    auth.login("head")
    session = make_session(world["campaign"], world["head"], units=[world["office"]])
    db.session.commit()
    response = client.post(f"/study/sessions/{session.id}/files", data={}, content_type="multipart/form-data")
    assert response.status_code == 422 and "请选择要上传的文件" in response.text
