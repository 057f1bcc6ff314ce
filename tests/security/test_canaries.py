"""Leak canaries: each unit's records carry unique markers (tests/security/world.py); no page, htmx
fragment, Excel or Word download shows a requester a marker they may not read."""
import pytest

from tests.security.matrix import get_cells
from tests.security.world import REQUESTERS

CELLS = get_cells()


def where(line, htmx: bool) -> str:
    return f"{line.target} ({'htmx' if htmx else 'page'})"


@pytest.mark.parametrize("requester", REQUESTERS)
def test_no_answer_shows_a_marker_the_requester_may_not_read(bureau, crawl, requester):
    hidden = {marker.text for marker in bureau.markers if requester not in marker.readers}
    leaks = {where(line, htmx): sorted(crawl.line(line, htmx)[requester].markers & hidden) for line, htmx in CELLS}
    assert {place: shown for place, shown in leaks.items() if shown} == {}


def test_every_marker_is_shown_to_someone_who_may_read_it(bureau, crawl):
    """The control: a marker no page ever shows would prove nothing by staying hidden."""
    seen = {text for line, htmx in CELLS for requester, answer in crawl.line(line, htmx).items()
            for text in answer.markers if requester in next(m.readers for m in bureau.markers if m.text == text)}
    unseen = sorted(marker.text for marker in bureau.markers if marker.text not in seen)
    assert unseen == [], f"never shown to a reader: {unseen}"
