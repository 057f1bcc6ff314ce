"""Static assets fit the intranet's old browsers: the vendored htmx, ES5-only scripts, IE11-safe CSS.

Static checks, no browser: they read the files under static/ and templates/.
"""
import base64
import hashlib
import re
from pathlib import Path

import pytest
from pyjsparser import JsSyntaxError, parse

from app.config import BASE_DIR, HTMX_VERSION

STATIC = BASE_DIR / "static"
TEMPLATES = BASE_DIR / "templates"
HTMX_FILE = STATIC / "vendor" / f"htmx-{HTMX_VERSION}.min.js"
HTMX_SHA256 = "449317ade7881e949510db614991e195c3a099c4c791c24dacec55f9f4a2a452"

OWN_SCRIPTS = sorted(p for p in (STATIC / "js").rglob("*.js"))
STYLESHEETS = sorted((STATIC / "css").glob("*.css"))
ALL_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))
# Pages that deliberately stand alone, extending no layout; none yet.
STANDALONE_PAGES: set[str] = set()


def rel(path: Path) -> str:
    return path.relative_to(BASE_DIR).as_posix()


# --- the vendored htmx ---------------------------------------------------------------------------

def test_vendored_htmx_is_the_official_file(app):
    content = HTMX_FILE.read_bytes()
    assert hashlib.sha256(content).hexdigest() == HTMX_SHA256
    sri = "sha384-" + base64.b64encode(hashlib.sha384(content).digest()).decode()
    assert sri == app.config["HTMX_INTEGRITY"]
    assert f'version:"{HTMX_VERSION}"' in content.decode("utf-8")


def test_base_template_points_at_the_vendored_htmx():
    base = (TEMPLATES / "base.html").read_text(encoding="utf-8")
    assert f"vendor/{HTMX_FILE.name}" in base
    assert "HTMX_INTEGRITY" in base


# --- ES5 only in our own JavaScript --------------------------------------------------------------

def es5_problems(source: str) -> list[str]:
    """Syntax IE11 cannot run. pyjsparser parses ES5 plus a little ES2015 (const/let, shorthand and
    computed properties, methods, default parameters), so those are looked for in its tree."""
    try:
        tree = parse(source)
    except JsSyntaxError as error:
        return [f"not ES5: {error}"]
    problems = []

    def walk(node):
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, dict):
            return
        kind = node.get("type")
        if kind == "VariableDeclaration" and node.get("kind") != "var":
            problems.append(f"'{node['kind']}' declaration (use var)")
        if kind == "Property" and (node.get("shorthand") or node.get("method") or node.get("computed")):
            problems.append("ES2015 object literal property (shorthand, method or computed key)")
        if kind in {"FunctionDeclaration", "FunctionExpression"} and (node.get("defaults") or node.get("generator")):
            problems.append("default parameter or generator function")
        for value in node.values():
            walk(value)

    walk(tree)
    return problems


@pytest.mark.parametrize(
    "source",
    [
        "let x = () => 1;", "var f = function () { return 1; }; const y = 2;", "let z = 1;",
        "var s = `template`;", "class A {}", "var o = {a};", "var o = {f() {}};", "var o = {[k]: 1};",
        "function f(a = 1) {}", "function f(...rest) {}", "for (var x of xs) {}", "var {a} = o;",
    ],
)
def test_es5_check_rejects_later_syntax(source):
    assert es5_problems(source), f"the ES5 check let through: {source}"


def test_es5_check_accepts_es5():
    assert es5_problems("var o = {a: 1, 'b': function (x) { return x; }}; if (o.a) { o.b(2); }") == []


def test_own_scripts_exist():
    assert rel(STATIC / "js" / "app.js") in {rel(p) for p in OWN_SCRIPTS}
    assert all("vendor" not in p.relative_to(STATIC).parts for p in OWN_SCRIPTS)


@pytest.mark.parametrize("path", OWN_SCRIPTS, ids=rel)
def test_own_scripts_are_es5(path):
    assert es5_problems(path.read_text(encoding="utf-8")) == []


SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
JINJA_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.DOTALL)
JINJA_STATEMENT = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.DOTALL)
JS_TYPES = {"", "text/javascript", "application/javascript"}


def inline_scripts(text: str) -> list[str]:
    """Bodies of the inline JavaScript <script> elements, Jinja replaced by neutral JavaScript."""
    bodies = []
    for attributes, body in SCRIPT_TAG.findall(text):
        if re.search(r"\bsrc\s*=", attributes):
            continue
        script_type = re.search(r"""\btype\s*=\s*["']?([^"'\s>]*)""", attributes)
        if script_type and script_type.group(1).lower() not in JS_TYPES:
            continue
        bodies.append(JINJA_STATEMENT.sub("", JINJA_EXPRESSION.sub("null", body)))
    return bodies


def test_inline_script_finder_finds_scripts():
    text = '<script src="a.js"></script><script>var a = {{ x|tojson }};</script><script type="application/json">{}</script>'
    assert inline_scripts(text) == ["var a = null;"]


def test_inline_scripts_in_templates_are_es5():
    problems = {}
    for path in ALL_TEMPLATES:
        for body in inline_scripts(path.read_text(encoding="utf-8")):
            found = es5_problems(body)
            if found:
                problems[rel(path)] = found
    assert problems == {}


def test_templates_have_no_inline_script():
    """The CSP (app/security.py) allows scripts from files only: inline ones would never run."""
    handler = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
    offenders = [
        rel(path) for path in ALL_TEMPLATES
        if inline_scripts(text := path.read_text(encoding="utf-8")) or handler.search(text)
    ]
    assert offenders == [], "inline <script> or on...= handler: move it to static/js/app.js"


# --- CSS that IE11 understands -------------------------------------------------------------------

CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
CSS_PROBLEMS = {
    "custom property": re.compile(r"(?<![\w-])--[\w-]+\s*:"),
    "var()": re.compile(r"\bvar\s*\("),
    "grid layout": re.compile(r"\bdisplay\s*:\s*(inline-)?grid\b", re.IGNORECASE),
}


def css_problems(css: str) -> list[str]:
    css = CSS_COMMENT.sub("", css)
    return [name for name, pattern in CSS_PROBLEMS.items() if pattern.search(css)]


def test_css_check_catches_problems():
    assert css_problems(":root { --red: #a61b1b; } a { color: var(--red); } .g { display:grid; }") == [
        "custom property", "var()", "grid layout",
    ]
    assert css_problems("/* no grid, no var(--x) */ .a { display: block; margin: -1px; }") == []


def test_stylesheets_exist():
    assert STATIC / "css" / "app.css" in STYLESHEETS


@pytest.mark.parametrize("path", STYLESHEETS, ids=rel)
def test_stylesheets_are_ie11_safe(path):
    assert css_problems(path.read_text(encoding="utf-8")) == []


# --- every page is built on a layout ------------------------------------------------------------

EXTENDS = re.compile(r"""\{%-?\s*extends\s+["']([^"']+)["']""")
# Whole documents the pages extend: base.html, and others such as print_base.html for A4 print views.
LAYOUTS = sorted(
    p.name for p in TEMPLATES.glob("*.html") if p.name == "base.html" or p.name.endswith("_base.html")
)


def is_fragment(name: str) -> bool:
    """Included pieces and macro files: any part of the path starts with _ (_macros/, _partials/,
    errors/_message.html)."""
    return any(part.startswith("_") for part in name.split("/"))


def layout_of(name: str, seen: tuple = ()) -> str | None:
    if name in LAYOUTS:
        return name
    match = EXTENDS.search((TEMPLATES / name).read_text(encoding="utf-8"))
    if match is None or name in seen or not (TEMPLATES / match.group(1)).exists():
        return None
    return layout_of(match.group(1), seen + (name,))


def test_every_page_extends_a_layout():
    names = [p.relative_to(TEMPLATES).as_posix() for p in ALL_TEMPLATES]
    assert "base.html" in LAYOUTS and "auth/login.html" in names
    pages = [n for n in names if not is_fragment(n) and n not in LAYOUTS and n not in STANDALONE_PAGES]
    assert [n for n in pages if layout_of(n) is None] == []
    assert layout_of("auth/login.html") == "base.html"


@pytest.mark.parametrize("name", LAYOUTS)
def test_layouts_ask_old_browsers_for_their_best_mode(name):
    text = (TEMPLATES / name).read_text(encoding="utf-8")
    assert text.lstrip().lower().startswith("<!doctype html>")
    assert '<html lang="zh-CN">' in text
    assert '<meta charset="utf-8">' in text
    assert '<meta http-equiv="X-UA-Compatible" content="IE=edge">' in text
