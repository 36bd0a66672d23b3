"""Keyset cursors (ayni/paging.py): every string of the stated form is a cursor, every other text a 400, and a
cursor names its row exactly."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from hypothesis import assume, given
from hypothesis import strategies as st

from ayni.paging import CURSOR_PATTERN, decode_cursor, encode_cursor
from ayni.problems import Problem


@given(st.text(max_size=80) | st.from_regex(CURSOR_PATTERN, fullmatch=True))
def test_any_text_is_a_cursor_or_invalid_cursor(text: str) -> None:
    try:
        created_at, row_id = decode_cursor(text)
    except Problem as problem:
        assert (problem.status, problem.slug) == (400, "invalid-cursor")  # noqa: PT017 - the refusal is the property
    else:
        assert re.fullmatch(CURSOR_PATTERN, text)
        assert created_at.tzinfo is not None
        assert str(row_id) == text.split("_")[1]


@given(st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.timezones()), st.uuids())
def test_a_cursor_names_its_row_exactly(created_at: datetime, row_id: uuid.UUID) -> None:
    assume(datetime(1970, 1, 1, tzinfo=UTC) <= created_at < datetime(5000, 1, 1, tzinfo=UTC))
    cursor = encode_cursor(created_at, row_id)
    assert re.fullmatch(CURSOR_PATTERN, cursor)
    # As an instant in UTC: Python compares a repeated local time (fold=1, the hour a DST change repeats) unequal
    # to every time of another zone, even its own instant.
    assert decode_cursor(cursor) == (created_at.astimezone(UTC), row_id)
