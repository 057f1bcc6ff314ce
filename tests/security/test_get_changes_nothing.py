"""GET never changes the database: every table's rows are the same after each GET line of the
matrix, as every requester, full page and htmx."""
import pytest

from tests.security.matrix import LINES

GET_LINES = [line for line in LINES if line.mode == "get"]


@pytest.mark.parametrize("line", GET_LINES, ids=[line.target for line in GET_LINES])
def test_get_changes_nothing(crawl, line):
    crawl.line(line, htmx=False)
    assert crawl.changes[line.target] == []
