"""Forms for units and users."""
from sqlalchemy import func, select
from wtforms import BooleanField, IntegerField, PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp, ValidationError

from app.auth.passwords import password_problem
from app.extensions import db
from app.forms import Form, MultiCheckboxField, choices
from app.org.models import RANK_LABELS, ROLE_LABELS, UNIT_KIND_LABELS, Role, Unit, User, units_in_order


class UnitForm(Form):
    name = StringField("单位名称", validators=[DataRequired("请填写单位名称。"), Length(max=60)])
    kind = SelectField("类型", choices=choices(UNIT_KIND_LABELS.items()))
    parent_id = SelectField("上级单位", coerce=int, validate_choice=True)
    sort_order = IntegerField("排序号", default=0,
                              validators=[Optional(), NumberRange(0, 9999, "排序号应在 0 至 9999 之间。")])
    active = BooleanField("在用", default=True)
    submit = SubmitField("保存")

    def __init__(self, unit: Unit | None = None, *args, **kwargs):
        super().__init__(*args, obj=unit, **kwargs)
        self.unit = unit
        excluded = _descendant_ids(unit) if unit else set()
        self.parent_id.choices = choices(
            [(0, "（无，即本局）")] + [(u.id, u.name) for u in units_in_order() if u.id not in excluded]
        )
        if unit is not None and not self.is_submitted():
            self.parent_id.data = unit.parent_id or 0

    def validate_name(self, field):
        field.data = field.data.strip()
        clash = db.session.scalar(select(Unit).where(Unit.name == field.data))
        if clash is not None and clash is not self.unit:
            raise ValidationError("已有同名单位。")


def _descendant_ids(unit: Unit) -> set[int]:
    """The unit and everything below it: none of them can become its parent."""
    ids, stack = set(), [unit]
    while stack:
        current = stack.pop()
        ids.add(current.id)
        stack.extend(current.children)
    return ids


class UserForm(Form):
    username = StringField("用户名", validators=[
        DataRequired("请填写用户名。"), Length(max=40, message="用户名不能超过 40 个字符。"),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="用户名只能包含字母、数字、下划线、点和短横线。"),
    ])
    full_name = StringField("姓名", validators=[DataRequired("请填写姓名。"), Length(max=40)])
    unit_id = SelectField("所在单位", coerce=int)
    role = SelectField("角色", choices=choices(ROLE_LABELS.items()))
    rank = SelectField("职级层次", choices=choices(RANK_LABELS.items()))
    title = StringField("职务", validators=[Optional(), Length(max=40)])
    phone = StringField("联系电话", validators=[Optional(), Length(max=30)])
    portfolio = MultiCheckboxField("分管单位（班子成员）", coerce=int)
    active = BooleanField("在用", default=True)
    password = PasswordField("初始密码", validators=[Optional(), Length(max=200)])
    submit = SubmitField("保存")

    def __init__(self, user: User | None = None, *args, **kwargs):
        super().__init__(*args, obj=user, **kwargs)
        self.user = user
        units = units_in_order()
        self.unit_id.choices = choices((u.id, u.name) for u in units)
        self.portfolio.choices = choices((u.id, u.name) for u in units)
        if user is not None and not self.is_submitted():
            self.portfolio.data = [u.id for u in user.portfolio_units]
        if user is None:
            self.password.validators = [DataRequired("请设置初始密码。"), Length(max=200)]
            self.password.flags.required = True

    def validate_username(self, field):
        field.data = field.data.strip()
        clash = db.session.scalar(select(User).where(func.lower(User.username) == field.data.lower()))
        if clash is not None and clash is not self.user:
            raise ValidationError("该用户名已被使用。")

    def validate_password(self, field):
        if field.data:
            problem = password_problem(field.data, self.username.data or "")
            if problem:
                raise ValidationError(problem)

    def validate_portfolio(self, field):
        if field.data and self.role.data != Role.LEADER:
            raise ValidationError("只有班子成员可以设置分管单位。")
