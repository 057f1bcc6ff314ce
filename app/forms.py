"""Forms shared by every area."""
from flask_wtf import FlaskForm
from wtforms import SubmitField


class EmptyForm(FlaskForm):
    """Just the CSRF token and a button: for one-click POSTs such as 销号 or 设为当前."""

    submit = SubmitField("确定")
