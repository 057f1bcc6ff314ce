"""Error pages in Chinese; an htmx request gets the message as a small fragment instead."""
from flask import current_app, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db
from app.htmx import is_htmx

MESSAGES = {
    400: ("请求有误", "提交的内容无法处理，请返回上一页检查后重试。"),
    401: ("请先登录", "登录后才能访问此页面。"),
    403: ("无权访问", "您没有权限执行此操作。如有疑问，请联系专项办。"),
    404: ("页面不存在", "您要找的页面或记录不存在，或您无权查看。"),
    405: ("请求方式不正确", "此页面不接受这种请求方式。"),
    409: ("操作冲突", "该记录已被他人处理，请刷新后查看最新状态。"),
    413: ("文件过大", "上传的文件超过大小限制，请压缩或拆分后重新上传。"),
    422: ("内容有误", "提交的内容未通过校验，请修改后重试。"),
    429: ("操作过于频繁", "尝试次数过多，请稍候几分钟再试。"),
    500: ("系统出错", "系统遇到意外错误，已记录。请稍后重试，或联系专项办。"),
}
CSRF_MESSAGE = "页面已过期或来源不明（安全令牌失效）。请刷新页面后重新提交。"


def render_error(code: int, message: str | None = None, again: tuple[str, str] | None = None):
    """The error page (an htmx request: its message); `again` = (address, label) of a link to
    open the page afresh, offered before 回到首页."""
    title, default_message = MESSAGES.get(code, MESSAGES[500])
    template = "errors/_message.html" if is_htmx() else "errors/page.html"
    return render_template(template, code=code, title=title, message=message or default_message, again=again), code


def register(app) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, CSRF_MESSAGE)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.response is not None:  # abort(response): e.g. the login redirect
            return error.response
        # abort(409, "…") carries our own Chinese message; Werkzeug's defaults are English.
        custom = error.description != type(error).description
        message = error.description if custom else None
        return render_error(error.code, message)

    @app.errorhandler(OverflowError)
    @app.errorhandler(DataError)
    def out_of_range(error):
        """Input the database (or a date) cannot hold: a number beyond its integers, a NUL character
        in text for PostgreSQL. The request's fault, answered as such; the log names it, so the
        form that let it through can be given a check of its own."""
        db.session.rollback()
        current_app.logger.warning("input out of range: %s", error)
        return render_error(400)

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
