"""What a person does in the browser, as plain functions the browser tests share."""
from tests.factories import PASSWORD


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    """Open the login page, fill it in and submit; waits for the page that answers."""
    page.goto(live_server.url("/auth/login"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()


def logout(page) -> None:
    """The 退出 button in the masthead."""
    with page.expect_navigation():
        page.locator(".masthead").get_by_role("button", name="退出").click()


def change_password(page, current: str, new: str, confirm: str | None = None) -> None:
    """Fill in and submit the change-password form that is on the page now."""
    page.get_by_label("当前密码").fill(current)
    page.get_by_label("新密码", exact=True).fill(new)
    page.get_by_label("再次输入新密码").fill(new if confirm is None else confirm)
    page.locator("form").get_by_role("button", name="修改密码").click()


def flash_text(page) -> str:
    return " ".join(page.locator(".flash").all_inner_texts())


# A4 landscape less the 对账单's @page margins (264 × 186 mm), at 96 px to the inch: what lands on paper.
A4_LANDSCAPE_PRINTABLE = {"width": 998, "height": 703}
