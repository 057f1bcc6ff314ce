"""Signing and versioning under the rules: the text as rendered for the person is what is signed."""
import hashlib
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from app.audit import AuditLog
from app.checklists.models import TemplateStatus
from app.commitments import services
from app.commitments.models import Signature
from app.extensions import db
from app.org.models import Rank
from tests.commitments.conftest import BODY, publish_letter

AT = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai


def test_render_fills_every_placeholder(world):
    text = services.render(world["letter"], world["staff"], AT.date())
    assert text.startswith("本人李晓东，系办公室科员（一般干部）。")
    assert text.endswith("本承诺书自2026年11月20日起生效。")
    assert "{" not in text
    assert text.count("\n") == BODY.count("\n")


def test_render_without_a_title_uses_the_rank(world):
    world["head"].title = ""
    assert "系办公室中层干部（中层干部）" in services.render(world["letter"], world["head"], AT.date())


def test_sign_stores_the_rendered_text_its_hash_name_time_and_address(world):
    signature = services.sign(world["letter"], world["staff"], "李晓东", "10.12.3.4", now=AT)
    db.session.commit()
    stored = db.session.get(Signature, signature.id)
    assert stored.rendered_text == services.render(world["letter"], world["staff"], AT.date())
    assert stored.text_sha256 == hashlib.sha256(stored.rendered_text.encode("utf-8")).hexdigest()
    assert (stored.typed_name, stored.address, stored.signed_at) == ("李晓东", "10.12.3.4", AT)
    assert (stored.unit_id, stored.title) == (world["office"].id, "作风建设承诺书")
    row = db.session.scalar(select(AuditLog).where(AuditLog.action == "letter.signed"))
    assert row.object_id == str(stored.id) and row.actor_id == world["staff"].id
    assert row.details_dict["sha256"] == stored.text_sha256
    assert "签署承诺书《作风建设承诺书》（第 1 版）" in row.summary


@pytest.mark.parametrize("typed", ["李晓东", " 李晓东 ", "李 晓 东", "李\u3000晓东", "李晓东\t"])
def test_name_may_carry_spaces(world, typed):
    services.sign(world["letter"], world["staff"], typed, "10.0.0.1")


@pytest.mark.parametrize("typed", ["李晓", "李小东", "staff", "测试人员", "李晓东东"])
def test_a_name_that_is_not_mine_is_refused(world, typed):
    with pytest.raises(services.Invalid, match="签名与您的姓名不一致"):
        services.sign(world["letter"], world["staff"], typed, "10.0.0.1")
    assert db.session.scalar(select(Signature)) is None


def test_an_empty_name_is_refused(world):
    with pytest.raises(services.Invalid, match="请输入您本人的姓名"):
        services.sign(world["letter"], world["staff"], "  ", "10.0.0.1")


def test_minority_names_match_whatever_middle_dot_is_typed(world):
    world["staff"].full_name = "买买提·艾力"
    services.sign(world["letter"], world["staff"], "买买提•艾力", "10.0.0.1")


def test_signing_twice_is_refused_with_the_time_of_the_first(world):
    services.sign(world["letter"], world["staff"], "李晓东", "10.0.0.1", now=AT)
    db.session.commit()
    with pytest.raises(services.Conflict) as refused:
        services.sign(world["letter"], world["staff"], "李晓东", "10.0.0.1")
    assert str(refused.value) == "您已于 2026-11-20 09:30 签署过本承诺书，无需重复签署。"
    assert refused.value.status == 409


def test_drafts_and_superseded_versions_cannot_be_signed(world):
    draft = services.create_template(world["admin"], world["campaign"], title="廉洁自律承诺书", body="本人{姓名}承诺。",
                                     target_ranks=[], due_on=None)
    with pytest.raises(services.Conflict, match="尚未发布"):
        services.sign(draft, world["staff"], "李晓东", "")
    new = services.revise(world["letter"], world["admin"])
    services.publish(new, world["admin"])
    with pytest.raises(services.Conflict, match="已发布新版本"):
        services.sign(world["letter"], world["staff"], "李晓东", "")


def test_only_the_ranks_named_must_sign(world):
    letter = publish_letter(world["admin"], world["campaign"], title="领导干部廉洁承诺书",
                            target_ranks=[Rank.LEADERSHIP, Rank.MIDDLE])
    assert services.must_sign(letter, world["head"]) and services.must_sign(letter, world["leader"])
    assert not services.must_sign(letter, world["staff"])
    with pytest.raises(services.Invalid, match="不要求您签署"):
        services.sign(letter, world["staff"], "李晓东", "")


def test_the_signed_text_does_not_change_when_the_template_does(world):
    letter = world["letter"]
    signature = services.sign(letter, world["staff"], "李晓东", "10.0.0.1", now=AT)
    db.session.commit()
    signed_text, signed_hash = signature.rendered_text, signature.text_sha256
    # A new version, edited and published ...
    new = services.revise(letter, world["admin"])
    services.edit_template(new, world["admin"], title="作风建设承诺书（修订）", body="本人{姓名}另行承诺。",
                           target_ranks=[], due_on=None)
    services.publish(new, world["admin"])
    # ... and even the old version's row changed behind the application's back.
    letter.body = "被改动的正文"
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(Signature, signature.id)
    assert (stored.rendered_text, stored.text_sha256, stored.title) == (signed_text, signed_hash, "作风建设承诺书")
    assert services.text_hash(stored.rendered_text) == stored.text_sha256


# -- Versions ---------------------------------------------------------------------------------
def test_publishing_a_revision_supersedes_the_old_version_and_keeps_its_signatures(world):
    letter = world["letter"]
    old_signature = services.sign(letter, world["staff"], "李晓东", "")
    new = services.revise(letter, world["admin"])
    assert (new.family_id, new.version, new.status, new.body) == (letter.family_id, 2, TemplateStatus.DRAFT,
                                                                  letter.body)
    assert letter.status == TemplateStatus.PUBLISHED  # until the new version is published
    previous = services.publish(new, world["admin"])
    db.session.commit()
    assert previous is letter and letter.status == TemplateStatus.SUPERSEDED
    assert new.status == TemplateStatus.PUBLISHED and services.current_version(letter.family_id) is new
    assert db.session.get(Signature, old_signature.id) is not None
    assert services.signature_of(new, world["staff"]) is None  # must sign again
    services.sign(new, world["staff"], "李晓东", "")
    actions = db.session.scalars(select(AuditLog.action).order_by(AuditLog.seq)).all()
    assert actions[-4:] == ["letter.signed", "letter.revised", "letter.published", "letter.signed"]


def test_a_published_letter_is_not_edited_in_place(world):
    with pytest.raises(services.Conflict, match="修订"):
        services.edit_template(world["letter"], world["admin"], title="x", body="y", target_ranks=[], due_on=None)


def test_one_draft_at_a_time_per_letter(world):
    services.revise(world["letter"], world["admin"])
    with pytest.raises(services.Conflict, match="第 2 版草稿"):
        services.revise(world["letter"], world["admin"])


def test_only_drafts_are_published_or_discarded(world):
    with pytest.raises(services.Conflict):
        services.publish(world["letter"], world["admin"])
    with pytest.raises(services.Conflict):
        services.discard_draft(world["letter"], world["admin"])
    draft = services.revise(world["letter"], world["admin"])
    services.discard_draft(draft, world["admin"])
    db.session.commit()
    assert services.current_version(world["letter"].family_id) is world["letter"]


def test_unknown_placeholders_are_refused(world):
    with pytest.raises(services.Invalid, match=r"\{部门\}"):
        services.create_template(world["admin"], world["campaign"], title="t", body="本人{姓名}，{部门}。",
                                 target_ranks=[], due_on=None)


def test_new_letters_are_drafts_of_their_own_family(world):
    template = services.create_template(world["admin"], world["campaign"], title="廉洁自律承诺书",
                                        body="本人{姓名}承诺。", target_ranks=[Rank.MIDDLE], due_on=None)
    assert (template.family_id, template.version, template.status) == (template.id, 1, TemplateStatus.DRAFT)
    assert template.rank_list == ["middle"]
