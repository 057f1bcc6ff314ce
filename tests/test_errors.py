"""Error pages in Chinese, as a page or as an htmx fragment."""
import pytest

from tests.factories import make_bureau, make_campaign


def test_404_page_in_chinese(app, client, auth):
    make_bureau()
    auth.login("staff")
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert "页面不存在" in response.text
    assert "<html" in response.text


def test_404_fragment_for_htmx(app, client, auth):
    make_bureau()
    auth.login("staff")
    response = client.get("/no-such-page", headers={"HX-Request": "true"})
    assert response.status_code == 404
    assert "页面不存在" in response.text
    assert "<html" not in response.text


def test_405_in_chinese(client):
    response = client.put("/auth/login")
    assert response.status_code == 405
    assert "请求方式不正确" in response.text


def test_missing_csrf_token_is_400_in_chinese(app, client):
    make_bureau()
    app.config["WTF_CSRF_ENABLED"] = True
    response = client.post("/auth/login", data={"username": "staff", "password": "x"})
    assert response.status_code == 400
    assert "安全令牌失效" in response.text


def test_oversize_request_is_413_in_chinese(app, client, auth):
    make_bureau()
    auth.login("admin")
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/admin/units/new", data={"name": "x" * 5000})
    assert response.status_code == 413
    assert "文件过大" in response.text


def test_security_headers_on_every_page(client):
    response = client.get("/auth/login")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert "HX-Request" in response.headers["Vary"]


def test_authenticated_pages_are_not_cached(app, client, auth):
    make_bureau()
    auth.login("staff")
    assert client.get("/").headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("method, url, data, status", [
    ("GET", "/ledger/99999999999999999999", None, 404),  # beyond any id: no query at all
    ("GET", "/ledger/2147483648", None, 404),
    ("GET", "/ledger/?unit=99999999999999999999", None, 400),
    ("POST", "/ledger/new", {"description": "问题", "owner_id": "-99999999999999999999"}, 400),
])
def test_numbers_beyond_the_database_are_refused_not_500(app, client, auth, method, url, data, status):
    make_bureau()
    make_campaign()
    auth.login("admin")
    response = client.open(url, method=method, data=data)
    assert response.status_code == status
    assert "请求有误" in response.text or "页面不存在" in response.text
