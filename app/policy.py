"""Who may do what: the one place that decides, by role, own unit and a leader's portfolio.

Views ask `require(action, obj)` (or wear `@requires(action)`); templates ask `can(action, obj)` to
decide which buttons to show. A view that needs no permission says so with `@public`. In tests,
a view that answers without asking raises (POLICY_ENFORCE_ASKED), so a new route cannot forget.
"""
from functools import wraps
from typing import Callable

from flask import abort, current_app, g
from flask_login import current_user

from app.org.models import Role

Rule = Callable[..., bool]
RULES: dict[str, Rule] = {}


def rule(action: str):
    def register(func: Rule) -> Rule:
        RULES[action] = func
        return func

    return register


def can(user, action: str, obj=None) -> bool:
    """Whether `user` may perform `action` (on `obj`, where the action concerns one record)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return RULES[action](user, obj)


def require(action: str, obj=None, *, hide: bool = False) -> None:
    """Abort unless the current user may: 401 → login, else 403 (404 with hide=True).

    hide=True is for records of another unit: their existence is not confirmed.
    """
    g.policy_asked = True
    if not current_user.is_authenticated:
        abort(current_app.login_manager.unauthorized())
    if not can(current_user, action, obj):
        abort(404 if hide else 403)


def requires(action: str):
    """View decorator for actions that concern no particular record."""

    def decorate(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            require(action)
            return view(*args, **kwargs)

        return wrapped

    return decorate


def public(view):
    """Marks a view that anyone may call (login page, static files)."""
    view.policy_public = True
    return view


def enforce_asked(app) -> None:
    """In tests: wrap every view so that answering without asking the policy raises.

    Wrapping the views (rather than checking in after_request) looks only at requests that
    reached a view, not at those a before_request hook answered first.
    """
    for endpoint, view in list(app.view_functions.items()):
        if endpoint == "static" or getattr(view, "policy_public", False):
            continue
        app.view_functions[endpoint] = _checked(endpoint, view)


def _checked(endpoint: str, view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        g.policy_asked = False
        response = view(*args, **kwargs)
        if not g.policy_asked:
            raise AssertionError(f"view {endpoint} answered without asking app.policy")
        return response

    return wrapped


def _is(*roles: Role) -> Rule:
    return lambda user, _obj=None: user.role in roles


# -- Rules ---------------------------------------------------------------------------------
rule("home.view")(lambda user, _obj=None: True)
rule("account.change_password")(lambda user, _obj=None: True)
rule("org.manage")(_is(Role.ADMIN))
rule("campaign.manage")(_is(Role.ADMIN))
rule("audit.view")(_is(Role.ADMIN))
