"""Password rules: a minimum length and no commonly used passwords."""
from functools import lru_cache
from pathlib import Path

from flask import current_app


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


def password_problem(password: str, username: str = "") -> str | None:
    """The reason a new password is refused, in Chinese, or None when it is acceptable."""
    minimum = current_app.config["PASSWORD_MIN_LENGTH"]
    if len(password) < minimum:
        return f"密码至少需要 {minimum} 位。"
    lowered = password.lower()
    if lowered in common_passwords() or len(set(password)) <= 2:
        return "该密码过于常见，容易被猜中，请换一个。"
    if username and username.lower() in lowered:
        return "密码不能包含用户名。"
    if password.isdigit():
        return "密码不能全是数字，请加入字母或符号。"
    return None
