"""The shared fields of app/forms.py: one rule per kind of date, on every form that has one."""
from datetime import timedelta

import pytest
from wtforms import DateField
from wtforms.fields.core import UnboundField
from wtforms.form import BaseForm

from app.forms import DATE_HINT, DayField, DeadlineField, Form, PastDayField
from tests.factories import today


def _forms(cls=Form):
    for sub in cls.__subclasses__():
        yield sub
        yield from _forms(sub)


def _date_fields():
    for form in _forms():
        for name in dir(form):
            value = getattr(form, name, None)
            if isinstance(value, UnboundField) and issubclass(value.field_class, DateField):
                yield f"{form.__module__}.{form.__name__}.{name}", value


def test_every_date_field_of_the_app_is_one_of_the_shared_kinds(app):
    fields = dict(_date_fields())
    assert len(fields) >= 10  # 整改时限, 答复时限, 签署截止, 阅读期限, 印发日期, the phases …
    plain = [name for name, field in fields.items() if not issubclass(field.field_class, DayField)]
    assert plain == []
    placeheld = [name for name, field in fields.items() if "placeholder" in (field.kwargs.get("render_kw") or {})]
    assert placeheld == []  # IE11 shows a placeholder as if it were the value


def _field(app, cls, data, previous=None):
    with app.test_request_context():
        form = BaseForm({"day": cls("截止日期")})
        form.process(None, day=previous)
        form["day"].data = data
        return form["day"].validate(form), form["day"].errors


def test_a_deadline_is_today_or_later_unless_kept_unchanged(app):
    assert _field(app, DeadlineField, today()) == (True, [])
    ok, errors = _field(app, DeadlineField, today() - timedelta(days=1))
    assert not ok and errors == [f"截止日期不能早于今天（{today():%Y-%m-%d}）。"]
    old = today() - timedelta(days=30)
    assert _field(app, DeadlineField, old, previous=old)[0]
    assert not _field(app, DeadlineField, old + timedelta(days=1), previous=old)[0]


@pytest.mark.parametrize("offset, ok", [(-3, True), (0, True), (1, False)])
def test_a_day_that_happened_is_today_or_earlier(app, offset, ok):
    assert _field(app, PastDayField, today() + timedelta(days=offset))[0] is ok


def test_a_date_field_states_its_format_as_a_hint(app, auth, client):
    from tests.factories import make_bureau, make_campaign

    make_bureau()
    make_campaign()
    from app.extensions import db

    db.session.commit()
    auth.login("head")
    page = client.get("/ledger/new").text
    assert 'placeholder="2026-11-26"' not in page
    assert f'<div class="hint">{DATE_HINT}</div>' in page
