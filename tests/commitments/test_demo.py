"""The demo letter `flask seed-demo` builds: most of the bureau has signed, some not, with the
上热中温下冷 pattern and lagging units, so the progress views show real variation."""
import pytest
from sqlalchemy import select

from app import audit, create_app
from app.checklists.models import TemplateStatus
from app.commitments import queries, services
from app.commitments.models import LetterTemplate, Signature
from app.database import utcnow
from app.extensions import db
from app.org.models import Rank, User
from tests.conftest import POSTGRES_URL, _empty_postgres_tables, _fresh_database_url


@pytest.fixture(scope="module")
def demo(migrated_template, tmp_path_factory):
    app = create_app(
        "test", SQLALCHEMY_DATABASE_URI=_fresh_database_url(migrated_template, tmp_path_factory.mktemp("demo")),
    )
    with app.app_context():
        if POSTGRES_URL:
            _empty_postgres_tables()
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        yield app
        db.session.remove()
        db.engine.dispose()


def letter() -> LetterTemplate:
    return db.session.scalar(select(LetterTemplate))


def user(username: str) -> User:
    return db.session.scalar(select(User).where(User.username == username))


def test_one_published_letter_for_everyone(demo):
    template = letter()
    assert (template.title, template.status, template.version, template.rank_list) == (
        "作风建设承诺书", TemplateStatus.PUBLISHED, 1, [])
    assert "拒绝吃拿卡要" in template.body and "{姓名}" in template.body and "{日期}" in template.body
    assert services.unknown_placeholders(template.body) == []


def test_demo_accounts(demo):
    template = letter()
    assert services.signature_of(template, user("staff")) is None
    for username in ("head", "leader", "admin", "inspector"):
        assert services.signature_of(template, user(username)) is not None, username


def test_progress_varies_by_rank_and_unit(demo):
    figures = queries.progress(letter())
    assert 0.7 <= figures.total.signed / figures.total.required <= 0.92
    ranks = figures.by_rank
    assert ranks[Rank.LEADERSHIP].rate == 100
    assert ranks[Rank.MIDDLE].rate > ranks[Rank.GENERAL].rate  # 上热中温下冷
    rates = sorted(row.total.rate for row in figures.units)
    assert rates[0] <= 60 and rates[-1] == 100
    assert sum(1 for rate in rates if rate < 100) >= 5


def test_signatures_are_real(demo):
    signatures = db.session.scalars(select(Signature)).all()
    published = letter().published_at
    days = {s.signed_at.date() for s in signatures}
    assert len(days) >= 15  # spread over the past weeks
    for signature in signatures:
        assert published <= signature.signed_at < utcnow()
        assert signature.rendered_text.startswith(f"本人{signature.user.full_name}，系{signature.user.unit.name}")
        assert services.text_hash(signature.rendered_text) == signature.text_sha256
        assert signature.typed_name == signature.user.full_name and signature.address.startswith("10.36.")
    assert audit.verify().ok
