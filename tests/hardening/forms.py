"""The POST forms of the app as the pages render them: each form's action, its fields and the
values the page offers (hidden values such as the version, the options of a select, checkboxes).
"""
from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, hidden, file, date, number, …
    values: set[str] = field(default_factory=set)


@dataclass
class Form:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    def add(self, name: str, kind: str, value: str | None) -> None:
        known = self.fields.setdefault(name, Field(name, kind))
        if value:
            known.values.add(value)


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            action = attrs.get("hx-post") or (attrs.get("action") if method == "post" else None)
            self._form = Form(action or self.page_url) if action or method == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        elif tag == "option" and self._form is not None and self._select and attrs.get("value") is not None:
            self._form.fields[self._select].values.add(attrs["value"])
        elif self._form is None or "name" not in attrs:
            return
        elif tag == "input":
            kind = (attrs.get("type") or "text").lower()
            if kind not in ("submit", "button", "reset", "image"):
                self._form.add(attrs["name"], kind, attrs.get("value"))
        elif tag == "button" and attrs.get("value"):
            self._form.add(attrs["name"], "button", attrs["value"])
        elif tag == "select":
            self._select = attrs["name"]
            self._form.add(self._select, "select", None)
        elif tag == "textarea":
            self._textarea = attrs["name"]
            self._form.add(self._textarea, "textarea", None)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form is not None and data.strip():
            self._form.fields[self._textarea].values.add(data)


def post_forms(html: str, page_url: str) -> list[Form]:
    """Every form of the page that posts, with its fields."""
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
