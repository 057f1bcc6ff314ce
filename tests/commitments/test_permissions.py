"""Who sees which letters: staff their own, unit heads their unit's, leaders their portfolio's,
专项办 and 督查 all; only 专项办 writes and publishes letters."""
import pytest

from app import policy
from app.commitments import services
from app.extensions import db

ROLES = ["staff", "head", "other_head", "leader", "inspector", "admin"]


@pytest.fixture
def signed(world):
    """Signed letters of 办公室 (staff) and 财务股 (other_staff)."""
    own = services.sign(world["letter"], world["staff"], "李晓东", "")
    other = services.sign(world["letter"], world["other_staff"], world["other_staff"].full_name, "")
    db.session.commit()
    return {"office": own.id, "other": other.id}


# (who, 办公室's letter, 财务股's letter, print 办公室, print 财务股, progress)
EXPECTED = {
    "staff": (200, 404, 403, 404, 403),
    "head": (200, 404, 200, 404, 200),
    "other_head": (404, 200, 404, 200, 200),
    "leader": (200, 404, 200, 404, 200),
    "inspector": (200, 200, 200, 200, 200),
    "admin": (200, 200, 200, 200, 200),
}


@pytest.mark.parametrize("who", ROLES)
def test_what_each_role_may_open(world, signed, client, auth, who):
    auth.login(who)
    office, other = world["office"].id, world["other"].id
    got = (
        client.get(f"/commitments/signatures/{signed['office']}/print").status_code,
        client.get(f"/commitments/signatures/{signed['other']}/print").status_code,
        client.get(f"/commitments/units/{office}/print").status_code,
        client.get(f"/commitments/units/{other}/print").status_code,
        client.get("/commitments/progress").status_code,
    )
    assert got == EXPECTED[who]


@pytest.mark.parametrize("who", ROLES)
def test_everyone_has_the_letter_page(world, client, auth, who):
    auth.login(who)
    assert client.get("/commitments/").status_code == 200
    assert "承诺书" in client.get("/").text


@pytest.mark.parametrize("who", ["staff", "head", "leader", "inspector"])
def test_only_admin_manages_letters(world, client, auth, who):
    auth.login(who)
    letter = world["letter"].id
    for path in ("/commitments/templates", "/commitments/templates/new", f"/commitments/templates/{letter}",
                 f"/commitments/templates/{letter}/edit"):
        assert client.get(path).status_code == 403, path
    for action in ("publish", "revise", "delete"):
        assert client.post(f"/commitments/templates/{letter}/{action}").status_code == 403
    assert client.post("/commitments/templates/new", data={"title": "x", "body": "y"}).status_code == 403


def test_nobody_signs_for_someone_else(world, client, auth):
    """The sign form has no 'whom': it always signs for the person logged in."""
    auth.login("head")
    client.post(f"/commitments/letters/{world['letter'].id}/sign",
                data={"promise": "y", "typed_name": "李晓东", "user_id": world["staff"].id})
    assert services.signature_of(world["letter"], world["staff"]) is None


def test_the_signature_rules(world, signed):
    from app.commitments.models import Signature

    own = db.session.get(Signature, signed["office"])
    assert policy.can(world["staff"], "signature.view", own)
    assert not policy.can(world["other_staff"], "signature.view", own)
    assert not policy.can(world["staff"], "letter.progress")
    assert policy.can(world["head"], "letter.progress", world["office"])
    assert not policy.can(world["head"], "letter.progress", world["other"])
    world["staff"].active = False
    assert not policy.can(world["staff"], "signature.view", own)
