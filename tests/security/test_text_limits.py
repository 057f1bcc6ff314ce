"""Text limits are stated and counted, never enforced by cutting: no page or fragment any requester
gets has a field with a maxlength attribute (the browser would silently cut pasted text at it; the
form-field macro states the limit and the server refuses longer text with the field named)."""
from tests.security.matrix import get_cells
from tests.security.world import REQUESTERS

CELLS = get_cells()


def test_no_field_of_any_answer_cuts_text_at_a_maxlength(crawl):
    cutting = sorted({f"{line.target} ({'htmx' if htmx else 'page'}) for {requester}"
                      for line, htmx in CELLS for requester, answer in crawl.line(line, htmx).items()
                      if requester in REQUESTERS and answer.cuts_text})
    assert cutting == [], "\n".join(cutting)
