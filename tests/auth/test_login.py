from app.org.models import Role
from tests.factories import PASSWORD, make_bureau, make_user


def test_login_page_in_chinese(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert "登录" in response.text
    assert response.headers["X-UA-Compatible"] == "IE=edge"
    assert '<meta name="renderer" content="webkit">' in response.text


def test_login_and_home(app, client, auth):
    make_bureau()
    response = auth.login("staff")
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert "我的待办" in home.text


def test_wrong_password_refused_in_chinese(app, auth):
    make_bureau()
    response = auth.login("staff", "wrong-password")
    assert response.status_code == 422
    assert "用户名或密码不正确" in response.text
