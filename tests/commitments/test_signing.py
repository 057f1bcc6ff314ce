"""My letter page and 签署: with htmx the panel is swapped in place, without it the form posts and the
page comes back; the print view shows what was signed, never the template as it is now."""
import re

import pytest
from sqlalchemy import func, select

from app.commitments import services
from app.commitments.models import Signature
from app.extensions import db
from tests.commitments.conftest import publish_letter

HTMX = {"HX-Request": "true"}


def sign_url(world):
    return f"/commitments/letters/{world['letter'].id}/sign"


def signatures() -> int:
    return db.session.scalar(select(func.count(Signature.id)))


def test_my_letter_is_rendered_for_me(world, client, auth):
    auth.login("staff")
    page = client.get("/commitments/").text
    assert "作风建设承诺书" in page
    assert "本人李晓东，系办公室科员（一般干部）。" in page
    assert "本人已认真阅读并郑重承诺" in page and 'value="签署"' in page
    assert 'name="typed_name"' in page and "未签署" in page


def test_sign_without_javascript_redirects_with_a_message(world, client, auth):
    auth.login("staff")
    response = client.post(sign_url(world), data={"promise": "y", "typed_name": "李晓东"})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/commitments/#letter-{world['letter'].id}"
    page = client.get("/commitments/").text
    assert "已签署《作风建设承诺书》" in page
    signature = db.session.scalar(select(Signature))
    assert f'href="/commitments/signatures/{signature.id}/print"' in page
    assert 'name="typed_name"' not in page
    assert signature.address == "127.0.0.1"


def test_sign_with_htmx_returns_the_signed_panel(world, client, auth):
    auth.login("staff")
    response = client.post(sign_url(world), data={"promise": "y", "typed_name": "李晓东"}, headers=HTMX)
    assert response.status_code == 200
    assert response.text.lstrip().startswith(f'<div class="card letter-panel" id="letter-{world["letter"].id}">')
    assert "<html" not in response.text
    assert "已签署" in response.text and "打印" in response.text
    assert signatures() == 1


def test_the_promise_must_be_ticked(world, client, auth):
    auth.login("staff")
    response = client.post(sign_url(world), data={"typed_name": "李晓东"}, headers=HTMX)
    assert response.status_code == 422
    assert "请先勾选“本人已认真阅读并郑重承诺”。" in response.text
    assert 'value="李晓东"' in response.text  # what was typed stays
    assert signatures() == 0


def test_a_name_mismatch_is_refused_with_and_without_javascript(world, client, auth):
    auth.login("staff")
    response = client.post(sign_url(world), data={"promise": "y", "typed_name": "王五"}, headers=HTMX)
    assert response.status_code == 422
    assert "签名与您的姓名不一致" in response.text and "<html" not in response.text
    response = client.post(sign_url(world), data={"promise": "y", "typed_name": "王五"})
    assert response.status_code == 422
    assert "签名与您的姓名不一致" in response.text and "<html" in response.text
    assert 'value="王五"' in response.text and "checked" in response.text
    assert signatures() == 0


def test_signing_twice_is_refused_clearly(world, client, auth):
    auth.login("staff")
    client.post(sign_url(world), data={"promise": "y", "typed_name": "李晓东"})
    signed_at = db.session.scalar(select(Signature)).signed_at
    for headers in (HTMX, {}):
        response = client.post(sign_url(world), data={"promise": "y", "typed_name": "李晓东"}, headers=headers)
        assert response.status_code == 409
        assert re.search(r"您已于 \d{4}-\d\d-\d\d \d\d:\d\d 签署过本承诺书，无需重复签署。", response.text)
        assert "打印" in response.text  # the signed panel, not the form again
    assert signatures() == 1
    assert signed_at == db.session.scalar(select(Signature)).signed_at


def test_a_superseded_version_sends_me_to_the_new_one(world, client, auth):
    auth.login("staff")
    page_letter = world["letter"].id
    new = services.revise(world["letter"], world["admin"])
    services.publish(new, world["admin"])
    db.session.commit()
    response = client.post(f"/commitments/letters/{page_letter}/sign", data={"promise": "y", "typed_name": "李晓东"},
                           headers=HTMX)
    assert response.status_code == 409 and "已发布新版本" in response.text
    page = client.get("/commitments/").text
    assert "第 2 版" in page and 'name="typed_name"' in page


def test_drafts_are_not_found(world, client, auth):
    draft = services.revise(world["letter"], world["admin"])
    db.session.commit()
    auth.login("staff")
    assert client.post(f"/commitments/letters/{draft.id}/sign", data={"promise": "y", "typed_name": "李晓东"}
                       ).status_code == 404


def test_letters_for_other_ranks_are_not_shown(world, client, auth):
    publish_letter(world["admin"], world["campaign"], title="领导干部廉洁承诺书", target_ranks=["leadership"])
    db.session.commit()
    auth.login("staff")
    page = client.get("/commitments/").text
    assert "领导干部廉洁承诺书" not in page and "作风建设承诺书" in page


def test_old_signatures_stay_listed_and_printable(world, client, auth):
    old = services.sign(world["letter"], world["staff"], "李晓东", "")
    new = services.revise(world["letter"], world["admin"])
    services.edit_template(new, world["admin"], title="作风建设承诺书", body="本人{姓名}新的承诺。", target_ranks=[],
                           due_on=None)
    services.publish(new, world["admin"])
    db.session.commit()
    auth.login("staff")
    page = client.get("/commitments/").text
    assert "本人李晓东新的承诺。" in page and "未签署" in page
    assert "我签署过的其他承诺书" in page and f"/commitments/signatures/{old.id}/print" in page
    assert "已被新版本替代" in page


# -- Print --------------------------------------------------------------------------------------
def test_print_view_is_an_a4_letter(world, client, auth):
    signature = services.sign(world["letter"], world["staff"], "李晓东", "10.0.0.1")
    db.session.commit()
    auth.login("staff")
    page = client.get(f"/commitments/signatures/{signature.id}/print").text
    assert "print.css" in page and "app.css" not in page
    assert '<h1 class="doc-title">作风建设承诺书</h1>' in page
    assert "<p>本人李晓东，系办公室科员（一般干部）。为深入推进作风建设专项行动，本人郑重承诺：</p>" in page
    assert "承诺人（签字）：" in page and "日期：" in page
    assert "在线签署，签名“李晓东”。" in page
    assert f'文本校验码（SHA-256）：</span><span class="nowrap">{signature.text_sha256}</span>' in page  # all 64


@pytest.mark.parametrize("typed", ["李 晓东", "李\u3000晓东", "李晓\u00a0东", "李  晓 东"])
def test_print_shows_the_typed_name_without_the_spaces_typed_into_it(world, client, auth, typed):
    """A space typed inside the name (half-width, full-width 　, no-break) is accepted when signing;
    on paper it would read as a gap in the signature: 签名“李 晓东”."""
    signature = services.sign(world["letter"], world["staff"], typed, "")
    db.session.commit()
    auth.login("staff")
    page = client.get(f"/commitments/signatures/{signature.id}/print").text
    assert "在线签署，签名“李晓东”。" in page


def test_print_view_shows_what_was_signed_after_the_template_changed(world, client, auth):
    signature = services.sign(world["letter"], world["staff"], "李晓东", "")
    db.session.commit()
    world["letter"].body = "本人{姓名}：被改动的正文。"
    world["letter"].title = "改过的标题"
    world["staff"].full_name = "李晓冬"  # even the person's name corrected later
    db.session.commit()
    auth.login("staff")
    page = client.get(f"/commitments/signatures/{signature.id}/print").text
    assert "本人李晓东，系办公室科员" in page and "被改动的正文" not in page
    assert "作风建设承诺书" in page and "改过的标题" not in page
    home = client.get("/commitments/").text
    assert "本人李晓东，系办公室科员" in home and "被改动的正文" not in home


def test_unit_print_has_one_page_per_letter_of_that_unit_only(world, client, auth):
    for person in ("staff", "head", "other_staff"):
        user = world[person]
        services.sign(world["letter"], user, user.full_name, "")
    db.session.commit()
    auth.login("head")
    page = client.get(f"/commitments/units/{world['office'].id}/print").text
    assert page.count('<div class="document letter">') == 2
    assert world["other_staff"].full_name not in page
    assert "已签署 2 份" in page and "尚未签署 1 人：" + world["admin"].full_name in page
    assert "print.css" in page


def test_unit_print_of_a_unit_without_signatures(world, client, auth):
    auth.login("admin")
    page = client.get(f"/commitments/units/{world['other'].id}/print").text
    assert "本单位暂无已签署的承诺书" in page
