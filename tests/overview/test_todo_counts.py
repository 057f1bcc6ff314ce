"""Every to-do on the home page, for every person of the demo bureau: its figure is the number of
rows of the list its link opens (a count of items the person cannot open, or of rows the list
leaves out, is a broken promise on the first page they see)."""
import re
from html import unescape

from sqlalchemy import select

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.org.models import User


def _todos(home: str) -> list[tuple[str, str, int]]:
    """(title, link, figure) of each to-do; a to-do without a figure stands for one thing."""
    listed = home.split('<ul class="todo-list">', 1)[1].split("</ul>", 1)[0] if "todo-list" in home else ""
    todos = []
    for item in re.findall(r"<li.*?</li>", listed, re.S):
        link = re.search(r'<a href="([^"]+)">([^<]+)</a>', item)
        figure = re.search(r'<span class="count">(\d+)</span>', item)
        todos.append((link.group(2), unescape(link.group(1)), int(figure.group(1)) if figure else 1))
    return todos


def _rows(page: str, anchor: str) -> int | None:
    """Rows of the list the page opens (within the element the link's #anchor names); None for a
    page that is a form, not a list."""
    if anchor:
        page = page.split(f'id="{anchor}"', 1)[1]
        page = page.split("</table>", 1)[0]
    bodies = re.findall(r"<tbody.*?</tbody>", page, re.S)
    if not bodies:
        return None
    rows = [row for body in bodies for row in re.findall(r"<tr[\s>].*?</tr>", body, re.S)]
    return sum('class="empty"' not in row for row in rows)


def test_every_to_do_counts_the_rows_of_the_list_it_opens(demo):
    people = db.session.scalars(select(User.username).where(User.active.is_(True)).order_by(User.id)).all()
    wrong, lists = [], 0
    for username in people:
        client = demo.test_client()
        client.post("/auth/login", data={"username": username, "password": DEMO_PASSWORD})
        for title, link, figure in _todos(client.get("/").text):
            path, _hash, anchor = link.partition("#")
            response = client.get(path)
            assert response.status_code == 200, (username, title, link)
            rows = _rows(response.text, anchor)
            if rows is None:
                assert figure == 1, (username, title, link)  # one thing to do, on a form
                continue
            lists += 1
            if rows != figure:
                wrong.append(f"{username}: {title} {figure}, {link} lists {rows}")
    assert lists > 100  # the demo gives most people something to do
    assert not wrong, "\n".join(wrong)
