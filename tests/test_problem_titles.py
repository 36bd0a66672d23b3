"""Problem titles are RFC 9110's reason phrases, whatever Python runs the API (issue 10, finding 12: the
README said "Unprocessable Content", Python 3.11 sent "Unprocessable Entity")."""

from __future__ import annotations

import pytest

from ayni.problems import problem_body, status_phrase


@pytest.mark.parametrize(
    ("status", "phrase"),
    [(413, "Content Too Large"), (416, "Range Not Satisfiable"), (422, "Unprocessable Content"), (404, "Not Found")],
)
def test_titles_follow_rfc_9110(status: int, phrase: str) -> None:
    assert status_phrase(status) == phrase
    assert problem_body(status, "x", "y")["title"] == phrase
